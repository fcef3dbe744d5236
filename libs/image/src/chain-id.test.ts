import { createHash } from 'node:crypto';
import { isInvalidArgument } from '@berth/errdefs';
import { describe, expect, it } from 'vitest';
import { chainIds, imageId, shortImageId } from './chain-id.js';

const sha = (s: string) => `sha256:${createHash('sha256').update(s, 'utf8').digest('hex')}`;
const [a, b, c] = [sha('layer a'), sha('layer b'), sha('layer c')];

describe('chainIds', () => {
  const ab = sha(`${a} ${b}`);
  const abc = sha(`${ab} ${c}`);
  const cases: [string, string[], string[]][] = [
    ['no layers', [], []],
    ['one layer: its diff ID', [a], [a]],
    ['two layers', [a, b], [a, ab]],
    ['three layers', [a, b, c], [a, ab, abc]],
    ['order matters', [b, a], [b, sha(`${b} ${a}`)]],
  ];
  it.each(cases)('%s', (_name, diffIds, want) => {
    expect(chainIds(diffIds)).toEqual(want);
  });

  it('hashes the parent, one space and the child, with no newline', () => {
    expect(chainIds([a, b])[1]).toBe(
      `sha256:${createHash('sha256')
        .update(Buffer.from(`${a} ${b}`))
        .digest('hex')}`,
    );
  });

  it('rejects an invalid diff ID, naming its position', () => {
    let err: unknown;
    try {
      chainIds([a, 'sha256:nope']);
    } catch (e) {
      err = e;
    }
    expect(isInvalidArgument(err)).toBe(true);
    expect((err as Error).message).toContain('invalid diff ID 1 "sha256:nope"');
  });
});

describe('imageId', () => {
  it('is the config digest', () => {
    expect(imageId(a)).toBe(a);
  });

  it('rejects a non-digest', () => {
    expect(() => imageId('abc')).toThrow('invalid config digest "abc"');
  });

  it('shortImageId gives 12 hex digits', () => {
    expect(shortImageId(a)).toBe(a.slice(7, 19));
    expect(shortImageId(a)).toHaveLength(12);
  });
});
