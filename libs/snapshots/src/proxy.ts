/** The Snapshotter over gRPC (containerd.services.snapshots.v1), for clients and other services. */
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { dial, serverStream, unary, type CallOpts } from '@berth/grpc';
import type { Snapshotter } from './snapshotter.js';
import { infoFromProto, kindToProto, mountFromProto } from './convert.js';

/** containerd's default snapshotter name, which berth's overlay2 snapshotter answers to. */
export const DEFAULT_SNAPSHOTTER = 'overlayfs';

export function createSnapshotsProxy(
  address: string,
  snapshotter = DEFAULT_SNAPSHOTTER,
  service = 'berth',
): Snapshotter & { close(): void } {
  const c = dial(SnapshotsClient, address);
  const o = (ns: string): CallOpts => ({ ns, service });
  return {
    close: () => c.close(),
    async stat(ns, key) {
      return infoFromProto((await unary(c, c.stat, { snapshotter, key }, o(ns))).info);
    },
    async update(ns, info, paths) {
      const r = await unary(
        c,
        c.update,
        {
          snapshotter,
          info: {
            name: info.name,
            labels: info.labels,
            parent: '',
            kind: kindToProto('active'),
            createdAt: undefined,
            updatedAt: undefined,
          },
          updateMask: paths ?? [],
        },
        o(ns),
      );
      return infoFromProto(r.info);
    },
    async usage(ns, key) {
      const r = await unary(c, c.usage, { snapshotter, key }, o(ns));
      return { size: r.size, inodes: r.inodes };
    },
    async mounts(ns, key) {
      return (await unary(c, c.mounts, { snapshotter, key }, o(ns))).mounts.map(mountFromProto);
    },
    async prepare(ns, key, parent = '', labels = {}) {
      return (await unary(c, c.prepare, { snapshotter, key, parent, labels }, o(ns))).mounts.map(
        mountFromProto,
      );
    },
    async view(ns, key, parent = '', labels = {}) {
      return (await unary(c, c.view, { snapshotter, key, parent, labels }, o(ns))).mounts.map(mountFromProto);
    },
    async commit(ns, name, key, labels = {}) {
      await unary(c, c.commit, { snapshotter, name, key, labels }, o(ns));
    },
    async remove(ns, key) {
      await unary(c, c.remove, { snapshotter, key }, o(ns));
    },
    async *list(ns, filters = []) {
      for await (const r of serverStream(c, c.list, { snapshotter, filters }, o(ns)))
        yield* r.info.map(infoFromProto);
    },
    async cleanup() {
      await unary(c, c.cleanup, { snapshotter }, { service });
    },
  };
}
