/**
 * AUFS-style whiteouts in layer tars (`.wh.<name>` hides <name>, `.wh..wh..opq` hides
 * everything below its directory from lower layers), applied in one of two ways:
 *
 * - 'overlay': the root is an overlay upper dir. `.wh.<name>` becomes a char device 0:0
 *   at <name>; an opaque marker becomes `trusted.overlay.opaque=y` on the directory.
 * - 'remove': the root is a plain tree holding the lower layers' files (first layer, bind
 *   mounts). `.wh.<name>` deletes <name>; an opaque marker deletes every child of the
 *   directory that this layer did not itself create (containerd's unpackedPaths).
 *
 * Other `.wh..wh.*` names are AUFS metadata (e.g. `.wh..wh.plnk`) and are skipped.
 */
import { lchownSync, lstatSync, readdirSync } from 'node:fs';
import { OVERLAY_OPAQUE_XATTR, lsetxattr, whiteout } from '@berth/native';
import type { Logger } from '@berth/log';
import type { TarEntry } from './header.js';
import { badEntry, removePath } from './fsops.js';

/** How whiteout entries are applied; see the module comment. */
export type WhiteoutMode = 'overlay' | 'remove';

export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';

/** What the whiteout handler needs from the extractor. */
export interface WhiteoutHooks {
  /** Resolved in-root path of directory `rel` (created when `create`), or undefined. */
  parent(rel: string, create: boolean): string | undefined;
  /** Tells the extractor `abs` was removed (kind as returned by removePath). */
  removed(abs: string, kind: ReturnType<typeof removePath>): void;
}

export class Whiteouts {
  /** Resolved paths this layer created or updated ('remove' mode only). */
  private readonly mine: Set<string> | undefined;
  private readonly chown = process.getuid?.() === 0;

  constructor(
    private readonly root: string,
    private readonly mode: WhiteoutMode,
    private readonly log: Logger,
    private readonly hooks: WhiteoutHooks,
  ) {
    this.mine = mode === 'remove' ? new Set() : undefined;
  }

  /** Records that this layer wrote `rel` (resolved, relative to the root). */
  created(rel: string): void {
    this.mine?.add(rel);
  }

  /** Applies a whiteout entry; `rel` is its clean name, `base` the last component. */
  handle(e: TarEntry, rel: string, parentRel: string, base: string): void {
    if (base === WHITEOUT_OPAQUE) return this.opaque(parentRel);
    if (base.startsWith(WHITEOUT_META_PREFIX) || rel.startsWith(WHITEOUT_META_PREFIX)) {
      this.log.debug({ path: e.name }, 'skipped AUFS metadata entry');
      return;
    }
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === '' || name === '.' || name === '..') badEntry(e.name, 'invalid whiteout name');
    const dir = this.hooks.parent(parentRel, this.mode === 'overlay');
    if (dir === undefined) return; // 'remove' and no such directory: nothing to hide
    const relPath = dir === '' ? name : `${dir}/${name}`;
    const abs = `${this.root}/${relPath}`;
    this.hooks.removed(abs, removePath(abs));
    this.mine?.delete(relPath);
    if (this.mode === 'overlay') {
      whiteout(abs);
      if (this.chown) lchownSync(abs, e.uid, e.gid);
    }
  }

  private opaque(parentRel: string): void {
    const dir = this.hooks.parent(parentRel, true)!;
    const abs = dir === '' ? this.root : `${this.root}/${dir}`;
    if (this.mode === 'overlay') {
      lsetxattr(abs, OVERLAY_OPAQUE_XATTR, Buffer.from('y'));
    } else {
      this.clearLower(dir);
    }
  }

  // Deletes what lower layers put below `dir`, keeping this layer's entries (recursively).
  private clearLower(dir: string): void {
    const abs = dir === '' ? this.root : `${this.root}/${dir}`;
    for (const name of readdirSync(abs)) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      if (!this.mine!.has(rel)) {
        const abs = `${this.root}/${rel}`;
        this.hooks.removed(abs, removePath(abs));
      } else if (lstatSync(`${this.root}/${rel}`).isDirectory()) {
        this.clearLower(rel);
      }
    }
  }
}
