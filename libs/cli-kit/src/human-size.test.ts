import { describe, it, expect } from 'vitest';
import { humanSize } from './human-size.js';

describe('humanSize', () => {
  it('prints whole bytes below 1 KiB', () => {
    expect(humanSize(0)).toBe('0 B');
    expect(humanSize(1023)).toBe('1023 B');
  });
  it('uses binary units with one decimal', () => {
    expect(humanSize(1024)).toBe('1.0 KiB');
    expect(humanSize(1.2 * 1024 * 1024)).toBe('1.2 MiB');
    expect(humanSize(200 * 1024 ** 2)).toBe('200.0 MiB');
    expect(humanSize(3.5 * 1024 ** 3)).toBe('3.5 GiB');
  });
  it('carries a value that rounds up to 1024 into the next unit', () => {
    expect(humanSize(1024 * 1024 - 1)).toBe('1.0 MiB');
  });
});
