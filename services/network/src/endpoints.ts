/**
 * One endpoint's CNI ADD and DEL, with the progress cached in the
 * attachment record before each step goes on: a plugin's start is recorded
 * before it runs and its result after, so DEL after a crash at any point
 * runs exactly the plugins that may have done something, with the result
 * they produced.
 */
import type { CniRuntime } from '@berth/cni';
import type { Logger } from '@berth/log';
import { endpointFromResult } from './cni-config.js';
import type { HostNet } from './host/index.js';
import type { AttachmentRecord, EndpointRecord } from './records.js';
import type { NetworkStore } from './store.js';

export class EndpointRunner {
  constructor(
    private readonly cni: CniRuntime,
    private readonly store: NetworkStore,
    private readonly host: HostNet,
    private readonly log: Logger,
  ) {}

  /** Runs ADD for `ep` (an endpoint of `a`), persisting `a` after every plugin. */
  async add(a: AttachmentRecord, ep: EndpointRecord, signal?: AbortSignal): Promise<void> {
    await this.cni.addNetworkList(ep.conflist, ep.rt, {
      ...(signal ? { signal } : {}),
      beforePlugin: async (i) => {
        ep.started = i;
        await this.store.putAttachment(a);
      },
      afterPlugin: async (_i, result) => {
        ep.result = result;
        await this.store.putAttachment(a);
      },
    });
    Object.assign(ep, endpointFromResult(ep.result!, ep.rt.ifName));
    await this.store.putAttachment(a);
  }

  /**
   * Runs DEL for what ADD started. `netnsAlive` false (the namespace is gone) runs it without
   * a namespace, as the spec allows, and then sweeps the rules the bridge plugin can only
   * remove while the container's interface exists. Never throws: a failed DEL is logged and
   * its rules swept.
   */
  async del(ep: EndpointRecord, netnsAlive: boolean): Promise<void> {
    if (ep.started < 0) return;
    const rt = { ...ep.rt, netns: netnsAlive ? ep.rt.netns : '' };
    let clean = netnsAlive;
    try {
      await this.cni.delNetworkList(ep.conflist, rt, { prevResult: ep.result, upTo: ep.started });
    } catch (err) {
      clean = false;
      this.log.warn(
        { err, network: ep.network, containerId: ep.rt.containerId },
        'cni DEL failed; sweeping rules',
      );
    }
    if (!clean) {
      const ips = [ep.ip ?? '', ...(ep.result?.ips ?? []).map((x) => x.address.split('/')[0] ?? '')];
      try {
        const n = await this.host.sweepCniRules(ep.rt.containerId, [...new Set(ips.filter(Boolean))]);
        if (n) this.log.info({ rules: n, containerId: ep.rt.containerId }, 'removed leftover cni rules');
      } catch (err) {
        this.log.warn({ err, containerId: ep.rt.containerId }, 'failed to sweep cni rules');
      }
    }
  }
}
