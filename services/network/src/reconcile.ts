/**
 * Start-up repair: after a crash (or a reboot) the store, the namespace
 * files, the bridges and the iptables rules may disagree. reconcile():
 *
 * 1. makes the namespace dir a shared mount, the default bridge and every
 *    network's bridge exist, and finishes interrupted network deletes;
 * 2. tears down (CNI DEL with the cached results) every attachment that was
 *    half made or half removed, whose namespace file is gone, whose shared
 *    namespace's owner is gone, or whose container no longer exists;
 * 3. takes back the published ports of the attachments that stay;
 * 4. removes namespace files no attachment refers to;
 * 5. rebuilds the isolation rules, and serves DNS with fresh records.
 */
import type { Logger } from '@berth/log';
import type { Attachments } from './attachments.js';
import type { NetnsDir } from './host/index.js';
import type { Networks } from './networks.js';
import type { PortTable } from './ports.js';
import type { AttachmentRecord } from './records.js';
import type { NetworkStore } from './store.js';

/** Whether a container exists: undefined when that cannot be told (runtime not deployed or down). */
export type ContainerExists = (ns: string, id: string) => Promise<boolean | undefined>;

export interface ReconcileDeps {
  store: NetworkStore;
  networks: Networks;
  attachments: Attachments;
  netns: NetnsDir;
  ports: PortTable;
  containerExists: ContainerExists;
  /** Attachments younger than this are not reaped for a missing container. */
  orphanGraceMs: number;
  log: Logger;
}

/** Why an attachment must go, or undefined when it stays. */
async function staleReason(
  a: AttachmentRecord,
  d: ReconcileDeps,
  byKey: Map<string, AttachmentRecord>,
): Promise<string | undefined> {
  if (a.state !== 'ready') return `interrupted while ${a.state}`;
  if (a.ownNetns && !(await d.netns.isNetns(a.netns))) return 'network namespace is gone';
  if (a.mode.startsWith('container:')) {
    const owner = byKey.get(`${a.ns}/${a.mode.slice('container:'.length)}`);
    if (!owner || owner.netns !== a.netns) return 'the container whose namespace it shares is gone';
  }
  return undefined;
}

/** Runs the repair; each step logs and carries on when one item fails. */
export async function reconcile(d: ReconcileDeps): Promise<void> {
  await d.netns.init();
  await d.networks.ensureDefault();
  for (const { net } of await d.store.allNetworks())
    await d.networks
      .ensureDevice(net)
      .catch((err: unknown) =>
        d.log.error({ err, network: net.name, bridge: net.bridge }, 'failed to restore bridge'),
      );
  await d.networks.finishGone();

  const kept = await sweepAttachments(d, d.orphanGraceMs, true);

  const referenced = new Set(kept.filter((a) => a.ownNetns).map((a) => a.netns));
  for (const path of await d.netns.list()) {
    if (referenced.has(path)) continue;
    d.log.info({ netns: path }, 'removing orphaned network namespace');
    await d.netns
      .remove(path)
      .catch((err: unknown) => d.log.warn({ err, netns: path }, 'failed to remove netns'));
  }

  await d.networks.syncIsolation();
  for (const { ns, net } of await d.store.allNetworks()) {
    await d.networks.serveDns(net);
    await d.attachments.refreshDns(ns, [net.id]);
  }
}

/**
 * Tears down attachments that are stale or whose container is gone (older than `graceMs`).
 * At `startup` it also takes half-made ones (nothing else runs yet) and takes back the ports
 * of those that stay; later (the periodic sweep) it leaves in-flight ones alone.
 * Returns the attachments that stay.
 */
export async function sweepAttachments(
  d: ReconcileDeps,
  graceMs: number,
  startup: boolean,
): Promise<AttachmentRecord[]> {
  const all = await d.store.allAttachments();
  const byKey = new Map(all.map((a) => [`${a.ns}/${a.containerId}`, a]));
  const kept: AttachmentRecord[] = [];
  for (const a of all) {
    if (!startup && a.state !== 'ready') {
      kept.push(a);
      continue;
    }
    let reason = await staleReason(a, d, byKey);
    if (!reason && Date.now() - Date.parse(a.createdAt) > graceMs) {
      const exists = await d.containerExists(a.ns, a.containerId).catch(() => undefined);
      if (exists === false) reason = 'the container no longer exists';
    }
    if (!reason) {
      kept.push(a);
      if (startup && a.ports.length) {
        const { lost } = await d.ports.adopt(`${a.ns}/${a.containerId}`, a.ports);
        for (const p of lost)
          d.log.warn(
            { containerId: a.containerId, port: p },
            'a published port was taken while berth-network was down',
          );
      }
      continue;
    }
    d.log.info({ ns: a.ns, containerId: a.containerId, reason }, 'removing stale network attachment');
    try {
      if (a.state === 'ready') await d.attachments.detach(a.ns, a.containerId);
      else await d.attachments.teardown(a);
    } catch (err) {
      d.log.error({ err, ns: a.ns, containerId: a.containerId }, 'failed to remove stale attachment');
    }
  }
  return kept;
}
