import { describe, it, expect } from 'vitest';
import { formatLabels } from './labels.js';

describe('formatLabels', () => {
  it('sorts by key and joins with commas', () => {
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
  });
  it('prints a placeholder for no labels', () => {
    expect(formatLabels({})).toBe('-');
    expect(formatLabels({}, '')).toBe('');
  });
});
