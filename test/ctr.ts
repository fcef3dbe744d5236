/**
 * Running Debian's containerd `ctr` against a berth gateway, for the system tests
 * that use it as the external client proving wire compatibility.
 */
import { spawn } from 'node:child_process';

export const CTR = '/usr/bin/ctr';

/** ctr's environment: no CONTAINERD_* variable, so only the flags choose address and namespace. */
export function ctrEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CONTAINERD_')) env[k] = v;
  return env;
}

export interface CtrResult {
  code: number | null;
  stdout: string;
  stdoutBuffer: Buffer;
  stderr: string;
}

/** Runs `ctr --address A [-n NS] ...args` to completion (SIGKILL after 20 s). */
export function ctr(
  address: string,
  args: string[],
  opts: { ns?: string; input?: Buffer } = {},
): Promise<CtrResult> {
  const argv = ['--address', address, ...(opts.ns ? ['-n', opts.ns] : []), ...args];
  const child = spawn(CTR, argv, { env: ctrEnv() });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => undefined);
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 20_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const stdoutBuffer = Buffer.concat(out);
      resolve({ code, stdout: stdoutBuffer.toString(), stdoutBuffer, stderr: Buffer.concat(err).toString() });
    });
  });
}

/** Like ctr() but fails the test, with stderr, unless ctr exits 0. */
export async function ctrOk(address: string, args: string[], opts: { ns?: string; input?: Buffer } = {}) {
  const r = await ctr(address, args, opts);
  if (r.code !== 0) throw new Error(`ctr ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}
