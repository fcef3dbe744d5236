/**
 * Volume records in berth-runtime's store. Schema v1 (changing it needs a migration):
 *
 *   v1/volumes/<ns>/<name>        → VolumeRecord
 *   v1/volume-mounts/<ns>/<id>    → ContainerMounts: a container's resolved mounts, written once
 *                                   at its first task create (later starts reuse them, so its
 *                                   anonymous volumes stay the same); removed with the container.
 *
 * Which volumes are in use is read from the second kind (one prefix scan per namespace), plus
 * the labels of containers never started (their requests are not resolved yet).
 */
import { commit, getOr, key, list, type BatchOp, type Db } from '@berth/store';
import type { Propagation } from '@berth/oci-spec';

export interface VolumeRecord {
  name: string;
  driver: 'local';
  labels: Record<string, string>;
  /** local-driver options: type, device, o. Non-empty ⇒ `_data` is a mount made at first use. */
  options: Record<string, string>;
  createdAt: string;
  anonymous: boolean;
  /** It has been mounted into a container once: no more copying of image content into it. */
  populated?: boolean;
}

/** One mount of a container, resolved: what the spec gets and what inspect shows. */
export interface ResolvedMount {
  type: 'bind' | 'volume' | 'tmpfs';
  /** bind: the host path; volume: the volume name; tmpfs: ''. */
  source: string;
  destination: string;
  readOnly: boolean;
  /** bind: default rprivate. */
  propagation?: Propagation;
  /** bind from `-v`: create the host directory when missing (each start, as docker). */
  createHostPath?: boolean;
  /** volume: never copy the image's files in. */
  noCopy?: boolean;
  /** tmpfs: `size=…,mode=…`. */
  tmpfsOptions?: string;
  /** The mode as typed (`-v …:ro,z`), for inspect. */
  mode: string;
}

export interface ContainerMounts {
  mounts: ResolvedMount[];
  /** Anonymous volumes made for this container (removed by `rm -v` and `--rm`). */
  anonymous: string[];
  /** The container had `--rm` (io.berth.auto-remove): its anonymous volumes go with it. */
  autoRemove: boolean;
}

const volKey = (ns: string, name: string) => key('v1', 'volumes', ns, name);
const mountsKey = (ns: string, id: string) => key('v1', 'volume-mounts', ns, id);

export class VolumeStore {
  constructor(private readonly db: Db) {}

  get(ns: string, name: string): Promise<VolumeRecord | undefined> {
    return getOr<VolumeRecord>(this.db, volKey(ns, name));
  }

  async list(ns: string): Promise<VolumeRecord[]> {
    return (await list<VolumeRecord>(this.db, key('v1', 'volumes', ns))).map(([, v]) => v);
  }

  /** Every namespace's volumes, for start-up checks. */
  async all(): Promise<Array<{ ns: string; volume: VolumeRecord }>> {
    return (await list<VolumeRecord>(this.db, key('v1', 'volumes'))).map(([k, volume]) => ({
      ns: k.slice(0, k.indexOf('/')),
      volume,
    }));
  }

  putOp(ns: string, v: VolumeRecord): BatchOp {
    return { type: 'put', key: volKey(ns, v.name), value: v };
  }

  async put(ns: string, v: VolumeRecord): Promise<void> {
    await commit(this.db, [this.putOp(ns, v)]);
  }

  async remove(ns: string, name: string): Promise<void> {
    await commit(this.db, [{ type: 'del', key: volKey(ns, name) }]);
  }

  mountsOf(ns: string, id: string): Promise<ContainerMounts | undefined> {
    return getOr<ContainerMounts>(this.db, mountsKey(ns, id));
  }

  /** Every container's resolved mounts in a namespace, by container id. */
  async allMounts(ns: string): Promise<Map<string, ContainerMounts>> {
    return new Map(await list<ContainerMounts>(this.db, key('v1', 'volume-mounts', ns)));
  }

  putMountsOp(ns: string, id: string, m: ContainerMounts): BatchOp {
    return { type: 'put', key: mountsKey(ns, id), value: m };
  }

  async removeMounts(ns: string, id: string): Promise<void> {
    await commit(this.db, [{ type: 'del', key: mountsKey(ns, id) }]);
  }

  async commit(ops: BatchOp[]): Promise<void> {
    await commit(this.db, ops);
  }
}
