// Test helpers for @berth/tar: temp roots, tree snapshots for comparisons, tar parsing
// with tar-stream (an independent reader), and the fixture packer.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { lgetxattr, llistxattr } from '@berth/native';
import { applyLayer, type ApplyOptions, type ApplyResult } from '../src/index.js';
// @ts-expect-error -- plain .mjs without types, shared with the corpus generator
import { pack as packFixture } from '../../../test/fixtures/tar/make.mjs';
import tarStream from 'tar-stream';

export const isRoot = process.getuid?.() === 0;

/** A fresh temp dir; remove it with `rm`. */
export function tempDir(prefix = 'berth-tar-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function rm(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** applyLayer on an in-memory blob. */
export function apply(blob: Buffer, root: string, opts: ApplyOptions): Promise<ApplyResult> {
  return applyLayer(Readable.from([blob]), root, opts);
}

export interface FixtureEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  pax?: Record<string, string>;
  devmajor?: number;
  devminor?: number;
}

/** Packs entries with tar-stream (fixed mtimes, uid/gid 0). */
export const pack = packFixture as (entries: FixtureEntry[]) => Promise<Buffer>;

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** What a tree comparison looks at for one path. */
export interface NodeInfo {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: bigint;
  size?: number;
  sha?: string;
  target?: string;
  rdev?: bigint;
  ino: bigint;
  xattrs: Record<string, string>;
}

function typeName(st: ReturnType<typeof lstatSync>): string {
  if (!st) return 'none';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'other';
}

/** Every path under `dir` (relative, sorted) with its metadata and content hash. */
export function snapshot(dir: string): Map<string, NodeInfo> {
  const out = new Map<string, NodeInfo>();
  const walk = (rel: string) => {
    for (const name of readdirSync(rel === '' ? dir : join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const abs = join(dir, r);
      const st = lstatSync(abs, { bigint: true });
      const type = typeName(lstatSync(abs));
      const xattrs: Record<string, string> = {};
      for (const x of llistxattr(abs).sort()) xattrs[x] = lgetxattr(abs, x)?.toString('hex') ?? '';
      const info: NodeInfo = {
        type,
        mode: Number(st.mode) & 0o7777,
        uid: Number(st.uid),
        gid: Number(st.gid),
        mtimeNs: st.mtimeNs,
        ino: st.ino,
        xattrs,
      };
      if (type === 'file') {
        info.size = Number(st.size);
        info.sha = sha256(readFileSync(abs));
      }
      if (type === 'symlink') info.target = readlinkSync(abs);
      if (type === 'char' || type === 'block') info.rdev = st.rdev;
      out.set(r, info);
      if (type === 'dir') walk(r);
    }
  };
  walk('');
  return out;
}

/**
 * Compares two snapshots (ignoring inode numbers; mtimes to within `mtimeSlackNs`,
 * default 2 µs since Node's utimes takes a double). Returns a list of differences.
 */
export function diffSnapshots(
  a: Map<string, NodeInfo>,
  b: Map<string, NodeInfo>,
  opts: { mtimeSlackNs?: bigint; truncateMtime?: boolean; ignoreXattrs?: RegExp } = {},
): string[] {
  const slack = opts.mtimeSlackNs ?? 2000n;
  const diffs: string[] = [];
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of [...keys].sort()) {
    const x = a.get(k);
    const y = b.get(k);
    if (!x || !y) {
      diffs.push(`${k}: only in ${x ? 'first' : 'second'}`);
      continue;
    }
    const clean = (n: NodeInfo) => {
      const xattrs = Object.fromEntries(
        Object.entries(n.xattrs).filter(([name]) => !opts.ignoreXattrs?.test(name)),
      );
      return { ...n, ino: 0n, mtimeNs: 0n, xattrs };
    };
    const cx = JSON.stringify(clean(x), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const cy = JSON.stringify(clean(y), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    if (cx !== cy) diffs.push(`${k}: ${cx} != ${cy}`);
    const mx = opts.truncateMtime ? (x.mtimeNs / 1_000_000_000n) * 1_000_000_000n : x.mtimeNs;
    const my = opts.truncateMtime ? (y.mtimeNs / 1_000_000_000n) * 1_000_000_000n : y.mtimeNs;
    const d = mx > my ? mx - my : my - mx;
    if (d > slack) diffs.push(`${k}: mtime ${mx} != ${my}`);
  }
  return diffs;
}

export interface ParsedEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string | null;
  pax: Record<string, string> | null;
  data: Buffer;
}

/** Parses a tar with tar-stream (independent of our reader). */
export async function parseTar(tar: Buffer | Readable): Promise<ParsedEntry[]> {
  const extract = tarStream.extract();
  const out: ParsedEntry[] = [];
  const src = Buffer.isBuffer(tar) ? Readable.from([tar]) : tar;
  src.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const h = entry.header;
    out.push({
      name: h.name,
      type: h.type ?? 'file',
      mode: h.mode ?? 0,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      size: h.size ?? 0,
      mtime: h.mtime ? h.mtime.getTime() / 1000 : 0,
      linkname: h.linkname ?? null,
      pax: (h.pax as Record<string, string> | undefined) ?? null,
      data: Buffer.concat(chunks),
    });
  }
  return out;
}

/** Reads a Readable to one Buffer. */
export async function collect(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
