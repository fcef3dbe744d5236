/**
 * Where a task's files live. The bundle (config.json, the rootfs mount point,
 * exit files, control FIFOs) is under the volatile state dir like containerd's
 * /run; logs are under the persistent root; attach sockets get short hashed
 * names because a unix socket path holds at most 107 bytes.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { internal } from '@berth/errdefs';

export interface Layout {
  tasks: string;
  sockets: string;
  logs: string;
}

const SUN_PATH_MAX = 107;

export function bundleDir(l: Layout, ns: string, id: string): string {
  return join(l.tasks, ns, id);
}

/** Files of one process: init lives in the bundle, each exec in execs/<exec-id>. */
export function procDir(bundle: string, execId: string): string {
  return execId ? join(bundle, 'execs', execId) : bundle;
}

export function procFiles(dir: string) {
  return {
    exit: join(dir, 'exit.json'),
    pid: join(dir, 'monitor.pid'),
    control: join(dir, 'control'),
    process: join(dir, 'process.json'),
  };
}

export function attachSocket(l: Layout, ns: string, id: string, execId: string): string {
  const h = createHash('sha256').update(`${ns}/${id}/${execId}`).digest('hex').slice(0, 20);
  const p = join(l.sockets, `${h}.sock`);
  if (Buffer.byteLength(p) > SUN_PATH_MAX)
    throw internal(`attach socket path ${p} is longer than ${SUN_PATH_MAX} bytes: shorten the state dir`);
  return p;
}

export function logFile(l: Layout, ns: string, id: string): string {
  return join(l.logs, ns, id, `${id}-json.log`);
}

export async function makeBundle(l: Layout, ns: string, id: string): Promise<string> {
  const dir = bundleDir(l, ns, id);
  await mkdir(join(dir, 'rootfs'), { recursive: true });
  await mkdir(l.sockets, { recursive: true });
  await mkdir(join(l.logs, ns, id), { recursive: true });
  return dir;
}

/**
 * Removes a bundle — but never through a rootfs that is still a mount point:
 * a recursive delete there would eat the container's snapshot.
 */
export async function removeBundle(dir: string): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  const [b, r] = await Promise.all([stat(dir).catch(() => undefined), lstat(rootfs).catch(() => undefined)]);
  if (!b) return;
  if (r && r.dev !== b.dev) throw internal(`${rootfs} is still mounted; not removing the bundle`);
  if (r) await rmdir(rootfs).catch(() => undefined);
  for (const name of await readdir(dir)) {
    if (name === 'rootfs') continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
  await rmdir(dir).catch(() => undefined);
}

export async function removeLogs(l: Layout, ns: string, id: string): Promise<void> {
  await rm(join(l.logs, ns, id), { recursive: true, force: true });
}

export async function unlinkQuiet(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
