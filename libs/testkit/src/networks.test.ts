import { describe, expect, it } from 'vitest';
import { cidrsOverlap } from './networks.js';

describe('cidrsOverlap', () => {
  it('compares IPv4 blocks, and never matches default or IPv6 routes', () => {
    expect(cidrsOverlap('10.231.0.0/16', '10.231.5.0/24')).toBe(true);
    expect(cidrsOverlap('10.231.5.7', '10.231.0.0/16')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/8', '10.240.0.0/16')).toBe(true);
    expect(cidrsOverlap('10.231.0.0/16', '10.232.0.0/16')).toBe(false);
    expect(cidrsOverlap('192.0.2.0/24', '10.231.0.0/16')).toBe(false);
    expect(cidrsOverlap('default', '10.231.0.0/16')).toBe(false);
    expect(cidrsOverlap('fd00::/8', '10.231.0.0/16')).toBe(false);
  });
});
