/**
 * berth-images: process wiring only. Serves containerd's images API (image
 * records) on <state>/images.sock. Pull/push, import/export and unpack build
 * on this service in the images issue.
 */
import { openServiceState, runService, namespaceUsage } from '@berth/daemon';
import { ImagesService } from '@berth/proto/images/v1';
import { TransferService } from '@berth/proto/berth/images/v1';
import { DiffClient } from '@berth/proto/diff/v1';
import { createContentProxy } from '@berth/content';
import { createSnapshotsProxy } from '@berth/snapshots';
import { dial } from '@berth/grpc';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { LeasesClient } from '@berth/proto/leases/v1';
import { NamespacesClient } from '@berth/proto/namespaces/v1';
import { defaults, parseConfig, paths } from './config.js';
import { ImageStore } from './store.js';
import { TransferServer } from './transfer.js';
import { SNAPSHOTTER } from './unpack.js';
import { Collector } from './gc/collector.js';
import { CollectingImagesServer } from './gc/server.js';

await runService({
  name: 'berth-images',
  section: 'images',
  defaults,
  parseConfig,
  async start(config, log) {
    const p = paths(config);
    const { db, bus, close } = await openServiceState('images', config, log);
    const store = new ImageStore(db);
    const content = createContentProxy(p.content, 'berth-content');
    const snapshots = createSnapshotsProxy(p.snapshotter, SNAPSHOTTER, 'berth-snapshotter');
    const diff = dial(DiffClient, p.snapshotter);
    const leases = dial(LeasesClient, config.gateway);
    const namespaces = dial(NamespacesClient, config.gateway);
    const gc = new Collector({
      content,
      snapshots,
      images: store,
      leases,
      namespaces,
      snapshotter: SNAPSHOTTER,
      log,
    });
    gc.start(config.gcIntervalMs);
    const transfer = new TransferServer(
      {
        content,
        snapshots,
        diff,
        images: store,
        bus,
        authFile: config.authFile,
        registries: {
          insecure: config.insecureRegistries,
          mirrors: config.registryMirrors,
          certsDir: config.certsDir,
        },
      },
      gc,
    );
    return {
      socket: p.socket,
      services: [
        { def: ImagesService, impl: new CollectingImagesServer(store, bus, gc) },
        {
          def: NamespaceUsageService,
          impl: namespaceUsage(async (ns) => ({ image: (await store.list(ns)).length })),
        },
        { def: TransferService, impl: transfer },
      ],
      async close() {
        await gc.close();
        leases.close();
        namespaces.close();
        content.close();
        snapshots.close();
        diff.close();
        await close();
      },
    };
  },
});
