/**
 * Running the host's networking tools (ip, iptables, unshare): one place that
 * turns a failed command into an error carrying its stderr.
 */
import { execFile } from 'node:child_process';
import { BerthError, type ErrorKind } from '@berth/errdefs';

const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];

/**
 * The environment for host tools and CNI plugins: ours, with the sbin directories on PATH
 * (ip and iptables live there, and a service started from a non-login shell may lack them).
 */
export function toolEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const path = (base['PATH'] ?? '').split(':').filter(Boolean);
  return { ...base, PATH: [...path, ...SBIN.filter((d) => !path.includes(d))].join(':') };
}

const ENV = toolEnv();

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args`; resolves with the outcome whatever the exit status (rejects only if it cannot start). */
export function runTool(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { env: ENV, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        if (err && typeof err.code === 'string')
          return reject(new BerthError('Internal', `${cmd}: ${err.message}`));
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `cmd args` and returns stdout; throws (Internal unless `kind`) with stderr on failure. */
export async function runOk(
  cmd: string,
  args: readonly string[],
  kind: ErrorKind = 'Internal',
): Promise<string> {
  const r = await runTool(cmd, args);
  if (r.code !== 0)
    throw new BerthError(kind, `${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit status ${r.code}`}`);
  return r.stdout;
}
