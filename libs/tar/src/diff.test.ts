import {
  chmodSync,
  chownSync,
  linkSync,
  mkdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lsetxattr } from '@berth/native';
import { writeLayerFromDiff } from './diff.js';
import {
  apply,
  collect,
  diffSnapshots,
  isRoot,
  parseTar,
  rm,
  sh,
  sha256,
  snapshot,
  tempDir,
} from '../test/helpers.js';

const T = 1_650_000_000;

function buildLower(l: string): void {
  mkdirSync(`${l}/del-dir/inner`, { recursive: true });
  mkdirSync(`${l}/sub/deep`, { recursive: true });
  for (const f of [
    'keep',
    'mod-content',
    'mod-mode',
    'mod-owner',
    'del-file',
    'type-change',
    'xattr',
    'del-dir/inner/x',
  ]) {
    writeFileSync(`${l}/${f}`, 'aaaa');
  }
  writeFileSync(`${l}/sub/deep/unchanged`, 'u');
  symlinkSync('a', `${l}/link`);
  lsetxattr(`${l}/xattr`, 'user.v', Buffer.from('1'));
  for (const p of [
    'keep',
    'mod-content',
    'mod-mode',
    'mod-owner',
    'del-file',
    'type-change',
    'xattr',
    'sub/deep/unchanged',
  ]) {
    utimesSync(`${l}/${p}`, T, T);
  }
  for (const p of ['sub/deep', 'sub', 'del-dir/inner', 'del-dir']) utimesSync(`${l}/${p}`, T, T);
}

function modifyUpper(u: string): void {
  writeFileSync(`${u}/mod-content`, 'bbbb'); // same size,
  utimesSync(`${u}/mod-content`, T, T); // same whole-second mtime: only the contents differ
  chmodSync(`${u}/mod-mode`, 0o600);
  chownSync(`${u}/mod-owner`, 5, 5);
  unlinkSync(`${u}/del-file`);
  rmSync(`${u}/del-dir`, { recursive: true });
  unlinkSync(`${u}/type-change`);
  mkdirSync(`${u}/type-change`);
  writeFileSync(`${u}/type-change/child`, 'c');
  writeFileSync(`${u}/sub/deep/added`, 'new');
  unlinkSync(`${u}/link`);
  symlinkSync('b', `${u}/link`);
  lsetxattr(`${u}/xattr`, 'user.v', Buffer.from('2'));
  writeFileSync(`${u}/new1`, 'n');
  linkSync(`${u}/new1`, `${u}/new2`);
}

describe.skipIf(!isRoot)('writeLayerFromDiff (needs root: chown)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => rm(tmp));

  it('emits changed and new entries, whiteouts for deletions and the parents of changes', async () => {
    const lower = `${tmp}/lower`;
    const upper = `${tmp}/upper`;
    mkdirSync(lower);
    buildLower(lower);
    sh('cp', ['-a', lower, upper]);
    modifyUpper(upper);

    const layer = await collect(writeLayerFromDiff(lower, upper));
    const entries = await parseTar(layer);
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['.wh.del-dir', 'file'],
      ['.wh.del-file', 'file'],
      ['link', 'symlink'],
      ['mod-content', 'file'],
      ['mod-mode', 'file'],
      ['mod-owner', 'file'],
      ['new1', 'file'],
      ['new2', 'link'],
      ['sub/', 'directory'],
      ['sub/deep/', 'directory'],
      ['sub/deep/added', 'file'],
      ['type-change/', 'directory'],
      ['type-change/child', 'file'],
      ['xattr', 'file'],
    ]);
    const by = new Map(entries.map((e) => [e.name, e]));
    expect(by.get('mod-content')!.data.toString()).toBe('bbbb');
    expect(by.get('mod-owner')).toMatchObject({ uid: 5, gid: 5 });
    expect(by.get('new2')).toMatchObject({ linkname: 'new1' });
    expect(by.get('xattr')!.pax).toEqual({ 'SCHILY.xattr.user.v': '2' });
    expect(by.get('sub/')!.mtime).toBe(T);

    // Applying the diff on a copy of the lower tree gives the upper tree.
    const copy = `${tmp}/copy`;
    sh('cp', ['-a', lower, copy]);
    await apply(layer, copy, { whiteouts: 'remove' });
    expect(diffSnapshots(snapshot(upper), snapshot(copy), { truncateMtime: true })).toEqual([]);
  });

  it('gives an empty layer for identical trees and is deterministic', async () => {
    const lower = `${tmp}/lower`;
    mkdirSync(lower);
    buildLower(lower);
    sh('cp', ['-a', lower, `${tmp}/same`]);
    const layer = await collect(writeLayerFromDiff(lower, `${tmp}/same`));
    expect(layer).toEqual(Buffer.alloc(1024));
    const upper = `${tmp}/upper`;
    sh('cp', ['-a', lower, upper]);
    modifyUpper(upper);
    const a = await collect(writeLayerFromDiff(lower, upper));
    const b = await collect(writeLayerFromDiff(lower, upper));
    expect(sha256(a)).toBe(sha256(b));
  });

  it('treats an empty lower as "everything is new"', async () => {
    const upper = `${tmp}/upper`;
    mkdirSync(`${upper}/d`, { recursive: true });
    writeFileSync(`${upper}/d/f`, 'f');
    mkdirSync(`${tmp}/empty`);
    const entries = await parseTar(writeLayerFromDiff(`${tmp}/empty`, upper));
    expect(entries.map((e) => e.name)).toEqual(['d/', 'd/f']);
  });
});
