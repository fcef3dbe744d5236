/**
 * berth-snapshotter: process wiring only. Serves containerd's snapshots API
 * (overlay2 on disk) and diff API (layer apply/diff, reading and writing blobs
 * through berth-content) on <state>/snapshotter.sock.
 */
import { openServiceState, runService, namespaceUsage } from '@berth/daemon';
import { packAny } from '@berth/events';
import { SnapshotsService } from '@berth/proto/snapshots/v1';
import { DiffService } from '@berth/proto/diff/v1';
import { createContentProxy } from '@berth/content';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { SnapshotCommit, SnapshotPrepare, SnapshotRemove } from '@berth/proto/events';
import { defaults, parseConfig, paths } from './config.js';
import { MetaStore } from './metastore.js';
import { OverlaySnapshotter } from './overlay/snapshotter.js';
import { SnapshotsServer } from './server.js';
import { LeasesClient } from '@berth/proto/leases/v1';
import { dial, unary } from '@berth/grpc';
import { DiffServer } from './diff.js';

await runService({
  name: 'berth-snapshotter',
  section: 'snapshotter',
  defaults,
  parseConfig,
  async start(config, log) {
    const p = paths(config);
    const { dir, db, bus, close } = await openServiceState('snapshotter', config, log);
    const snapshotter = new OverlaySnapshotter(
      dir,
      await MetaStore.open(db),
      {
        prepared: (ns, key, parent) =>
          bus.publish(
            ns,
            '/snapshot/prepare',
            packAny('containerd.events.SnapshotPrepare', SnapshotPrepare, { key, parent }),
          ),
        committed: (ns, key, name) =>
          bus.publish(
            ns,
            '/snapshot/commit',
            packAny('containerd.events.SnapshotCommit', SnapshotCommit, { key, name }),
          ),
        removed: (ns, key) =>
          bus.publish(
            ns,
            '/snapshot/remove',
            packAny('containerd.events.SnapshotRemove', SnapshotRemove, { key }),
          ),
      },
      log,
    );
    await snapshotter.init();
    await snapshotter.cleanup();
    const content = createContentProxy(p.content, 'berth-content');
    const leases = dial(LeasesClient, p.gateway);
    const leased = async (ns: string, lease: string, key: string) => {
      const resource = { id: key, type: 'snapshots/overlayfs' };
      await unary(
        leases,
        leases.addResource,
        { id: lease, resource },
        { ns, service: 'berth-gateway (leases)', timeoutMs: 5_000 },
      );
    };
    return {
      socket: p.socket,
      services: [
        { def: SnapshotsService, impl: new SnapshotsServer(snapshotter, leased) },
        {
          def: NamespaceUsageService,
          impl: namespaceUsage(async (ns) => ({ snapshot: await snapshotter.count(ns) })),
        },
        { def: DiffService, impl: new DiffServer(content, dir) },
      ],
      async close() {
        content.close();
        leases.close();
        await close();
      },
    };
  },
});
