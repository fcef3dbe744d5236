import { describe, it, expect } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('parses Go-style units and their sums', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1.5s')).toBe(1500);
  });
  it('reads a bare number as seconds', () => {
    expect(parseDuration('3')).toBe(3000);
  });
  it('rejects anything else with a message that shows the input', () => {
    for (const bad of ['', 'soon', '10x', 's10', '1m 30s', '-5s'])
      expect(() => parseDuration(bad)).toThrow(/invalid duration/);
  });
});
