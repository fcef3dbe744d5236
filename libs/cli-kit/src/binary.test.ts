import { describe, it, expect } from 'vitest';
import { looksBinary } from './binary.js';

describe('looksBinary', () => {
  it('treats JSON and UTF-8 text as text', () => {
    expect(looksBinary(Buffer.from('{"schemaVersion":2,"name":"héllo"}\n'))).toBe(false);
    expect(looksBinary(new Uint8Array())).toBe(false);
  });
  it('treats data with a NUL byte near the start as binary', () => {
    expect(looksBinary(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe(true);
  });
  it('only looks at the first 8000 bytes', () => {
    const late = Buffer.alloc(9000, 0x61);
    late[8500] = 0;
    expect(looksBinary(late)).toBe(false);
  });
});
