import { describe, expect, it } from 'vitest';
import { generateId, generateName, shortId } from './ids.js';

describe('generateId', () => {
  it('returns 64 hex digits', () => {
    const id = generateId();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(shortId(id)).toBe(id.slice(0, 12));
    expect(generateId()).not.toBe(id);
  });

  it('never returns an id whose short form is all digits', () => {
    const draws = [Buffer.alloc(32, 0x11), Buffer.from('a'.repeat(64), 'hex')];
    const id = generateId(() => draws.shift()!);
    expect(id).toBe('a'.repeat(64));
  });
});

describe('generateName', () => {
  it('makes adjective_surname names in docker’s shape', () => {
    for (let i = 0; i < 50; i++) expect(generateName()).toMatch(/^[a-z]+_[a-z]+$/);
  });

  it('appends a digit on a retry', () => {
    expect(generateName(1, () => 0)).toBe('admiring_agnesi0');
    expect(generateName(0, () => 0)).toBe('admiring_agnesi');
  });
});
