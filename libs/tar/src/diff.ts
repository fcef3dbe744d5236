/**
 * writeLayerFromDiff: the layer that turns one plain directory tree into another, for
 * mounts that are not an overlay upper/lower pair (containerd's double walk).
 */
import {
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type BigIntStats,
} from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  Batch,
  emit,
  end,
  headerFor,
  markerEntry,
  readXattrs,
  typeOf,
  type WriteLayerOptions,
} from './entries.js';
import { WHITEOUT_PREFIX } from './whiteouts.js';

const lstatMaybe = (p: string): BigIntStats | undefined => {
  try {
    return lstatSync(p, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
};

const NS = 1_000_000_000n;

/**
 * Returns the layer tar (uncompressed) that, applied on `lowerRoot`, gives `upperRoot`:
 * entries of `upperRoot` that are new or differ (type, mode, owner, size, mtime, device,
 * link target, xattrs; contents too when both mtimes are whole seconds, as containerd),
 * `.wh.<name>` for names gone from it, and the unchanged parent directories of every
 * emitted entry (so applying onto an empty overlay upper keeps their metadata). Sorted
 * and deterministic like writeLayerFromUpper; the caller compresses.
 */
export function writeLayerFromDiff(
  lowerRoot: string,
  upperRoot: string,
  opts: WriteLayerOptions = {},
): Readable {
  return Readable.from(walkDiff(resolve(lowerRoot), resolve(upperRoot), opts.signal), { objectMode: false });
}

interface Parent {
  rel: string;
  abs: string;
  st: BigIntStats;
}

function* walkDiff(lower: string, upper: string, signal: AbortSignal | undefined): Generator<Buffer> {
  const batch = new Batch();
  const links = new Map<string, string>();
  // Ancestors of the current directory; undefined once emitted.
  const parents: (Parent | undefined)[] = [];

  function* emitParents(): Generator<Buffer> {
    for (let i = 0; i < parents.length; i++) {
      const p = parents[i];
      if (p === undefined) continue;
      parents[i] = undefined;
      yield* emit(batch, headerFor(p.abs, p.rel, p.st, 'dir'), p.abs, signal);
    }
  }

  function* dir(rel: string, lowerIsDir: boolean, mtime: number): Generator<Buffer> {
    const uDir = rel === '' ? upper : `${upper}/${rel}`;
    const lDir = rel === '' ? lower : `${lower}/${rel}`;
    const names = new Set(readdirSync(uDir));
    if (lowerIsDir) for (const n of readdirSync(lDir)) names.add(n);
    for (const name of [...names].sort()) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const ua = `${uDir}/${name}`;
      const la = `${lDir}/${name}`;
      const ust = lstatMaybe(ua);
      const lst = lowerIsDir ? lstatMaybe(la) : undefined;
      if (ust === undefined) {
        if (lst !== undefined) {
          yield* emitParents();
          batch.add(
            markerEntry(rel === '' ? `${WHITEOUT_PREFIX}${name}` : `${rel}/${WHITEOUT_PREFIX}${name}`, mtime),
          );
        }
        continue;
      }
      const type = typeOf(ust);
      if (type === undefined) continue;
      const changed = lst === undefined || !sameEntry(la, lst, ua, ust);
      if (changed) {
        yield* emitParents();
        const h = headerFor(ua, childRel, ust, type);
        if (type !== 'dir' && ust.nlink > 1n) {
          const key = `${ust.dev}:${ust.ino}`;
          const first = links.get(key);
          if (first !== undefined)
            Object.assign(h, { type: 'link', linkname: first, size: 0, xattrs: undefined });
          else links.set(key, childRel);
        }
        yield* emit(batch, h, ua, signal);
      }
      if (type === 'dir') {
        parents.push(changed ? undefined : { rel: childRel, abs: ua, st: ust });
        yield* dir(childRel, lst?.isDirectory() ?? false, Number(ust.mtimeNs / NS));
        parents.pop();
      }
    }
  }

  const top = lstatSync(upper, { bigint: true });
  yield* dir('', true, Number(top.mtimeNs / NS));
  yield* end(batch);
}

/** containerd's sameFile: metadata first, contents only when mtimes may be truncated. */
function sameEntry(la: string, l: BigIntStats, ua: string, u: BigIntStats): boolean {
  if (l.dev === u.dev && l.ino === u.ino) return true;
  if (l.mode !== u.mode || l.uid !== u.uid || l.gid !== u.gid || l.rdev !== u.rdev) return false;
  if (!sameXattrs(la, ua)) return false;
  if (u.isDirectory()) return true;
  if (u.isSymbolicLink() && readlinkSync(la) !== readlinkSync(ua)) return false;
  if (l.size !== u.size || l.mtimeNs / NS !== u.mtimeNs / NS) return false;
  if (l.mtimeNs % NS !== u.mtimeNs % NS) return false;
  if (l.mtimeNs % NS === 0n && u.isFile() && u.size > 0n) return sameContent(la, ua);
  return true;
}

function sameXattrs(la: string, ua: string): boolean {
  const a = readXattrs(la);
  const b = readXattrs(ua);
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const [k, v] of a ?? []) if (!b?.get(k)?.equals(v)) return false;
  return true;
}

function sameContent(a: string, b: string): boolean {
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    const ba = Buffer.allocUnsafe(1 << 16);
    const bb = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const na = readSync(fa, ba, 0, ba.length, null);
      const nb = readSync(fb, bb, 0, bb.length, null);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}
