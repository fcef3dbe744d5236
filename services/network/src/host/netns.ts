/**
 * Persistent network namespaces as files, the way `ip netns add` makes them:
 * <dir> is a bind mount of itself with shared propagation (so that an unmount
 * reaches copies in other mount namespaces and the namespace can be freed), and
 * each namespace is an nsfs bind mount on an empty file in <dir>/<ns>/<id>,
 * made by `unshare --net=<file>`. A mount outlives berth-network: a crash
 * leaves namespaces that reconcile finds by listing the directory.
 */
import { mkdir, open, readFile, readdir, rmdir, statfs, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { constants, errnoOf, mount, umount2 } from '@berth/native';
import { fromSystemError } from '@berth/errdefs';
import { runOk } from './run.js';

/** statfs f_type of nsfs. */
const NSFS_MAGIC = 0x6e736673;

/** Reports whether `dir` is a mount point, from /proc/self/mountinfo (field 5, octal-escaped). */
async function isMountPoint(dir: string): Promise<boolean> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const unescape = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text.split('\n').some((l) => unescape(l.split(' ')[4] ?? '') === dir);
}

export class NetnsDir {
  constructor(readonly dir: string) {}

  /** Makes <dir> a shared bind mount of itself (idempotent). */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    if (!(await isMountPoint(this.dir)))
      mount(this.dir, this.dir, null, constants.MS_BIND | constants.MS_REC);
    mount(null, this.dir, null, constants.MS_SHARED | constants.MS_REC);
  }

  /**
   * Undoes init() when no namespace file is left (a clean stop with no attachments), so a
   * state dir can be removed; with namespaces left the mount stays for them.
   */
  async release(): Promise<void> {
    if ((await this.list()).length) return;
    if (!(await isMountPoint(this.dir))) return;
    try {
      umount2(this.dir, constants.MNT_DETACH);
    } catch (err) {
      if (errnoOf(err) !== 'EINVAL') throw err;
    }
  }

  /** The file for a container's namespace. */
  pathOf(ns: string, containerId: string): string {
    return join(this.dir, ns, containerId);
  }

  /**
   * Creates the namespace file with only `lo`, up. Throws AlreadyExists when the file exists
   * (callers remove leftovers first).
   */
  async create(path: string, ipCmd = 'ip'): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    try {
      await (await open(path, 'wx')).close();
    } catch (err) {
      throw fromSystemError(err, `create netns file ${path}`);
    }
    try {
      await runOk('unshare', [`--net=${path}`, ipCmd, 'link', 'set', 'lo', 'up']);
    } catch (err) {
      await this.remove(path).catch(() => undefined);
      throw err;
    }
  }

  /** Reports whether `path` is a mounted network namespace. */
  async isNetns(path: string): Promise<boolean> {
    try {
      return (await statfs(path)).type === NSFS_MAGIC;
    } catch {
      return false;
    }
  }

  /** Unmounts and unlinks the file; idempotent. Removes the per-namespace dir when empty. */
  async remove(path: string): Promise<void> {
    try {
      umount2(path, constants.MNT_DETACH);
    } catch (err) {
      const e = errnoOf(err);
      if (e !== 'EINVAL' && e !== 'ENOENT') throw err;
    }
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw fromSystemError(err, `remove netns file ${path}`);
    });
    await rmdir(dirname(path)).catch(() => undefined);
  }

  /** Every namespace file under <dir>, as paths. */
  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const ns of await readdir(this.dir).catch(() => [] as string[])) {
      const sub = join(this.dir, ns);
      for (const f of await readdir(sub).catch(() => [] as string[])) out.push(join(sub, f));
    }
    return out;
  }
}
