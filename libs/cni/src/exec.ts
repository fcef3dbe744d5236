/**
 * Running one plugin binary: config on stdin, CNI_* in the environment,
 * result or error object on stdout.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '@berth/errdefs';

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a plugin binary; resolves with its output whatever its exit status. */
export type PluginExec = (
  path: string,
  stdin: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
) => Promise<ExecResult>;

/** The real executor: spawns the binary (killed if `signal` aborts or after `timeoutMs`). */
export function processExec(timeoutMs = 60_000): PluginExec {
  return (path, stdin, env, signal) =>
    new Promise((resolve, reject) => {
      const child = spawn(path, [], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, signal });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      // A plugin that exits without reading stdin closes the pipe under us: not our failure.
      child.stdin.on('error', () => undefined);
      child.on('close', (code, sig) =>
        resolve({
          code,
          signal: sig,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
      child.stdin.end(stdin);
    });
}

/** Finds the executable for plugin `type` in `dirs` (CNI_PATH order); NotFound names the dirs. */
export async function findPlugin(type: string, dirs: readonly string[]): Promise<string> {
  for (const d of dirs) {
    const p = join(d, type);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // try the next directory
    }
  }
  throw notFound(`cni plugin ${type} not found in ${dirs.join(':')}`);
}
