// Black-box tests of berth-monitor against real runc, on a busybox bundle built here.
// Needs root and runc; skipped otherwise.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'berth-monitor');
const isRoot = process.getuid?.() === 0;
const hasRunc = spawnSync('runc', ['--version']).status === 0;
const BUSYBOX = '/bin/busybox';

type SyncMessage =
  | { type: 'started'; pid: number }
  | { type: 'error'; kind: 'NotFound' | 'FailedPrecondition' | 'Internal'; message: string }
  | { type: 'exited'; pid: number; exit_status: number; exited_at: string; signal?: number };

interface ExitFile {
  pid: number;
  exit_status: number;
  exited_at: string;
  signal?: number;
}

interface Started {
  id: string;
  dir: string;
  msg: SyncMessage;
  monitorPid: number;
  spawned: ChildProcess;
  spawnedExit: Promise<number | null>;
  exitFile: string;
  logFile: string;
  attachSocket: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function readExit(file: string): Promise<ExitFile> {
  const text = await waitFor('exit file', async () => await readFile(file, 'utf8'));
  expect(text.endsWith('\n')).toBe(true);
  expect(text.trim().split('\n')).toHaveLength(1);
  return JSON.parse(text) as ExitFile;
}

async function readLog(file: string): Promise<{ log: string; stream: string; time: string }[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function rssKiB(pid: number): number {
  const out = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
  return Number(out.trim());
}

/** A bundle: rootfs with busybox and a few applets, config.json from `runc spec`, edited. */
async function makeBundle(dir: string, args: string[], terminal = false): Promise<string> {
  const bundle = join(dir, 'bundle');
  const bin = join(bundle, 'rootfs', 'bin');
  await mkdir(bin, { recursive: true });
  await copyFile(BUSYBOX, join(bin, 'busybox'));
  for (const applet of ['sh', 'echo', 'sleep', 'cat', 'tty']) await symlink('busybox', join(bin, applet));
  const r = spawnSync('runc', ['spec'], { cwd: bundle, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`runc spec: ${r.stderr}`);
  const configPath = join(bundle, 'config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as {
    process: { args: string[]; terminal: boolean };
    root: { readonly: boolean };
  };
  config.process.args = args;
  config.process.terminal = terminal;
  config.root.readonly = false;
  await writeFile(configPath, JSON.stringify(config));
  return bundle;
}

/** Read the first JSON line from the sync pipe (fd 3 of the spawned monitor). */
function firstLine(stream: Readable, timeoutMs = 10_000): Promise<SyncMessage> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`no sync message; got ${JSON.stringify(buf)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      stream.off('data', onData);
      resolve(JSON.parse(buf.slice(0, nl)) as SyncMessage);
    };
    stream.on('data', onData);
    stream.on('end', () => {
      clearTimeout(timer);
      reject(new Error(`sync pipe closed; got ${JSON.stringify(buf)}`));
    });
  });
}

describe.skipIf(!isRoot || !hasRunc)('berth-monitor with runc', () => {
  const dirs: string[] = [];
  const ids: string[] = [];
  const monitors: number[] = [];
  let seq = 0;

  beforeAll(() => {
    const r = spawnSync('make', ['-C', root, '-s'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make: ${r.stdout}${r.stderr}`);
  });

  afterAll(async () => {
    for (const id of ids) spawnSync('runc', ['delete', '-f', id]);
    for (const pid of monitors) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function start(
    args: string[],
    opts: { terminal?: boolean; attach?: boolean; flags?: string[]; bundle?: string; runtime?: string } = {},
  ): Promise<Started> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mon-'));
    dirs.push(dir);
    const id = `bmtest-${process.pid}-${++seq}`;
    ids.push(id);
    const bundle = opts.bundle ?? (await makeBundle(dir, args, opts.terminal));
    const exitFile = join(dir, 'exit.json');
    const logFile = join(dir, 'ctr.log');
    const attachSocket = join(dir, 'attach.sock');
    const pidfile = join(dir, 'monitor.pid');
    const argv = [
      '--id',
      id,
      '--bundle',
      bundle,
      '--runtime',
      opts.runtime ?? 'runc',
      '--exit-file',
      exitFile,
      '--log-file',
      logFile,
      '--sync-fd',
      '3',
      '--pidfile',
      pidfile,
      '--detach',
      ...(opts.terminal ? ['--terminal'] : []),
      ...(opts.attach ? ['--attach-socket', attachSocket] : []),
      ...(opts.flags ?? []),
    ];
    const spawned = spawn(BIN, argv, { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
    const spawnedExit = new Promise<number | null>((r) => spawned.on('exit', (code) => r(code)));
    const sync = spawned.stdio[3] as Readable;
    const msg = await firstLine(sync);
    sync.destroy(); // the monitor must cope with its reader going away (EPIPE)
    const monitorPid = Number(
      await waitFor('pidfile', async () => (await readFile(pidfile, 'utf8')) || undefined),
    );
    monitors.push(monitorPid);
    return { id, dir, msg, monitorPid, spawned, spawnedExit, exitFile, logFile, attachSocket };
  }

  it('reports started, logs stdout/stderr as json-file lines, records exit status 3', async () => {
    const t = await start(['sh', '-c', 'echo hello; echo oops >&2; exit 3']);
    expect(t.msg).toMatchObject({ type: 'started', pid: expect.any(Number) });
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(3);
    expect(exit.signal).toBeUndefined();
    expect(exit.exited_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(exit.pid).toBe((t.msg as { pid: number }).pid);
    const lines = await readLog(t.logFile);
    expect(lines.map((l) => [l.log, l.stream])).toEqual(
      expect.arrayContaining([
        ['hello\n', 'stdout'],
        ['oops\n', 'stderr'],
      ]),
    );
    for (const l of lines) expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    await waitFor('monitor exit', async () => (alive(t.monitorPid) ? undefined : true));
  });

  it('stays small (RSS < 1 MiB) and records 137 for a container killed with SIGKILL', async () => {
    const t = await start(['sleep', '60']);
    expect(t.msg.type).toBe('started');
    await sleep(200);
    const rss = rssKiB(t.monitorPid);
    console.log(`berth-monitor RSS while a container runs: ${rss} KiB`);
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThan(1024);
    // SIGTERM to the monitor is not forwarded: the container keeps running, so does the monitor.
    process.kill(t.monitorPid, 'SIGTERM');
    await sleep(100);
    expect(alive(t.monitorPid)).toBe(true);
    expect(spawnSync('runc', ['kill', t.id, 'KILL']).status).toBe(0);
    const exit = await readExit(t.exitFile);
    expect(exit).toMatchObject({ exit_status: 137, signal: 9 });
  });

  it('rotates the log: file → file.1 … with max size and max files', async () => {
    const t = await start(['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done'], {
      flags: ['--log-max-size', '2048', '--log-max-files', '3'],
    });
    expect(t.msg.type).toBe('started');
    await readExit(t.exitFile);
    const names = (await readdir(t.dir)).filter((n) => n.startsWith('ctr.log')).sort();
    expect(names).toEqual(['ctr.log', 'ctr.log.1', 'ctr.log.2']);
    for (const n of ['ctr.log.1', 'ctr.log.2']) {
      const size = (await stat(join(t.dir, n))).size;
      expect(size).toBeGreaterThanOrEqual(2048);
      expect(size).toBeLessThan(2048 + 200);
    }
    const last = await readLog(t.logFile);
    expect(last.at(-1)?.log).toBe('line-299\n');
    const older = await readLog(join(t.dir, 'ctr.log.1'));
    expect(older.length).toBeGreaterThan(0);
  });

  it('serves attach: output to clients, client bytes to stdin, EOF closes stdin with --stdin-once', async () => {
    const t = await start(['sh', '-c', 'echo ready; cat; echo done'], {
      attach: true,
      flags: ['--stdin', '--stdin-once'],
    });
    expect(t.msg.type).toBe('started');
    const sock = connect(t.attachSocket);
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    // a second client sees the same broadcast
    const other = connect(t.attachSocket);
    await new Promise<void>((resolve, reject) => other.once('connect', resolve).once('error', reject));
    await sleep(100); // let the monitor accept both before the echo
    const both = Promise.all([readUntil(sock, 'ping\n'), readUntil(other, 'ping\n')]);
    sock.write('ping\n');
    const [a, b] = await both;
    expect(a).toContain('ping\n');
    expect(b).toContain('ping\n');
    const done = readUntil(other, 'done\n');
    sock.end(); // EOF → the container's stdin is closed → cat exits
    expect(await done).toContain('done\n');
    other.destroy();
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(0);
    const logged = (await readLog(t.logFile)).map((l) => l.log);
    expect(logged).toEqual(expect.arrayContaining(['ping\n', 'done\n']));
    sock.destroy();
  });

  it('writes a /dev/pts path with --terminal (pty master over the console socket)', async () => {
    const t = await start(['sh', '-c', 'tty'], { terminal: true });
    expect(t.msg.type).toBe('started');
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(0);
    const lines = await readLog(t.logFile);
    expect(lines[0]).toMatchObject({ stream: 'stdout', log: expect.stringMatching(/^\/dev\/pts\/\d+\r\n$/) });
  });

  it('reports an error quickly for a bad bundle and for a missing runtime', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mon-bad-'));
    dirs.push(dir);
    const t0 = Date.now();
    const t = await start([], { bundle: join(dir, 'nope') });
    expect(t.msg).toMatchObject({
      type: 'error',
      kind: 'NotFound',
      message: expect.stringContaining('config.json'),
    });
    expect(Date.now() - t0).toBeLessThan(2000);
    const u = await start(['true'], { runtime: join(dir, 'no-such-runc') });
    expect(u.msg).toMatchObject({ type: 'error', kind: 'NotFound' });
    // A bundle runc rejects: its stderr comes back as the message.
    const bad = await makeBundle(join(dir, 'b2'), ['true']);
    await writeFile(join(bad, 'config.json'), '{"ociVersion": 1}');
    const v = await start([], { bundle: bad });
    expect(v.msg).toMatchObject({ type: 'error', kind: 'Internal' });
    expect((v.msg as { message: string }).message).toMatch(/runc create/);
    await waitFor('monitors gone', async () =>
      alive(t.monitorPid) || alive(v.monitorPid) ? undefined : true,
    );
  });

  it('outlives its parent (double fork) and still writes the exit file', async () => {
    const t = await start(['sh', '-c', 'sleep 1; exit 7']);
    expect(t.msg.type).toBe('started');
    // The process we spawned has exited already; the monitor is not its child.
    expect(await t.spawnedExit).toBe(0);
    expect(t.monitorPid).not.toBe(t.spawned.pid);
    const status = await readFile(`/proc/${t.monitorPid}/status`, 'utf8');
    const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
    expect(ppid).not.toBe(process.pid);
    expect(alive(t.monitorPid)).toBe(true);
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(7);
  });
});

/** Read from a socket until `want` appears in what was received. */
function readUntil(sock: Socket, want: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(
      () => reject(new Error(`attach: wanted ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)),
      timeoutMs,
    );
    const onData = (b: Buffer): void => {
      got += b.toString('utf8');
      if (got.includes(want)) {
        clearTimeout(timer);
        sock.off('data', onData);
        resolve(got);
      }
    };
    sock.on('data', onData);
  });
}
