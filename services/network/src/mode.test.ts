import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { parseLink, planMode } from './mode.js';
import { thrown } from './testing.js';

describe('planMode', () => {
  it('defaults to the bridge network', () => {
    for (const m of ['', 'bridge', 'default'])
      expect(planMode(m, [])).toEqual({
        kind: 'networks',
        endpoints: [{ network: 'bridge', aliases: [], ip: '' }],
      });
  });

  it('reads host, none and container modes', () => {
    expect(planMode('host', [])).toEqual({ kind: 'host' });
    expect(planMode('none', [])).toEqual({ kind: 'none' });
    expect(planMode('', [{ network: 'none', aliases: [], ip: '' }])).toEqual({ kind: 'none' });
    expect(planMode('container:abc', [])).toEqual({ kind: 'container', target: 'abc' });
  });

  it('merges network names with endpoint settings, in order, without duplicates', () => {
    expect(
      planMode('front,back', [
        { network: 'back', aliases: ['db'], ip: '10.0.0.5' },
        { network: 'extra', aliases: [], ip: '' },
        { network: 'back', aliases: ['db', 'pg'], ip: '' },
      ]),
    ).toEqual({
      kind: 'networks',
      endpoints: [
        { network: 'front', aliases: [], ip: '' },
        { network: 'back', aliases: ['db', 'pg'], ip: '10.0.0.5' },
        { network: 'extra', aliases: [], ip: '' },
      ],
    });
    expect(planMode('', [{ network: 'x', aliases: [], ip: '' }]).kind).toBe('networks');
  });

  it('refuses host, none or container mode with other networks', () => {
    for (const [m, eps] of [
      ['host', [{ network: 'x', aliases: [], ip: '' }]],
      ['container:a', [{ network: 'x', aliases: [], ip: '' }]],
      ['container:', []],
      ['x,host', []],
      ['x,,y', []],
    ] as const)
      expect(isInvalidArgument(thrown(() => planMode(m, [...eps])))).toBe(true);
  });
});

describe('parseLink', () => {
  it('reads name[:alias]', () => {
    expect(parseLink('db')).toEqual({ name: 'db', alias: 'db' });
    expect(parseLink('/db:database')).toEqual({ name: 'db', alias: 'database' });
    expect(isInvalidArgument(thrown(() => parseLink('a:b:c')))).toBe(true);
  });
});
