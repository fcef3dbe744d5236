import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, spawnLogged, waitReady, type ProcessExit } from './child.js';
import { cleanEnv } from './env.js';
import { repoRoot, serviceEntry, socketPath } from './paths.js';
import { canConnect } from './socket.js';

/** Options for {@link startService}. */
export interface StartServiceOptions {
  /** BERTH_ROOT: the service keeps its data under `<root>/<name>`; logs go to `<root>/logs/<name>.log`. */
  root: string;
  /** BERTH_STATE: the service listens on `<state>/<name>.sock` (gateway: `<state>/berth.sock`). */
  state: string;
  /** BERTH_NATS, e.g. `nats://127.0.0.1:4222`. */
  nats: string;
  /** Extra environment, applied last; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Extra command-line arguments after `main.js`. */
  args?: string[];
  /** How long to wait for the socket to accept a connection (default 15 s). */
  timeoutMs?: number;
}

/** A running berth service process, started by {@link startService}. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** The unix socket the service listens on. */
  readonly socket: string;
  readonly logFile: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`, default 10 s); idempotent. */
  stop(timeoutMs?: number): Promise<ProcessExit>;
  /** Sends SIGKILL and waits for the exit, to simulate a crash; idempotent. */
  kill9(): Promise<ProcessExit>;
  /** Returns the service's log so far (stdout and stderr). */
  log(): string;
}

/**
 * Spawns `node <repo>/services/<name>/dist/main.js` with BERTH_ROOT, BERTH_STATE, BERTH_NATS,
 * BERTH_LOG_LEVEL=debug and BERTH_CONFIG pointing at a file that does not exist, and waits until
 * its socket accepts a connection. Throws if `main.js` is not built, or, with the exit status and
 * the log tail, if the service dies or does not listen in time. No other BERTH_* variable is inherited.
 */
export async function startService(name: string, opts: StartServiceOptions): Promise<ServiceProcess> {
  const entry = serviceEntry(name);
  if (!existsSync(entry)) throw new Error(`startService: ${entry} is missing (run \`npm run build\`)`);
  const socket = socketPath(opts.state, name);
  if (Buffer.byteLength(socket) > 107) throw new Error(`startService: socket path too long: ${socket}`);
  const logDir = join(opts.root, 'logs');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(opts.state, { recursive: true });
  const env = cleanEnv({
    BERTH_ROOT: opts.root,
    BERTH_STATE: opts.state,
    BERTH_NATS: opts.nats,
    BERTH_LOG_LEVEL: 'debug',
    BERTH_CONFIG: join(opts.root, 'no-such-config.toml'),
    ...opts.env,
  });
  const logFile = join(logDir, `${name}.log`);
  const proc = await spawnLogged(process.execPath, [entry, ...(opts.args ?? [])], {
    env,
    logFile,
    cwd: repoRoot(),
  });
  await waitReady(proc, () => canConnect(socket), `berth-${name} (${socket})`, opts.timeoutMs ?? 15_000);
  return {
    name,
    pid: proc.pid,
    socket,
    logFile,
    exited: proc.exited,
    stop: (timeoutMs) => proc.stop(timeoutMs),
    kill9: () => proc.kill(),
    log: () => logTail(logFile, Infinity),
  };
}
