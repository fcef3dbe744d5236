import { describe, it, expect } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { parseFilters } from './parse.js';
import { recordAdaptor } from './adaptor.js';

const rec = recordAdaptor(
  { digest: 'sha256:abc', topic: '/tasks/exit' },
  {
    'containerd.io/uncompressed': 'sha256:def',
    team: 'web',
  },
);

describe('parseFilters', () => {
  it.each([
    [[], true],
    [['digest==sha256:abc'], true],
    [['digest!=sha256:abc'], false],
    [['labels."containerd.io/uncompressed"==sha256:def'], true],
    [['labels.team==web,digest==sha256:abc'], true],
    [['labels.team==db,digest==sha256:abc'], false],
    [['labels.team==db', 'digest==sha256:abc'], true],
    [['labels.team'], true],
    [['labels.missing'], false],
    [['topic~="^/tasks/"'], true],
    [['topic~=/^\\/containers\\//'], false],
    [['digest == "sha256:abc" , labels.team == web'], true],
  ])('%j matches: %s', (exprs, want) => {
    expect(parseFilters(exprs).match(rec)).toBe(want);
  });

  it.each(['==x', 'a==', 'a=="x', 'a~="("', 'a b'])('rejects %j as InvalidArgument', (expr) => {
    let err: unknown;
    try {
      parseFilters([expr]);
    } catch (e) {
      err = e;
    }
    expect(isInvalidArgument(err)).toBe(true);
  });

  it('exposes the parsed selectors', () => {
    const f = parseFilters(['namespace==prod,topic~="/x/"']);
    expect(f.alternatives[0]?.[0]).toMatchObject({ path: ['namespace'], op: '==', value: 'prod' });
  });
});
