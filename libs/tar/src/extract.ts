/**
 * The extractor: turns tar entries into files under a root, synchronously, one entry at a
 * time as the reader hands them over.
 *
 * Safety model: every entry name is cleaned lexically first (a `..` that climbs above the
 * root is refused), then its parent directory is resolved with symlinks evaluated inside
 * the root (resolveInRoot), and only then is the last component created, without ever
 * following it (O_EXCL|O_NOFOLLOW, mkdir, symlink, link, mknod and the l* calls never
 * follow the last component). So nothing is written outside the root, nor through a
 * symlink. Resolved parents are cached; anything that removes a directory or a symlink
 * clears the cache, since a cached resolution might have gone through it.
 */
import {
  chmodSync,
  closeSync,
  constants as fsc,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { constants as native, mknod } from '@berth/native';
import { fromSystemError, isBerthError, wrap } from '@berth/errdefs';
import type { Logger } from '@berth/log';
import type { TarEntry } from './header.js';
import type { EntryHandler } from './reader.js';
import { cleanEntryName, resolveInRoot } from './path.js';
import { badEntry, codeOf, removePath, setXattrs } from './fsops.js';
import { Whiteouts, WHITEOUT_PREFIX, type WhiteoutMode } from './whiteouts.js';

const OPEN_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW; // libuv adds O_CLOEXEC

export interface ExtractorOptions {
  root: string;
  whiteouts: WhiteoutMode;
  log: Logger;
}

export class Extractor implements EntryHandler {
  private readonly root: string;
  private readonly log: Logger;
  private readonly chown: boolean;
  private readonly umask: number;
  /** Clean parent name → resolved path (relative to root) of a directory known to exist. */
  private readonly dirs = new Map<string, string>();
  /** Directory times, set at the end (children change them); last entry for a dir wins. */
  private readonly dirTimes = new Map<string, [number, number]>();
  private readonly wh: Whiteouts;
  private fd = -1;
  private entry_: TarEntry | undefined;
  private abs = '';

  constructor(opts: ExtractorOptions) {
    this.root = opts.root;
    this.log = opts.log;
    // Like GNU tar: ownership is restored only when running as root.
    this.chown = process.getuid?.() === 0;
    this.umask = process.umask();
    this.wh = new Whiteouts(opts.root, opts.whiteouts, opts.log, {
      parent: (rel, create) => this.parent(rel, create),
      removed: (abs, kind) => this.removed(abs, kind),
    });
  }

  entry(e: TarEntry): void {
    this.entry_ = e;
    try {
      this.dispatch(e);
    } catch (err) {
      throw this.fail(err, e.name);
    }
  }

  data(piece: Buffer): void {
    if (this.fd < 0) return;
    try {
      for (let off = 0; off < piece.length;) off += writeSync(this.fd, piece, off);
    } catch (err) {
      throw this.fail(err, this.entry_?.name ?? '');
    }
  }

  entryEnd(): void {
    if (this.fd < 0) return;
    const e = this.entry_!;
    try {
      const fd = this.fd;
      if (this.chown) fchownSync(fd, e.uid, e.gid);
      // chown clears setuid/setgid, and open() applied the umask: fix the mode after it.
      if (this.needsChmod(e.mode)) fchmodSync(fd, e.mode);
      if (e.xattrs) setXattrs(this.abs, e.name, e.xattrs, true, this.log);
      futimesSync(fd, e.atime ?? e.mtime, e.mtime);
    } catch (err) {
      throw this.fail(err, e.name);
    } finally {
      this.closeFile();
    }
  }

  /** Sets directory times, deepest last-seen first. Call once, after the last entry. */
  finish(): void {
    const dirs = [...this.dirTimes].reverse();
    for (const [abs, [atime, mtime]] of dirs) {
      try {
        // Every component of abs is still a directory (removed() drops entries whose path
        // was replaced), and lutimes would not follow the last one anyway.
        lutimesSync(abs, atime, mtime);
      } catch (err) {
        throw fromSystemError(err, `set times of ${abs}`);
      }
    }
  }

  /** Closes the file being written, if any. Safe to call after any failure. */
  abort(): void {
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      closeSync(fd);
    }
  }

  private fail(err: unknown, name: string): Error {
    this.closeFile();
    if (isBerthError(err))
      return err.message.includes(JSON.stringify(name))
        ? err
        : wrap(err, `tar entry ${JSON.stringify(name)}`);
    if (codeOf(err) === undefined) return err as Error;
    return fromSystemError(err, `tar entry ${JSON.stringify(name)}`);
  }

  private needsChmod(mode: number): boolean {
    return (mode & 0o7000) !== 0 || (mode & this.umask) !== 0;
  }

  private dispatch(e: TarEntry): void {
    const rel = cleanEntryName(e.name);
    if (rel === '') {
      this.log.debug({ path: e.name }, 'tar entry resolves to the root: ignored');
      return;
    }
    const slash = rel.lastIndexOf('/');
    const parentRel = slash < 0 ? '' : rel.slice(0, slash);
    const base = slash < 0 ? rel : rel.slice(slash + 1);
    if (base.startsWith(WHITEOUT_PREFIX) || rel.startsWith('.wh..wh.')) {
      this.wh.handle(e, rel, parentRel, base);
      return;
    }
    const dir = this.parent(parentRel, true)!;
    const relPath = dir === '' ? base : `${dir}/${base}`;
    this.abs = `${this.root}/${relPath}`;
    this.wh.created(relPath);
    switch (e.type) {
      case 'file':
        return this.file(e);
      case 'dir':
        return this.dir(e, rel, relPath);
      case 'symlink':
        return this.symlink(e);
      case 'link':
        return this.hardlink(e);
      case 'char':
      case 'block':
      case 'fifo':
        return this.node(e);
    }
  }

  /**
   * Returns the resolved (symlink-free, in-root) path of directory `rel`, creating missing
   * components (mode 0755) when `create`, else undefined when it does not exist.
   */
  private parent(rel: string, create: boolean): string | undefined {
    if (rel === '') return '';
    const hit = this.dirs.get(rel);
    if (hit !== undefined) return hit;
    const resolved = resolveInRoot(this.root, rel);
    let st;
    try {
      st = lstatSync(`${this.root}/${resolved}`, { throwIfNoEntry: false });
    } catch (err) {
      if (codeOf(err) === 'ENOTDIR') badEntry(rel, 'parent exists and is not a directory');
      throw err;
    }
    if (st === undefined) {
      if (!create) return undefined;
      this.mkdirs(resolved);
    } else if (!st.isDirectory()) {
      badEntry(rel, 'parent exists and is not a directory');
    }
    this.dirs.set(rel, resolved);
    return resolved;
  }

  // `resolved` holds no symlink in any existing component, so mkdir per missing one is safe.
  private mkdirs(resolved: string): void {
    let at = 0;
    while (at >= 0) {
      at = resolved.indexOf('/', at + 1);
      const sub = at < 0 ? resolved : resolved.slice(0, at);
      try {
        mkdirSync(`${this.root}/${sub}`, 0o755);
        this.wh.created(sub);
      } catch (err) {
        if (codeOf(err) !== 'EEXIST') throw err;
        if (!lstatSync(`${this.root}/${sub}`).isDirectory())
          badEntry(sub, 'parent exists and is not a directory');
      }
    }
  }

  /**
   * Bookkeeping after `abs` was removed: cached resolutions may have gone through it, and
   * deferred directory times below it must not be applied (a symlink may take its place,
   * and setting times on <abs>/sub would then follow it out of the root).
   */
  private removed(abs: string, kind: ReturnType<typeof removePath>): void {
    if (kind !== 'dir' && kind !== 'symlink') return;
    this.dirs.clear();
    const prefix = `${abs}/`;
    for (const p of this.dirTimes.keys()) if (p === abs || p.startsWith(prefix)) this.dirTimes.delete(p);
  }

  /** Runs `create`; if the name is taken, removes what is there (unless `keep`) and retries. */
  private replace(create: () => void, keepDir = false): 'created' | 'kept' {
    try {
      create();
      return 'created';
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw err;
    }
    if (keepDir && lstatSync(this.abs).isDirectory()) return 'kept';
    this.removed(this.abs, removePath(this.abs));
    create();
    return 'created';
  }

  private file(e: TarEntry): void {
    const abs = this.abs;
    this.replace(() => {
      this.fd = openSync(abs, OPEN_FLAGS, e.mode & 0o777);
    });
  }

  private dir(e: TarEntry, rel: string, relPath: string): void {
    const abs = this.abs;
    this.replace(() => mkdirSync(abs, e.mode & 0o777), true);
    if (this.chown) lchownSync(abs, e.uid, e.gid);
    // Always: mkdir applied the umask, and a setgid parent passes its setgid bit down.
    chmodSync(abs, e.mode);
    if (e.xattrs) setXattrs(abs, e.name, e.xattrs, true, this.log);
    this.dirTimes.delete(abs);
    this.dirTimes.set(abs, [e.atime ?? e.mtime, e.mtime]);
    this.dirs.set(rel, relPath);
  }

  private symlink(e: TarEntry): void {
    const abs = this.abs;
    this.replace(() => symlinkSync(e.linkname, abs));
    if (this.chown) lchownSync(abs, e.uid, e.gid);
    if (e.xattrs) setXattrs(abs, e.name, e.xattrs, false, this.log);
    lutimesSync(abs, e.atime ?? e.mtime, e.mtime);
  }

  private hardlink(e: TarEntry): void {
    const target = cleanEntryName(e.linkname, `tar entry ${JSON.stringify(e.name)}: hardlink target`);
    if (target === '') badEntry(e.name, 'hardlink to the root directory');
    const slash = target.lastIndexOf('/');
    const dir = this.parent(slash < 0 ? '' : target.slice(0, slash), false);
    const targetAbs =
      dir === undefined ? undefined : `${this.root}/${dir === '' ? '' : `${dir}/`}${target.slice(slash + 1)}`;
    // lstat: a symlink target is linked itself (link(2) does not follow), never what it names.
    const st = targetAbs === undefined ? undefined : lstatSync(targetAbs, { throwIfNoEntry: false });
    if (st === undefined)
      badEntry(e.name, `hardlink target ${JSON.stringify(e.linkname)} does not exist in the layer`);
    if (st.isDirectory()) badEntry(e.name, `hardlink target ${JSON.stringify(e.linkname)} is a directory`);
    if (targetAbs === this.abs) return;
    const abs = this.abs;
    this.replace(() => linkSync(targetAbs!, abs));
  }

  private node(e: TarEntry): void {
    const abs = this.abs;
    const type = e.type === 'char' ? native.S_IFCHR : e.type === 'block' ? native.S_IFBLK : native.S_IFIFO;
    try {
      this.replace(() => mknod(abs, type | (e.mode & 0o777), e.devmajor, e.devminor));
    } catch (err) {
      // As containerd in a user namespace: devices cannot be created there; go on without.
      if (codeOf(err) === 'EPERM' && e.type !== 'fifo') {
        this.log.warn({ err, path: e.name }, 'cannot create device node: skipped');
        return;
      }
      throw wrap(err, `tar entry ${JSON.stringify(e.name)}: mknod`);
    }
    if (this.chown) lchownSync(abs, e.uid, e.gid);
    if (this.needsChmod(e.mode)) chmodSync(abs, e.mode); // a node we just made: not a symlink
    if (e.xattrs) setXattrs(abs, e.name, e.xattrs, false, this.log);
    lutimesSync(abs, e.atime ?? e.mtime, e.mtime);
  }
}
