import { describe, it, expect } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { applyLabelMask, parseLabelArgs, validateLabels } from './labels.js';

const catchErr = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

describe('applyLabelMask', () => {
  const cur = { a: '1', b: '2' };
  it('replaces all labels with an empty mask or "labels"', () => {
    expect(applyLabelMask(cur, { c: '3' }, [])).toEqual({ c: '3' });
    expect(applyLabelMask(cur, { c: '3' }, ['labels'])).toEqual({ c: '3' });
  });
  it('sets and removes single keys', () => {
    expect(applyLabelMask(cur, { a: 'x' }, ['labels.a', 'labels.b'])).toEqual({ a: 'x' });
  });
  it('rejects other fields as InvalidArgument', () => {
    expect(isInvalidArgument(catchErr(() => applyLabelMask(cur, {}, ['size'])))).toBe(true);
  });
  it('rejects oversized labels', () => {
    expect(isInvalidArgument(catchErr(() => validateLabels({ k: 'v'.repeat(5000) })))).toBe(true);
  });
});

describe('parseLabelArgs', () => {
  it('parses k=v and bare keys', () => {
    expect(parseLabelArgs(['team=web', 'gone', 'x=a=b'])).toEqual({ team: 'web', gone: '', x: 'a=b' });
  });
});
