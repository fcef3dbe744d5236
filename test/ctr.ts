/**
 * Running Debian's containerd `ctr` against a berth gateway, for the system tests
 * that use it as the external client proving wire compatibility.
 */
import { runProcess, type CliResult } from '@berth/testkit';

export const CTR = '/usr/bin/ctr';

/** ctr's environment: no CONTAINERD_* variable, so only the flags choose address and namespace. */
export function ctrEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CONTAINERD_')) env[k] = v;
  return env;
}

export type CtrResult = CliResult;

/** Runs `ctr --address A [-n NS] ...args` to completion (SIGKILL after 20 s). */
export function ctr(
  address: string,
  args: string[],
  opts: { ns?: string; input?: Buffer } = {},
): Promise<CtrResult> {
  const argv = ['--address', address, ...(opts.ns ? ['-n', opts.ns] : []), ...args];
  return runProcess(CTR, argv, {
    env: ctrEnv(),
    ...(opts.input ? { input: opts.input } : {}),
    timeoutMs: 20_000,
  });
}

/** Like ctr() but fails the test, with stderr, unless ctr exits 0. */
export async function ctrOk(address: string, args: string[], opts: { ns?: string; input?: Buffer } = {}) {
  const r = await ctr(address, args, opts);
  if (r.code !== 0) throw new Error(`ctr ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}
