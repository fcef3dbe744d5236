/**
 * Shared helpers for the berth-network system tests (20, 21): the skip reason,
 * a shell runner, host clean-up of bridges and iptables rules, and a full
 * AttachRequest from the fields a test cares about.
 */
import { dropIdleSharedChains } from '@berth/testkit';
import { existsSync } from 'node:fs';
import type { AttachRequest } from '@berth/proto/berth/network/v1';
import { runProcess, serviceEntry } from '@berth/testkit';
import { missingPrerequisite } from './helpers.js';

/**
 * Why a berth-network system test cannot run here, or undefined when it can:
 * root, the CNI plugins, `missingTools()` (the file's own binaries), a built
 * berth-network and the common prerequisites, checked in that order.
 */
export const networkSkipReason = (missingTools: () => string | undefined): string | undefined =>
  process.getuid?.() !== 0
    ? 'needs root'
    : !existsSync('/usr/lib/cni/bridge')
      ? 'containernetworking-plugins is not installed'
      : (missingTools() ??
        (!existsSync(serviceEntry('network')) ? 'berth-network is not built' : missingPrerequisite()));

/** Runs a command; resolves with its exit code and output. */
export const sh = (cmd: string, args: string[], timeoutMs = 15_000) => runProcess(cmd, args, { timeoutMs });

/** Deletes every iptables rule that mentions one of `marks` (and the per-container chains they use), then the bridges. */
export async function cleanHost(bridges: string[], marks: string[]): Promise<void> {
  for (const table of ['nat', 'filter']) {
    const lines = (await sh('iptables', ['-t', table, '-S'])).stdout.split('\n');
    const chains = new Set<string>();
    for (const l of lines.filter((x) => x.startsWith('-A ') && marks.some((m) => x.includes(m)))) {
      const target = /-j (CNI-(?:DN-)?[0-9a-f]{16,})/.exec(l)?.[1];
      if (target) chains.add(target);
      await sh('sh', ['-c', `iptables -t ${table} ${l.replace(/^-A/, '-D')}`]);
    }
    for (const ch of chains) {
      await sh('iptables', ['-t', table, '-F', ch]);
      await sh('iptables', ['-t', table, '-X', ch]);
    }
  }
  for (const b of bridges) await sh('ip', ['link', 'del', b]);
  await dropIdleSharedChains();
}

/** A full AttachRequest: `req` over empty defaults. */
export const attachRequest = (req: Partial<AttachRequest> & { containerId: string }): AttachRequest => ({
  name: '',
  mode: '',
  endpoints: [],
  ports: [],
  hostname: '',
  domainname: '',
  dns: [],
  dnsSearch: [],
  dnsOptions: [],
  extraHosts: [],
  links: [],
  ...req,
});
