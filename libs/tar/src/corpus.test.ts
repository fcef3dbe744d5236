// The malicious tar corpus (test/fixtures/tar/make.mjs): every fixture is either refused
// with the expected error kind or contained inside the root, and in both cases nothing
// outside the root changed: not its sentinel parent dir (<tmp>/outer) nor the host
// directory the fixtures aim at (/tmp/berth-escape-<random>, holding a sentinel file).
import { randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindOf, type ErrorKind } from '@berth/errdefs';
import type { WhiteoutMode } from './whiteouts.js';
import { apply, isRoot, rm, tempDir } from '../test/helpers.js';
// @ts-expect-error -- plain .mjs without types
import { makeCorpus } from '../../../test/fixtures/tar/make.mjs';

const escape = `/tmp/berth-escape-${randomBytes(6).toString('hex')}`;
const escapeRel = escape.slice(1);
const SENTINEL = 'sentinel content\n';

type Outcome =
  { error: ErrorKind; message: RegExp } | { contained: (root: string) => void; whiteouts?: WhiteoutMode };

const type = (p: string) => {
  const st = lstatSync(p);
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
};
const refused = (message: RegExp): Outcome => ({ error: 'InvalidArgument', message });

const expected: Record<string, Outcome> = {
  dotdot: refused(/"\.\.\/escape": path escapes from parent/),
  'dotdot-nested': refused(/"a\/\.\.\/\.\.\/escape": path escapes from parent/),
  absolute: {
    contained: (root) => expect(readFileSync(`${root}/${escapeRel}/abs`, 'utf8')).toBe('pwned\n'),
  },
  'symlink-root': {
    contained: (root) => {
      expect(readlinkSync(`${root}/link`)).toBe('/');
      expect(readFileSync(`${root}/${escapeRel}/pwned`, 'utf8')).toBe('pwned\n');
    },
  },
  'symlink-dotdot': { contained: (root) => expect(readFileSync(`${root}/escape`, 'utf8')).toBe('pwned\n') },
  'symlink-abs-dir': {
    contained: (root) => expect(readFileSync(`${root}/${escapeRel}/pwned`, 'utf8')).toBe('pwned\n'),
  },
  'symlink-chain': {
    contained: (root) => expect(readFileSync(`${root}/${escapeRel}/pwned`, 'utf8')).toBe('pwned\n'),
  },
  'symlink-loop': refused(/too many levels of symbolic links/),
  'symlink-overwrite': {
    contained: (root) => {
      expect(type(`${root}/f`)).toBe('file');
      expect(readFileSync(`${root}/f`, 'utf8')).toBe('pwned\n');
    },
  },
  'symlink-then-dir': {
    contained: (root) => {
      expect(type(`${root}/d`)).toBe('dir');
      expect(lstatSync(`${root}/d`).mode & 0o777).toBe(0o777);
      expect(readFileSync(`${root}/d/pwned`, 'utf8')).toBe('pwned\n');
    },
  },
  'dir-replaced-by-symlink': { contained: (root) => expect(readlinkSync(`${root}/x`)).toBe(escape) },
  'hardlink-dotdot': refused(/hardlink target "\.\.\/\.\.\/etc\/passwd": path escapes from parent/),
  'hardlink-absolute': refused(/hardlink target ".*\/sentinel" does not exist in the layer/),
  'hardlink-symlink-parent': refused(/hardlink target "d\/sentinel" does not exist in the layer/),
  'hardlink-to-symlink': {
    contained: (root) => {
      expect(type(`${root}/x`)).toBe('symlink');
      expect(lstatSync(`${root}/x`).ino).toBe(lstatSync(`${root}/s`).ino);
    },
  },
  'whiteout-dotdot': refused(/"\.\.\/\.wh\.x": path escapes from parent/),
  'whiteout-dotdot-name': refused(/"a\/\.wh\.\.\.": invalid whiteout name/),
  'whiteout-symlink-parent': {
    whiteouts: 'remove',
    contained: (root) => expect(readdirSync(root)).toEqual(['l']),
  },
  'opaque-symlink-parent': {
    whiteouts: 'remove',
    contained: (root) => expect(readdirSync(`${root}/${escapeRel}`)).toEqual([]),
  },
  'device-dotdot': refused(/"\.\.\/dev": path escapes from parent/),
  'pax-path-dotdot': refused(/"\.\.\/escape": path escapes from parent/),
  'pax-linkpath-dotdot': refused(/hardlink target "\.\.\/\.\.\/x": path escapes from parent/),
  'gnu-longname-dotdot': refused(/"\.\.\/\.\.\/\.\.\/e+": path escapes from parent/),
  'truncated-data': refused(/truncated tar: data of "a" cut short/),
  'truncated-header': refused(/truncated tar: header after "a" incomplete/),
  'bad-checksum': refused(/tar header after "a": checksum mismatch/),
  'corrupt-gzip': { error: 'DataLoss', message: /corrupt gzip stream/ },
  'truncated-gzip': { error: 'DataLoss', message: /corrupt gzip stream: unexpected end of file/ },
};

describe('malicious tar corpus', () => {
  let fixtures: { name: string; file: string; about: string }[] = [];
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    fixtures = await makeCorpus(`${dir}/corpus`, escape);
  });
  afterAll(() => {
    rm(dir);
    rm(escape);
  });

  it('covers every fixture the generator makes', () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual(Object.keys(expected).sort());
  });

  // Whiteout devices and chown need root; as another user only the refusals are checked.
  it.each(Object.keys(expected))('%s', async (name) => {
    const outcome = expected[name]!;
    if (!isRoot && 'contained' in outcome) return;
    const fixture = fixtures.find((f) => f.name === name)!;
    const outer = `${dir}/${name}/outer`;
    const root = `${outer}/root`;
    mkdirSync(root, { recursive: true });
    writeFileSync(`${outer}/sentinel`, SENTINEL);
    mkdirSync(escape, { recursive: true });
    writeFileSync(`${escape}/sentinel`, SENTINEL);
    utimesSync(`${escape}/sentinel`, 1_000_000_000, 1_000_000_000);
    utimesSync(escape, 1_000_000_000, 1_000_000_000);

    const whiteouts = ('whiteouts' in outcome && outcome.whiteouts) || 'overlay';
    const result = await apply(readFileSync(fixture.file), root, { whiteouts }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    if ('error' in outcome) {
      expect(result, fixture.about).toBeInstanceOf(Error);
      expect(kindOf(result)).toBe(outcome.error);
      expect(result!.message).toMatch(outcome.message);
    } else {
      expect(result, `${fixture.about}: ${result?.message}`).toBeUndefined();
      outcome.contained(root);
    }
    // Nothing outside the root changed.
    expect(readdirSync(outer).sort()).toEqual(['root', 'sentinel']);
    expect(readFileSync(`${outer}/sentinel`, 'utf8')).toBe(SENTINEL);
    expect(readdirSync(escape)).toEqual(['sentinel']);
    expect(type(`${escape}/sentinel`)).toBe('file');
    expect(readFileSync(`${escape}/sentinel`, 'utf8')).toBe(SENTINEL);
    expect(lstatSync(`${escape}/sentinel`).nlink).toBe(1);
    expect(lstatSync(escape).mode & 0o777).toBe(0o755);
    expect(lstatSync(`${escape}/sentinel`).mtimeMs).toBe(1_000_000_000_000);
    expect(lstatSync(escape).mtimeMs).toBe(1_000_000_000_000);
  });
});
