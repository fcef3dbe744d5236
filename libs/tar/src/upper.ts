/**
 * writeLayerFromUpper: an overlay upper dir is exactly the layer, with overlay's own
 * encodings turned back into the tar ones (whiteout devices → `.wh.<name>`, the opaque
 * xattr → `<dir>/.wh..wh..opq`).
 */
import { lstatSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { OVERLAY_OPAQUE_XATTR, lgetxattr } from '@berth/native';
import {
  Batch,
  emit,
  end,
  headerFor,
  isOverlayWhiteout,
  markerEntry,
  typeOf,
  type WriteLayerOptions,
} from './entries.js';
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from './whiteouts.js';

/** Reports whether directory `abs` carries overlay's opaque marker. */
export function isOpaqueDir(abs: string): boolean {
  return lgetxattr(abs, OVERLAY_OPAQUE_XATTR)?.toString() === 'y';
}

/**
 * Returns the layer tar (uncompressed) for an overlay upper dir: every entry under
 * `upperDir` in sorted order, directories named with a trailing `/`, hardlinked files
 * (same inode seen twice) as hardlink entries, xattrs as PAX SCHILY.xattr.* (without
 * trusted.overlay.*), whiteout devices as `.wh.<name>` and opaque directories followed by
 * `<dir>/.wh..wh..opq`. The same tree always gives the same bytes. Sockets are skipped.
 *
 * The walk runs as the stream is read; its errors (NotFound for a missing dir, …) fail
 * the stream. The caller compresses.
 */
export function writeLayerFromUpper(upperDir: string, opts: WriteLayerOptions = {}): Readable {
  return Readable.from(walkUpper(resolve(upperDir), opts.signal), { objectMode: false });
}

function* walkUpper(root: string, signal: AbortSignal | undefined): Generator<Buffer> {
  const batch = new Batch();
  const links = new Map<string, string>();
  // Depth-first, pre-order, names sorted.
  function* dir(rel: string): Generator<Buffer> {
    const abs = rel === '' ? root : `${root}/${rel}`;
    for (const name of readdirSync(abs).sort()) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const childAbs = `${root}/${childRel}`;
      const st = lstatSync(childAbs, { bigint: true });
      if (isOverlayWhiteout(st)) {
        const wh = rel === '' ? `${WHITEOUT_PREFIX}${name}` : `${rel}/${WHITEOUT_PREFIX}${name}`;
        batch.add(markerEntry(wh, Number(st.mtimeNs / 1_000_000_000n)));
        continue;
      }
      const type = typeOf(st);
      if (type === undefined) continue;
      const h = headerFor(childAbs, childRel, st, type);
      if (type !== 'dir' && st.nlink > 1n) {
        const key = `${st.dev}:${st.ino}`;
        const first = links.get(key);
        if (first !== undefined) {
          Object.assign(h, { type: 'link', linkname: first, size: 0, xattrs: undefined });
        } else {
          links.set(key, childRel);
        }
      }
      yield* emit(batch, h, childAbs, signal);
      if (type === 'dir') {
        if (isOpaqueDir(childAbs)) batch.add(markerEntry(`${childRel}/${WHITEOUT_OPAQUE}`, h.mtime));
        yield* dir(childRel);
      }
    }
  }
  if (isOpaqueDir(root)) batch.add(markerEntry(WHITEOUT_OPAQUE, 0));
  yield* dir('');
  yield* end(batch);
}
