/**
 * berth-network's metadata (level, <root>/network/metadata). Key layout, v1:
 *
 *   v1/networks/<ns>/<id>            → NetworkRecord (user-defined networks)
 *   v1/names/<ns>/<name>             → id (unique name per namespace)
 *   v1/attachments/<ns>/<container>  → AttachmentRecord, with every CNI result cached
 *   v1/bridges-gone/<device>         → { ns, id }: a deleted network's bridge still to remove
 *
 * A network record and its name go in one batch; a delete writes the
 * bridges-gone marker in the same batch, so a crash between removing the
 * record and the device leaves work that reconcile finishes.
 */
import { commit, getOr, key, list, type BatchOp, type Db } from '@berth/store';
import type { AttachmentRecord, NetworkRecord } from './records.js';

export class NetworkStore {
  constructor(private readonly db: Db) {}

  getNetwork(ns: string, id: string): Promise<NetworkRecord | undefined> {
    return getOr<NetworkRecord>(this.db, key('v1', 'networks', ns, id));
  }

  idByName(ns: string, name: string): Promise<string | undefined> {
    return getOr<string>(this.db, key('v1', 'names', ns, name));
  }

  async listNetworks(ns: string): Promise<NetworkRecord[]> {
    return (await list<NetworkRecord>(this.db, key('v1', 'networks', ns))).map(([, v]) => v);
  }

  /** Every user-defined network of every namespace, with its namespace. */
  async allNetworks(): Promise<Array<{ ns: string; net: NetworkRecord }>> {
    return (await list<NetworkRecord>(this.db, key('v1', 'networks'))).map(([k, net]) => ({
      ns: k.split('/')[0]!,
      net,
    }));
  }

  async putNetwork(ns: string, net: NetworkRecord): Promise<void> {
    await commit(this.db, [
      { type: 'put', key: key('v1', 'networks', ns, net.id), value: net },
      { type: 'put', key: key('v1', 'names', ns, net.name), value: net.id },
    ]);
  }

  /** Removes the record and its name, and marks its bridge for removal, in one batch. */
  async deleteNetwork(ns: string, net: NetworkRecord): Promise<void> {
    await commit(this.db, [
      { type: 'del', key: key('v1', 'networks', ns, net.id) },
      { type: 'del', key: key('v1', 'names', ns, net.name) },
      { type: 'put', key: key('v1', 'bridges-gone', net.bridge), value: { ns, id: net.id } },
    ]);
  }

  async bridgesGone(): Promise<string[]> {
    return (await list<unknown>(this.db, key('v1', 'bridges-gone'))).map(([k]) => k);
  }

  async forgetBridge(device: string): Promise<void> {
    await commit(this.db, [{ type: 'del', key: key('v1', 'bridges-gone', device) }]);
  }

  getAttachment(ns: string, containerId: string): Promise<AttachmentRecord | undefined> {
    return getOr<AttachmentRecord>(this.db, key('v1', 'attachments', ns, containerId));
  }

  async listAttachments(ns: string): Promise<AttachmentRecord[]> {
    return (await list<AttachmentRecord>(this.db, key('v1', 'attachments', ns))).map(([, v]) => v);
  }

  async allAttachments(): Promise<AttachmentRecord[]> {
    return (await list<AttachmentRecord>(this.db, key('v1', 'attachments'))).map(([, v]) => v);
  }

  async putAttachment(a: AttachmentRecord): Promise<void> {
    await commit(this.db, [{ type: 'put', key: key('v1', 'attachments', a.ns, a.containerId), value: a }]);
  }

  async deleteAttachment(ns: string, containerId: string): Promise<void> {
    const ops: BatchOp[] = [{ type: 'del', key: key('v1', 'attachments', ns, containerId) }];
    await commit(this.db, ops);
  }
}
