/**
 * docker's `local` volume driver on the host: a volume is `<root>/<ns>/<name>/_data`; one
 * created with options (`type`, `device`, `o`, as mount(8) takes them) has that directory
 * mounted at first use and unmounted when nothing running uses it, or when it is removed.
 * A directory is never removed through a mount.
 */
import { lstat, mkdir, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { failedPrecondition, internal, invalidArgument } from '@berth/errdefs';
import { mountAll, unmount } from '@berth/mount';
import type { Mount } from '@berth/snapshots';

const VALID_OPTS = new Set(['type', 'device', 'o']);

/**
 * Checks local-driver options as docker does: only `type`, `device` and `o`, and when any is
 * given, `type` and `device` both.
 *
 * @throws InvalidArgument `invalid option: "x"` / `missing required option: "device"`.
 */
export function validateDriverOpts(opts: Readonly<Record<string, string>>): void {
  const keys = Object.keys(opts);
  if (!keys.length) return;
  for (const k of keys) if (!VALID_OPTS.has(k)) throw invalidArgument(`invalid option: ${JSON.stringify(k)}`);
  for (const k of ['type', 'device'])
    if (!opts[k]) throw invalidArgument(`missing required option: ${JSON.stringify(k)}`);
}

/** The mount local-driver options describe (`type=none,o=bind` is a bind mount). */
export function driverMount(opts: Readonly<Record<string, string>>): Mount {
  const o = (opts['o'] ?? '').split(',').filter((x) => x !== '');
  const bind = opts['type'] === 'none' || o.includes('bind') || o.includes('rbind');
  return { type: bind ? 'bind' : opts['type']!, source: opts['device']!, options: o };
}

/** `\040`-style escapes of /proc/self/mountinfo. */
const unescape = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Whether `path` is a mount point in this process's mount namespace. */
export async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((l) => l && unescape(l.split(' ')[4] ?? '') === path);
}

export class LocalDriver {
  constructor(private readonly root: string) {}

  dir(ns: string, name: string): string {
    return join(this.root, ns, name);
  }

  /** The volume's data directory: what containers mount. */
  data(ns: string, name: string): string {
    return join(this.root, ns, name, '_data');
  }

  async create(ns: string, name: string): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o701 });
    await mkdir(this.data(ns, name), { recursive: true, mode: 0o755 });
  }

  /** Makes sure the data directory exists and, for a volume with options, is mounted. */
  async ensure(ns: string, name: string, opts: Readonly<Record<string, string>>): Promise<void> {
    await this.create(ns, name);
    if (!Object.keys(opts).length) return;
    const data = this.data(ns, name);
    if (await isMountPoint(data)) return;
    try {
      mountAll([driverMount(opts)], data);
    } catch (err) {
      throw failedPrecondition(
        `error while mounting volume '${data}': ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** Unmounts an options volume's data directory if it is mounted. */
  async release(ns: string, name: string): Promise<void> {
    const data = this.data(ns, name);
    if (await isMountPoint(data)) unmount(data);
  }

  /** Removes the volume's directory, unmounting it first; refuses to delete through a mount. */
  async remove(ns: string, name: string): Promise<void> {
    const data = this.data(ns, name);
    await this.release(ns, name);
    if (await isMountPoint(data)) throw internal(`${data} is still mounted; not removing the volume`);
    await rm(this.dir(ns, name), { recursive: true, force: true });
    await rmdir(join(this.root, ns)).catch(() => undefined);
  }

  /** Whether the data directory has no entries (missing counts as empty). */
  async isEmpty(ns: string, name: string): Promise<boolean> {
    try {
      return (await readdir(this.data(ns, name))).length === 0;
    } catch {
      return true;
    }
  }

  /** Bytes held by the volume's files (hard links counted once), as docker's prune reports. */
  async size(ns: string, name: string): Promise<number> {
    const seen = new Set<string>();
    let total = 0;
    const walk = async (dir: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      for (const n of names) {
        const p = join(dir, n);
        const st = await lstat(p).catch(() => undefined);
        if (!st) continue;
        if (st.isDirectory()) await walk(p);
        else if (!seen.has(`${st.dev}:${st.ino}`)) {
          seen.add(`${st.dev}:${st.ino}`);
          total += st.size;
        }
      }
    };
    await walk(this.data(ns, name));
    return total;
  }
}
