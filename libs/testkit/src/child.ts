/**
 * A spawned child whose stdout and stderr go straight to a log file, with the
 * stop/kill/wait-until-ready steps that nats and the services share.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { track, untrack } from './reaper.js';

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process started by the testkit. @internal */
export interface ManagedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Set once the process has exited. */
  readonly exit: ProcessExit | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Sends SIGTERM, waits up to `timeoutMs` (default 10 s), then SIGKILL; idempotent. */
  stop(timeoutMs?: number): Promise<ProcessExit>;
  /** Sends SIGKILL and waits for the exit; idempotent. */
  kill(): Promise<ProcessExit>;
}

/** Options for {@link spawnLogged}. @internal */
export interface SpawnLoggedOptions {
  env: NodeJS.ProcessEnv;
  /** Appended to, never truncated, so that a restart keeps the earlier output. */
  logFile: string;
  cwd?: string;
}

/** Starts `cmd args` with stdio appended to `opts.logFile`; throws if it cannot be spawned. @internal */
export async function spawnLogged(
  cmd: string,
  args: string[],
  opts: SpawnLoggedOptions,
): Promise<ManagedProcess> {
  const fd = openSync(opts.logFile, 'a');
  const child = (() => {
    try {
      return spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
  })();
  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve((exit = { code, signal })));
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawnError || child.pid === undefined) {
    throw new Error(`testkit: cannot start ${cmd}: ${spawnError?.message ?? 'no pid'}`);
  }
  const pid = child.pid;
  track(pid);
  void exited.then(() => untrack(pid));

  const signalAndWait = async (sig: NodeJS.Signals, timeoutMs: number): Promise<boolean> => {
    if (exit) return true;
    child.kill(sig);
    return Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
  };
  return {
    pid,
    logFile: opts.logFile,
    get exit() {
      return exit;
    },
    exited,
    async stop(timeoutMs = 10_000) {
      if (!(await signalAndWait('SIGTERM', timeoutMs))) await signalAndWait('SIGKILL', 5_000);
      return exited;
    },
    async kill() {
      await signalAndWait('SIGKILL', 5_000);
      return exited;
    },
  };
}

/** Returns the last `lines` lines of a log file, or a note if it cannot be read. */
export function logTail(file: string, lines = 30): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`;
  }
}

/** Describes an exit for error messages: `exit code 1` or `killed by SIGKILL`. */
export function describeExit(e: ProcessExit): string {
  return e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
}

/**
 * Polls `ready` until it resolves true. If the process exits first, or `timeoutMs` passes
 * (then the process is killed), throws an error naming `what`, the exit status and the log tail.
 * @internal
 */
export async function waitReady(
  proc: ManagedProcess,
  ready: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit) break;
    if (await ready()) return;
    if (Date.now() >= deadline) break;
    await Promise.race([proc.exited, sleep(50)]);
  }
  const status = proc.exit
    ? `exited (${describeExit(proc.exit)})`
    : `not ready after ${timeoutMs} ms (pid ${proc.pid}, now killed)`;
  if (!proc.exit) await proc.kill();
  throw new Error(`${what}: ${status}\n--- last lines of ${proc.logFile} ---\n${logTail(proc.logFile)}`);
}
