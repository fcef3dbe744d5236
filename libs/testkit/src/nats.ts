import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, spawnLogged, waitReady, type ManagedProcess } from './child.js';
import { freePort } from './free-port.js';
import { findBinary } from './guards.js';
import { canConnect } from './socket.js';

/** Options for {@link startNats}. */
export interface StartNatsOptions {
  /** JetStream storage directory (created if missing); the log goes to `<dir>/nats-server.log`. */
  dir: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** How long to wait for the server to accept TCP connections (default 10 s). */
  timeoutMs?: number;
}

/** A running `nats-server` on 127.0.0.1 with JetStream, started by {@link startNats}. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`; stays the same across {@link NatsServer.restart}. */
  readonly url: string;
  readonly port: number;
  /** PID of the current server process (changes on restart). */
  readonly pid: number;
  /** Returns the server's log so far. */
  log(): string;
  /** Stops the server gracefully (SIGTERM, then SIGKILL after 10 s); idempotent. */
  stop(): Promise<void>;
  /** SIGKILLs the server to simulate an outage; idempotent. */
  kill(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port and storage directory. */
  restart(): Promise<void>;
}

/**
 * Spawns the real `nats-server -a 127.0.0.1 -p PORT -js -sd DIR` and waits until it accepts
 * TCP connections. Throws with the log tail if the binary is missing or the server does not come up.
 * The process is SIGKILLed when the test process exits.
 */
export async function startNats(opts: StartNatsOptions): Promise<NatsServer> {
  const bin = findBinary('nats-server');
  if (!bin) throw new Error('startNats: nats-server not found on PATH (install it: deploy/install-deps.sh)');
  mkdirSync(opts.dir, { recursive: true });
  const logFile = join(opts.dir, 'nats-server.log');
  const timeoutMs = opts.timeoutMs ?? 10_000;

  const launch = async (port: number): Promise<ManagedProcess> => {
    const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', opts.dir];
    const proc = await spawnLogged(bin, args, { env: process.env, logFile });
    await waitReady(
      proc,
      () => canConnect({ host: '127.0.0.1', port }),
      `nats-server on port ${port}`,
      timeoutMs,
    );
    return proc;
  };

  // freePort() can race with another process taking the port; try a fresh one a few times.
  let port = opts.port ?? (await freePort());
  let proc: ManagedProcess | undefined;
  for (let attempt = 1; !proc; attempt++) {
    try {
      proc = await launch(port);
    } catch (err) {
      const portTaken = /address already in use/i.test(logTail(logFile, 5));
      if (opts.port !== undefined || attempt >= 3 || !portTaken) throw err;
      port = await freePort();
    }
  }
  let current: ManagedProcess = proc;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.pid;
    },
    log: () => logTail(logFile, Infinity),
    async stop() {
      await current.stop();
    },
    async kill() {
      await current.kill();
    },
    async restart() {
      await current.stop();
      current = await launch(port);
    },
  };
}
