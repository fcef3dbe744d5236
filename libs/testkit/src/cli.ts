import { spawn } from 'node:child_process';
import { cleanEnv } from './env.js';
import { cliEntry, repoRoot } from './paths.js';
import { track, untrack } from './reaper.js';
import { suiteCliEnv } from './suite.js';

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** Gateway socket, passed as `--address`. */
  address: string;
  /** Namespace, passed as `-n` when given. */
  ns?: string;
  /** Written to the CLI's stdin, which is then closed (stdin is empty when omitted). */
  input?: string | Buffer;
  /**
   * Extra environment, applied last; `undefined` removes a variable. No BERTH_* is inherited;
   * the `cliEnv` of the suite at `address` (BERTH_DEFAULT_NETWORK=none without berth-network)
   * comes first.
   */
  env?: Record<string, string | undefined>;
  /** Kill the CLI (SIGKILL) after this long (default 30 s); the result then has `signal: 'SIGKILL'`. */
  timeoutMs?: number;
}

/** What a CLI run produced. */
export interface CliResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout decoded as UTF-8. */
  stdout: string;
  /** stdout as raw bytes, for binary output such as `content get`. */
  stdoutBuffer: Buffer;
  /** stderr decoded as UTF-8. */
  stderr: string;
}

/**
 * Runs `node <repo>/apps/cli/dist/berth.mjs --address A [-n NS] ...args` to completion.
 * Resolves with the exit status and output whatever the exit code; rejects only if node cannot be spawned.
 */
export function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const argv = [cliEntry(), '--address', opts.address, ...(opts.ns ? ['-n', opts.ns] : []), ...args];
  const env = cleanEnv({ ...suiteCliEnv(opts.address), ...opts.env });
  return runProcess(process.execPath, argv, { ...opts, env });
}

/** Options for {@link runProcess}. */
export interface RunProcessOptions {
  /** The whole environment of the child. */
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
}

/**
 * Runs a program to completion, collecting its output; the child is killed
 * (SIGKILL) after `timeoutMs` (default 30 s) and when the test process exits.
 */
export function runProcess(cmd: string, argv: string[], opts: RunProcessOptions = {}): Promise<CliResult> {
  const child = spawn(cmd, argv, { env: opts.env ?? process.env, cwd: opts.cwd ?? repoRoot() });
  if (child.pid !== undefined) track(child.pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  // EPIPE when the child exits without reading its input is not an error of the test.
  child.stdin.on('error', () => undefined);
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) untrack(child.pid);
      const stdoutBuffer = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code, signal, stdout: stdoutBuffer.toString('utf8'), stdoutBuffer, stderr });
    });
  });
}
