// Black-box tests of berth-monitor against real runc, on a busybox bundle built here.
// Needs root and runc; skipped otherwise. runc keeps its state under a private --root.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants as fsc, openSync, readSync, writeSync } from 'node:fs';
import {
  access,
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
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
  | { type: 'ready' }
  | { type: 'created' | 'started'; pid: number }
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
  bundle: string;
  msg: SyncMessage;
  monitorPid: number;
  spawned: ChildProcess;
  spawnedExit: Promise<number | null>;
  exitFile: string;
  logFile: string;
  attachSocket: string;
  control: string;
}

interface StartOptions {
  terminal?: boolean;
  attach?: boolean;
  control?: boolean;
  /** Run `runc start` after "created" (default); false leaves that to the test. */
  launch?: boolean;
  /** Pass --log-file (default). */
  log?: boolean;
  flags?: string[];
  bundle?: string;
  runtime?: string;
  id?: string;
}

/** One stdcopy frame from the attach socket: 1 stdout, 2 stderr, 3 the exit record. */
interface Frame {
  stream: number;
  data: Buffer;
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
  for (const applet of ['sh', 'echo', 'sleep', 'cat', 'tty', 'stty', 'head', 'seq'])
    await symlink('busybox', join(bin, applet));
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

/** All JSON lines of a sync pipe, for monitors that report more than one before exiting. */
class SyncReader {
  private readonly lines: SyncMessage[] = [];
  private buf = '';
  private ended = false;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.buf += chunk.toString('utf8');
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        this.lines.push(JSON.parse(this.buf.slice(0, nl)) as SyncMessage);
        this.buf = this.buf.slice(nl + 1);
      }
    });
    stream.on('end', () => (this.ended = true));
  }

  /** The next message; undefined once the monitor has closed the pipe without one. */
  async next(timeoutMs = 10_000): Promise<SyncMessage | undefined> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.lines.length > 0) return this.lines.shift();
      if (this.ended) {
        expect(this.buf).toBe('');
        return undefined;
      }
      if (Date.now() > end) throw new Error(`no sync message; pending ${JSON.stringify(this.buf)}`);
      await sleep(10);
    }
  }
}

/** An attach client that parses the frames it receives. */
class AttachClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<void>;
  private pending = Buffer.alloc(0);

  private constructor(readonly sock: Socket) {
    sock.on('data', (b: Buffer) => {
      this.pending = Buffer.concat([this.pending, b]);
      while (this.pending.length >= 8) {
        const len = this.pending.readUInt32BE(4);
        if (this.pending.length < 8 + len) break;
        expect([...this.pending.subarray(1, 4)]).toEqual([0, 0, 0]);
        this.frames.push({ stream: this.pending[0], data: this.pending.subarray(8, 8 + len) });
        this.pending = this.pending.subarray(8 + len);
      }
    });
    this.closed = new Promise((resolve) => sock.on('close', () => resolve()));
  }

  static async connect(path: string): Promise<AttachClient> {
    const sock = connect(path);
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    return new AttachClient(sock);
  }

  /** Everything received on one stream, concatenated. */
  text(stream: number): string {
    return Buffer.concat(this.frames.filter((f) => f.stream === stream).map((f) => f.data)).toString('utf8');
  }

  async waitFor(stream: number, want: string, timeoutMs = 5000): Promise<void> {
    await waitFor(
      `attach stream ${stream} to contain ${JSON.stringify(want)} (got ${JSON.stringify(this.text(stream))})`,
      async () => (this.text(stream).includes(want) ? true : undefined),
      timeoutMs,
    );
  }

  /** The exit record of the last frame, after the monitor has closed the connection. */
  async exitRecord(): Promise<ExitFile> {
    await this.closed;
    expect(this.pending.length).toBe(0);
    const last = this.frames.at(-1);
    expect(last?.stream).toBe(3);
    expect(this.frames.filter((f) => f.stream === 3)).toHaveLength(1);
    return JSON.parse(last!.data.toString('utf8')) as ExitFile;
  }
}

/** Read what a non-blocking FIFO read end holds now ('' when empty). */
function drainFifo(fd: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe.skipIf(!isRoot || !hasRunc)('berth-monitor with runc', () => {
  const dirs: string[] = [];
  const ids: string[] = [];
  const monitors: number[] = [];
  let runcRoot = '';
  let seq = 0;

  const runc = (...args: string[]): SpawnSyncReturns<string> =>
    spawnSync('runc', ['--root', runcRoot, ...args], { encoding: 'utf8' });

  function runcStart(id: string): void {
    const r = runc('start', id);
    if (r.status !== 0) throw new Error(`runc start: ${r.stderr}`);
  }

  beforeAll(async () => {
    const r = spawnSync('make', ['-C', root, '-s'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make: ${r.stdout}${r.stderr}`);
    runcRoot = await mkdtemp(join(tmpdir(), 'berth-mon-runc-'));
    dirs.push(runcRoot);
  });

  afterAll(async () => {
    for (const id of new Set(ids)) runc('delete', '-f', id);
    for (const pid of monitors) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function start(args: string[], opts: StartOptions = {}): Promise<Started> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mon-'));
    dirs.push(dir);
    const id = opts.id ?? `bmtest-${process.pid}-${++seq}`;
    ids.push(id);
    const bundle = opts.bundle ?? (await makeBundle(dir, args, opts.terminal));
    const exitFile = join(dir, 'exit.json');
    const logFile = join(dir, 'ctr.log');
    const attachSocket = join(dir, 'attach.sock');
    const control = join(dir, 'control');
    const pidfile = join(dir, 'monitor.pid');
    const argv = [
      '--id',
      id,
      '--bundle',
      bundle,
      '--runtime',
      opts.runtime ?? 'runc',
      '--runtime-root',
      runcRoot,
      '--exit-file',
      exitFile,
      ...(opts.log === false ? [] : ['--log-file', logFile]),
      '--sync-fd',
      '3',
      '--pidfile',
      pidfile,
      '--detach',
      ...(opts.terminal ? ['--terminal'] : []),
      ...(opts.attach ? ['--attach-socket', attachSocket] : []),
      ...(opts.control ? ['--control', control] : []),
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
    if (msg.type === 'created' && opts.launch !== false) runcStart(id);
    return {
      id,
      dir,
      bundle,
      msg,
      monitorPid,
      spawned,
      spawnedExit,
      exitFile,
      logFile,
      attachSocket,
      control,
    };
  }

  it('reports created, logs stdout/stderr as json-file lines, records exit status 3', async () => {
    const t = await start(['sh', '-c', 'echo hello; echo oops >&2; exit 3']);
    expect(t.msg).toMatchObject({ type: 'created', pid: expect.any(Number) });
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

  it('only creates: the caller runs `runc start`; an init killed before its start is an exit', async () => {
    const t = await start(['sh', '-c', 'echo started; exit 0'], { launch: false });
    expect(t.msg).toMatchObject({ type: 'created', pid: expect.any(Number) });
    const pid = (t.msg as { pid: number }).pid;
    const state = JSON.parse(runc('state', t.id).stdout) as { status: string; pid: number };
    expect(state).toMatchObject({ status: 'created', pid });
    await sleep(200);
    expect(alive(t.monitorPid)).toBe(true);
    await expect(access(t.exitFile)).rejects.toThrow();
    expect(await readLog(t.logFile)).toEqual([]);
    runcStart(t.id);
    expect(await readExit(t.exitFile)).toMatchObject({ pid, exit_status: 0 });
    expect((await readLog(t.logFile)).map((l) => l.log)).toEqual(['started\n']);

    const u = await start(['sleep', '60'], { launch: false });
    expect(u.msg.type).toBe('created');
    expect(runc('delete', '-f', u.id).status).toBe(0);
    expect(await readExit(u.exitFile)).toMatchObject({
      pid: (u.msg as { pid: number }).pid,
      exit_status: 137,
      signal: 9,
    });
    await waitFor('monitor exit', async () => (alive(u.monitorPid) ? undefined : true));
  });

  it('stays small (RSS < 1 MiB) and records 137 for a container killed with SIGKILL', async () => {
    const t = await start(['sleep', '60']);
    expect(t.msg.type).toBe('created');
    await sleep(200);
    const rss = rssKiB(t.monitorPid);
    console.log(`berth-monitor RSS while a container runs: ${rss} KiB`);
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThan(1024);
    // SIGTERM to the monitor is not forwarded: the container keeps running, so does the monitor.
    process.kill(t.monitorPid, 'SIGTERM');
    await sleep(100);
    expect(alive(t.monitorPid)).toBe(true);
    expect(runc('kill', t.id, 'KILL').status).toBe(0);
    const exit = await readExit(t.exitFile);
    expect(exit).toMatchObject({ exit_status: 137, signal: 9 });
  });

  it('rotates the log: file → file.1 … with max size and max files', async () => {
    const t = await start(['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done'], {
      flags: ['--log-max-size', '2048', '--log-max-files', '3'],
    });
    expect(t.msg.type).toBe('created');
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

  it('serves attach: output to every client, client bytes to stdin, EOF closes stdin with --stdin-once', async () => {
    const t = await start(['sh', '-c', 'echo ready; cat; echo done'], {
      attach: true,
      flags: ['--stdin', '--stdin-once'],
    });
    expect(t.msg.type).toBe('created');
    const a = await AttachClient.connect(t.attachSocket);
    const b = await AttachClient.connect(t.attachSocket); // a second client sees the same output
    await sleep(100); // let the monitor accept both before the echo
    a.sock.write('ping\n');
    await Promise.all([a.waitFor(1, 'ping\n'), b.waitFor(1, 'ping\n')]);
    a.sock.end(); // EOF → the container's stdin is closed → cat exits; a still gets output
    await Promise.all([a.waitFor(1, 'done\n'), b.waitFor(1, 'done\n')]);
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(0);
    expect(await a.exitRecord()).toEqual(exit);
    expect(await b.exitRecord()).toEqual(exit);
    const logged = (await readLog(t.logFile)).map((l) => l.log);
    expect(logged).toEqual(expect.arrayContaining(['ping\n', 'done\n']));
  });

  it('frames attach output: stdout 1, stderr 2, then the exit record as stream 3', async () => {
    const t = await start(['sh', '-c', 'cat; echo out1; echo err1 >&2; exit 4'], {
      attach: true,
      launch: false,
      flags: ['--stdin', '--stdin-once'],
    });
    expect(t.msg.type).toBe('created');
    const c = await AttachClient.connect(t.attachSocket); // before start: sees everything
    runcStart(t.id);
    c.sock.end('in\n'); // input, then EOF (half-close): the client keeps receiving
    const record = await c.exitRecord();
    expect(c.text(1)).toBe('in\nout1\n');
    expect(c.text(2)).toBe('err1\n');
    // stdout (echo of "in", then out1; possibly one read), stderr, exit record: in that order
    const runs = c.frames.map((f) => f.stream).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(runs).toEqual([1, 2, 3]);
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(4);
    expect(record).toEqual(exit);
  });

  /** What `head -c 3000000 /bin/busybox` prints in the bundle (a copy of BUSYBOX). */
  const BIG = 3_000_000;
  const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  const bigOutput = async (): Promise<Buffer> => (await readFile(BUSYBOX)).subarray(0, BIG);

  it('back-pressure: a slow attach client gets every byte, then the exit frame', async () => {
    const t = await start(['sh', '-c', `head -c ${BIG} /bin/busybox`], { attach: true, launch: false });
    expect(t.msg.type).toBe('created');
    const c = await AttachClient.connect(t.attachSocket);
    c.sock.pause(); // not reading at all for a while: its socket buffer fills up
    runcStart(t.id);
    await sleep(500);
    expect(rssKiB(t.monitorPid)).toBeLessThan(1024); // holding output back costs one frame
    // then reading, but slower than the container writes
    let since = 0;
    c.sock.on('data', (b: Buffer) => {
      since += b.length;
      if (since < 64 * 1024) return;
      since = 0;
      c.sock.pause();
      setTimeout(() => c.sock.resume(), 5);
    });
    c.sock.resume();
    const record = await c.exitRecord();
    expect(record.exit_status).toBe(0);
    const got = Buffer.concat(c.frames.filter((f) => f.stream === 1).map((f) => f.data));
    const want = await bigOutput();
    expect(got.length).toBe(want.length);
    expect(sha256(got)).toBe(sha256(want));
    expect(c.text(2)).toBe('');
    expect(await readExit(t.exitFile)).toEqual(record);
  });

  it('back-pressure: a --stdout-path FIFO read slowly gets every byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mon-fifo-'));
    dirs.push(dir);
    const fifo = join(dir, 'out');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const fd = openSync(fifo, fsc.O_RDONLY | fsc.O_NONBLOCK); // a reader: the monitor opens O_WRONLY
    try {
      const t = await start(['sh', '-c', `head -c ${BIG} /bin/busybox`], { flags: ['--stdout-path', fifo] });
      expect(t.msg.type).toBe('created');
      await sleep(500); // the FIFO (64 KiB) is full long before this
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(16 * 1024);
      const end = Date.now() + 20_000;
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, buf);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          if (Date.now() > end) throw new Error('timed out reading the FIFO');
          await sleep(2);
          continue;
        }
        if (n === 0) break; // the monitor closed its end: all output is in
        chunks.push(Buffer.from(buf.subarray(0, n)));
        await sleep(1);
      }
      const got = Buffer.concat(chunks);
      const want = await bigOutput();
      expect(got.length).toBe(want.length);
      expect(sha256(got)).toBe(sha256(want));
      expect((await readExit(t.exitFile)).exit_status).toBe(0);
    } finally {
      closeSync(fd);
    }
  });

  it('back-pressure: an attach client that goes away mid-stream blocks nothing', async () => {
    const t = await start(['seq', '1', '300000'], { attach: true, launch: false });
    expect(t.msg.type).toBe('created');
    const gone = await AttachClient.connect(t.attachSocket);
    const stays = await AttachClient.connect(t.attachSocket);
    gone.sock.once('data', () => gone.sock.pause()); // stops reading: the container waits for it
    await sleep(100); // both accepted before any output
    runcStart(t.id);
    await waitFor('first output', async () => (gone.frames.length > 0 ? true : undefined));
    await sleep(300);
    expect(alive(t.monitorPid)).toBe(true);
    await access(t.exitFile).then(
      () => expect.fail('the container did not wait for the stalled client'),
      () => undefined,
    );
    gone.sock.destroy();
    const want = Array.from({ length: 300000 }, (_, i) => `${i + 1}\n`).join('');
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(0);
    expect(await stays.exitRecord()).toEqual(exit);
    expect(stays.text(1)).toBe(want);
    expect(gone.text(1).length).toBeLessThan(want.length);
    expect((await readLog(t.logFile)).map((l) => l.log).join('')).toBe(want);
    await waitFor('monitor exit', async () => (alive(t.monitorPid) ? undefined : true));
  });

  it('writes a /dev/pts path with --terminal (pty master over the console socket)', async () => {
    const t = await start(['sh', '-c', 'tty'], { terminal: true });
    expect(t.msg.type).toBe('created');
    const exit = await readExit(t.exitFile);
    expect(exit.exit_status).toBe(0);
    const lines = await readLog(t.logFile);
    expect(lines[0]).toMatchObject({ stream: 'stdout', log: expect.stringMatching(/^\/dev\/pts\/\d+\r\n$/) });
  });

  it('resizes the terminal through the control FIFO', async () => {
    const t = await start(['sh', '-c', 'stty size; read x; stty size; echo oops >&2'], {
      terminal: true,
      attach: true,
      control: true,
      launch: false,
    });
    expect(t.msg.type).toBe('created');
    expect((await stat(t.control)).isFIFO()).toBe(true);
    expect((await stat(t.control)).mode & 0o777).toBe(0o600);
    const c = await AttachClient.connect(t.attachSocket);
    await appendFile(t.control, 'resize 80 24\n');
    runcStart(t.id);
    await c.waitFor(1, '24 80\r\n');
    // Written before the newline below, so handled first (see loop.c); junk is ignored.
    await appendFile(t.control, 'bogus\nresize 1x2\nresize 132 43\n');
    c.sock.write('\n');
    await c.waitFor(1, '43 132\r\n');
    expect((await c.exitRecord()).exit_status).toBe(0);
    expect(c.text(2)).toBe(''); // a terminal has one stream
    expect(c.text(1)).toContain('oops');
    await waitFor('control FIFO removed', async () =>
      (await access(t.control)
        .then(() => false)
        .catch(() => true))
        ? true
        : undefined,
    );
  });

  it('closes stdin on close-stdin: the pipe, or ^D on a terminal', async () => {
    const p = await start(['sh', '-c', 'cat; echo after-cat'], { control: true, flags: ['--stdin'] });
    const q = await start(['sh', '-c', 'cat; echo after-cat'], { control: true, terminal: true });
    expect([p.msg.type, q.msg.type]).toEqual(['created', 'created']);
    await sleep(200);
    expect(alive(p.monitorPid) && alive(q.monitorPid)).toBe(true);
    await access(p.exitFile).then(
      () => expect.fail('cat exited before close-stdin'),
      () => undefined,
    );
    for (const t of [p, q]) await appendFile(t.control, 'close-stdin\n');
    for (const t of [p, q]) {
      expect((await readExit(t.exitFile)).exit_status).toBe(0);
      expect((await readLog(t.logFile)).map((l) => l.log).join('')).toContain('after-cat');
    }
  });

  it('copies stdio to client FIFOs and files (containerd ctr), without a log file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mon-fifo-'));
    dirs.push(dir);
    const [stdinPath, stdoutPath, stderrPath] = ['in', 'out', 'err.log'].map((n) => join(dir, n));
    for (const p of [stdinPath, stdoutPath]) expect(spawnSync('mkfifo', [p]).status).toBe(0);
    const outFd = openSync(stdoutPath, fsc.O_RDONLY | fsc.O_NONBLOCK);
    try {
      const t = await start(['sh', '-c', 'cat; echo bye >&2'], {
        control: true,
        log: false,
        flags: ['--stdin-path', stdinPath, '--stdout-path', stdoutPath, '--stderr-path', stderrPath],
      });
      expect(t.msg.type).toBe('created');
      const inFd = openSync(stdinPath, fsc.O_WRONLY | fsc.O_NONBLOCK);
      writeSync(inFd, 'abc\n');
      closeSync(inFd); // no EOF for the container: the monitor holds the FIFO open
      let out = '';
      await waitFor('stdout FIFO', async () =>
        (out += drainFifo(outFd)).includes('abc\n') ? true : undefined,
      );
      await sleep(100);
      expect(alive(t.monitorPid)).toBe(true);
      await appendFile(t.control, 'close-stdin\n');
      expect((await readExit(t.exitFile)).exit_status).toBe(0);
      await waitFor('monitor exit', async () => (alive(t.monitorPid) ? undefined : true));
      out += drainFifo(outFd);
      expect(out).toBe('abc\n');
      expect(await readFile(stderrPath, 'utf8')).toBe('bye\n');
      await expect(access(t.logFile)).rejects.toThrow();
    } finally {
      closeSync(outFd);
    }
  });

  /** process.json for an exec in t's container: its config's process with other args. */
  async function processJson(t: Started, name: string, args: string[], terminal = false): Promise<string> {
    const config = JSON.parse(await readFile(join(t.bundle, 'config.json'), 'utf8')) as {
      process: Record<string, unknown>;
    };
    const path = join(t.dir, `${name}.json`);
    await writeFile(path, JSON.stringify({ ...config.process, args, terminal }));
    return path;
  }

  interface Prepared {
    dir: string;
    spawned: ChildProcess;
    /** The monitor's own exit code (it is not detached). */
    code: Promise<number | null>;
    sync: SyncReader;
    exitFile: string;
    logFile: string;
    attachSocket: string;
    control: string;
  }

  /** A monitor for `--exec … --wait-start` in t's container, not detached (so its exit code
   * can be seen), with attach socket and control FIFO; TMPDIR is its own directory (the
   * console socket's directory goes there). */
  async function prepare(
    t: Started,
    execId: string,
    processJsonPath: string,
    flags: string[] = [],
  ): Promise<Prepared> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mon-x-'));
    dirs.push(dir);
    const p = {
      exitFile: join(dir, 'exit.json'),
      logFile: join(dir, 'exec.log'),
      attachSocket: join(dir, 'attach.sock'),
      control: join(dir, 'control'),
    };
    const argv = [
      ...['--id', t.id, '--bundle', t.bundle, '--runtime', 'runc', '--runtime-root', runcRoot],
      ...['--exec', processJsonPath, '--exec-id', execId, '--wait-start'],
      ...['--exit-file', p.exitFile, '--log-file', p.logFile, '--sync-fd', '3'],
      ...['--attach-socket', p.attachSocket, '--control', p.control],
      ...flags,
    ];
    const spawned = spawn(BIN, argv, {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
      env: { ...process.env, TMPDIR: dir },
    });
    monitors.push(spawned.pid!);
    const code = new Promise<number | null>((r) => spawned.on('exit', (c) => r(c)));
    return { dir, spawned, code, sync: new SyncReader(spawned.stdio[3] as Readable), ...p };
  }

  const gone = async (path: string): Promise<boolean> =>
    await access(path).then(
      () => false,
      () => true,
    );

  it('prepared exec (--wait-start): a client attached before "start" gets all output and the exit', async () => {
    const t = await start(['sleep', '60']);
    expect(t.msg.type).toBe('created');
    const pj = await processJson(t, 'p1', ['sh', '-c', 'echo first; echo second; exit 3']);
    // --detach as the runtime runs it: "ready" and "started" still come on the sync fd
    const e = await prepare(t, 'p1', pj, ['--detach']);
    expect(await e.sync.next()).toEqual({ type: 'ready' });
    expect(await e.code).toBe(0); // the detaching parent
    expect((await stat(e.control)).isFIFO()).toBe(true);
    expect((await stat(e.attachSocket)).isSocket()).toBe(true);
    await sleep(200); // nothing runs before "start"
    expect(await gone(join(t.bundle, 'exec-p1.pid'))).toBe(true);
    expect(await gone(e.exitFile)).toBe(true);
    expect(await readLog(e.logFile)).toEqual([]);

    const c = await AttachClient.connect(e.attachSocket);
    await appendFile(e.control, 'start\nstart\n'); // the second one is ignored
    const started = await e.sync.next();
    expect(started).toMatchObject({ type: 'started', pid: expect.any(Number) });
    const pid = (started as { pid: number }).pid;
    expect(Number(await readFile(join(t.bundle, 'exec-p1.pid'), 'utf8'))).toBe(pid);

    const record = await c.exitRecord();
    expect(c.text(1)).toBe('first\nsecond\n');
    expect(record).toMatchObject({ pid, exit_status: 3 });
    expect(await readExit(e.exitFile)).toEqual(record);
    expect(await e.sync.next()).toEqual({ type: 'exited', ...record });
    expect(await e.sync.next()).toBeUndefined();
    expect((await readLog(e.logFile)).map((l) => l.log)).toEqual(['first\n', 'second\n']);
    await waitFor('control FIFO and socket removed', async () =>
      (await gone(e.control)) && (await gone(e.attachSocket)) ? true : undefined,
    );
    expect(JSON.parse(runc('state', t.id).stdout)).toMatchObject({ status: 'running' });
  });

  it('prepared exec: SIGTERM before "start" exits 0 and leaves nothing behind', async () => {
    const t = await start(['sleep', '60']);
    expect(t.msg.type).toBe('created');
    const pipes = await prepare(t, 't1', await processJson(t, 't1', ['sh', '-c', 'echo never']), ['--stdin']);
    const tty = await prepare(t, 't2', await processJson(t, 't2', ['sh', '-c', 'echo never'], true), [
      '--terminal',
    ]);
    for (const e of [pipes, tty]) {
      expect(await e.sync.next()).toEqual({ type: 'ready' });
      const consoleDirs = async (): Promise<string[]> =>
        (await readdir(e.dir)).filter((n) => n.startsWith('berth-console-'));
      expect(await consoleDirs()).toHaveLength(e === tty ? 1 : 0); // prepared for runc
      const c = await AttachClient.connect(e.attachSocket);
      c.sock.write('input before start\n');
      await sleep(100); // accepted (and the input taken) before the signal
      process.kill(e.spawned.pid!, e === tty ? 'SIGINT' : 'SIGTERM');
      expect(await e.code).toBe(0);
      await c.closed;
      expect(c.frames).toEqual([]);
      expect(await e.sync.next()).toBeUndefined(); // no "started", no "exited"
      expect(await gone(e.exitFile)).toBe(true);
      expect(await gone(e.control)).toBe(true);
      expect(await gone(e.attachSocket)).toBe(true);
      expect(await consoleDirs()).toEqual([]);
    }
    for (const id of ['t1', 't2']) expect(await gone(join(t.bundle, `exec-${id}.pid`))).toBe(true);
  });

  it('prepared exec: "start" of a missing binary reports the error, exits 1 and cleans up', async () => {
    const t = await start(['sleep', '60']);
    expect(t.msg.type).toBe('created');
    const e = await prepare(t, 'b1', await processJson(t, 'b1', ['/no/such/binary']));
    expect(await e.sync.next()).toEqual({ type: 'ready' });
    const c = await AttachClient.connect(e.attachSocket);
    await appendFile(e.control, 'start\n');
    const msg = await e.sync.next();
    expect(msg).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^runc exec: .*\/no\/such\/binary/),
    });
    expect(msg).toMatchObject({ kind: 'NotFound' });
    expect(await e.code).toBe(1);
    await c.closed;
    expect(c.frames).toEqual([]);
    expect(await e.sync.next()).toBeUndefined();
    expect(await gone(e.exitFile)).toBe(true);
    expect(await gone(e.control)).toBe(true);
    expect(await gone(e.attachSocket)).toBe(true);
  });

  it('prepared exec: input, resize and close-stdin before "start" reach the process after it', async () => {
    const t = await start(['sleep', '60']);
    expect(t.msg.type).toBe('created');
    // A pipe: input queues in it; the client's EOF with --stdin-once closes it behind the input.
    const p = await prepare(t, 'i1', await processJson(t, 'i1', ['sh', '-c', 'cat; echo eof']), [
      '--stdin',
      '--stdin-once',
    ]);
    // A pty: it comes with the process, so the monitor holds input, size and ^D until then.
    const q = await prepare(
      t,
      'i2',
      await processJson(t, 'i2', ['sh', '-c', 'read x; stty size; echo got-$x; cat; echo eof'], true),
      ['--terminal'],
    );
    for (const e of [p, q]) expect(await e.sync.next()).toEqual({ type: 'ready' });
    const pc = await AttachClient.connect(p.attachSocket);
    const qc = await AttachClient.connect(q.attachSocket);
    pc.sock.end('queued\n');
    qc.sock.write('hi\n');
    await sleep(100);
    await appendFile(q.control, 'resize 100 30\nclose-stdin\n');
    await sleep(100);
    for (const e of [p, q]) await appendFile(e.control, 'start\n');
    for (const e of [p, q]) expect(await e.sync.next()).toMatchObject({ type: 'started' });
    expect((await pc.exitRecord()).exit_status).toBe(0);
    expect(pc.text(1)).toBe('queued\neof\n');
    expect((await qc.exitRecord()).exit_status).toBe(0);
    // the echo of the held line, the remembered size, then the ^D ended cat
    expect(qc.text(1)).toBe('hi\r\n30 100\r\ngot-hi\r\neof\r\n');
  });

  it('rejects --wait-start without --exec', () => {
    const r = spawnSync(
      BIN,
      ['--id', 'x', '--bundle', '/nonexistent', '--runtime', 'runc', '--exit-file', '/tmp/x', '--wait-start'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--wait-start needs --exec');
  });

  it('runs a process in a running container with --exec', async () => {
    const t = await start(['sleep', '60']);
    expect(t.msg.type).toBe('created');
    const config = JSON.parse(await readFile(join(t.bundle, 'config.json'), 'utf8')) as {
      process: { args: string[] };
    };
    const processJson = join(t.dir, 'process.json');
    await writeFile(
      processJson,
      JSON.stringify({ ...config.process, args: ['sh', '-c', 'echo from-exec; echo err >&2; exit 5'] }),
    );
    const e = await start([], {
      id: t.id,
      bundle: t.bundle,
      flags: ['--exec', processJson, '--exec-id', 'e1'],
    });
    expect(e.msg).toMatchObject({ type: 'started', pid: expect.any(Number) });
    const pid = (e.msg as { pid: number }).pid;
    expect(Number(await readFile(join(t.bundle, 'exec-e1.pid'), 'utf8'))).toBe(pid);
    expect(await readExit(e.exitFile)).toMatchObject({ pid, exit_status: 5 });
    expect((await readLog(e.logFile)).map((l) => [l.log, l.stream])).toEqual(
      expect.arrayContaining([
        ['from-exec\n', 'stdout'],
        ['err\n', 'stderr'],
      ]),
    );
    // the container itself is untouched
    expect(JSON.parse(runc('state', t.id).stdout)).toMatchObject({ status: 'running' });
    expect(alive(t.monitorPid)).toBe(true);

    const bad = await start([], {
      id: `${t.id}-missing`,
      bundle: t.bundle,
      flags: ['--exec', processJson, '--exec-id', 'e2'],
    });
    expect(bad.msg).toMatchObject({
      type: 'error',
      kind: 'NotFound',
      message: expect.stringMatching(/runc exec/),
    });

    expect(runc('kill', t.id, 'KILL').status).toBe(0);
    expect(await readExit(t.exitFile)).toMatchObject({ exit_status: 137 });
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
    expect(t.msg.type).toBe('created');
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
