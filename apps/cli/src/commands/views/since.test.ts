import { describe, expect, it } from 'vitest';
import { parseGoDuration, parseTimestamp, rfc3339NanoFixed } from './since.js';

const now = new Date('2024-05-01T12:00:00Z');

describe('parseGoDuration', () => {
  it("reads Go's duration syntax", () => {
    expect(parseGoDuration('10m')).toBe(600_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('-1m')).toBe(-60_000);
    expect(parseGoDuration('10')).toBeUndefined();
    expect(parseGoDuration('1d')).toBeUndefined();
  });
});

describe('parseTimestamp', () => {
  it('takes durations back from now', () => {
    expect(parseTimestamp('10m', now).toISOString()).toBe('2024-05-01T11:50:00.000Z');
    expect(parseTimestamp('1h30m', now).toISOString()).toBe('2024-05-01T10:30:00.000Z');
  });
  it('takes unix seconds', () => {
    expect(parseTimestamp('1700000000', now).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseTimestamp('1700000000.5', now).toISOString()).toBe('2023-11-14T22:13:20.500Z');
    expect(parseTimestamp('0', now).getTime()).toBe(0);
  });
  it('takes RFC 3339 times and prefixes, local without a zone', () => {
    expect(parseTimestamp('2024-01-02T15:04:05Z', now).toISOString()).toBe('2024-01-02T15:04:05.000Z');
    expect(parseTimestamp('2024-01-02T15:04:05.123456789Z', now).toISOString()).toBe(
      '2024-01-02T15:04:05.123Z',
    );
    expect(parseTimestamp('2024-01-02T15:04:05+01:00', now).toISOString()).toBe('2024-01-02T14:04:05.000Z');
    expect(parseTimestamp('2024-01-02T15:04', now).getTime()).toBe(new Date(2024, 0, 2, 15, 4).getTime());
    expect(parseTimestamp('2024-01-02', now).getTime()).toBe(new Date(2024, 0, 2).getTime());
  });
  it('refuses anything else', () => {
    expect(() => parseTimestamp('yesterday', now)).toThrow(/failed to parse value as time or duration/);
    expect(() => parseTimestamp('2024-13', now)).toThrow(/invalid time/);
  });
});

describe('rfc3339NanoFixed', () => {
  it('prints nine fraction digits in UTC', () => {
    expect(rfc3339NanoFixed(new Date('2024-01-02T03:04:05.006Z'))).toBe('2024-01-02T03:04:05.006000000Z');
    expect(rfc3339NanoFixed(new Date('2024-01-02T03:04:05Z'), 7)).toBe('2024-01-02T03:04:05.000000007Z');
  });
});
