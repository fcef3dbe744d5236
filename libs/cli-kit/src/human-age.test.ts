import { describe, it, expect } from 'vitest';
import { humanAge, humanDuration } from './human-age.js';

const s = 1000;
const h = 3600 * s;

describe('humanDuration', () => {
  it('reads like docker for seconds and minutes', () => {
    expect(humanDuration(500)).toBe('Less than a second');
    expect(humanDuration(1 * s)).toBe('1 second');
    expect(humanDuration(2 * s)).toBe('2 seconds');
    expect(humanDuration(60 * s)).toBe('About a minute');
    expect(humanDuration(3 * 60 * s + 20 * s)).toBe('3 minutes');
  });
  it('rounds hours and moves on to days, weeks, months and years', () => {
    expect(humanDuration(h + 20 * 60 * s)).toBe('About an hour');
    expect(humanDuration(5 * h)).toBe('5 hours');
    expect(humanDuration(3 * 24 * h)).toBe('3 days');
    expect(humanDuration(21 * 24 * h)).toBe('3 weeks');
    expect(humanDuration(90 * 24 * h)).toBe('3 months');
    expect(humanDuration(3 * 365 * 24 * h)).toBe('3 years');
  });
});

describe('humanAge', () => {
  it('measures from now and never goes negative', () => {
    const now = new Date('2024-01-01T00:10:00Z');
    expect(humanAge(new Date('2024-01-01T00:07:00Z'), now)).toBe('3 minutes');
    expect(humanAge(new Date('2024-01-01T00:11:00Z'), now)).toBe('Less than a second');
  });
});
