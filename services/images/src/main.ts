/**
 * berth-images: process wiring only. Serves containerd's images API (image
 * records) on <state>/images.sock. Pull/push, import/export and unpack build
 * on this service in the images issue.
 */
import { openServiceState, runService } from '@berth/daemon';
import { ImagesService } from '@berth/proto/images/v1';
import { TransferService } from '@berth/proto/berth/images/v1';
import { DiffClient } from '@berth/proto/diff/v1';
import { createContentProxy } from '@berth/content';
import { createSnapshotsProxy } from '@berth/snapshots';
import { dial } from '@berth/grpc';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { defaults, parseConfig, paths } from './config.js';
import { ImageStore } from './store.js';
import { ImagesServer } from './server.js';
import { ImageUsageServer } from './usage.js';
import { TransferServer } from './transfer.js';

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
    const snapshots = createSnapshotsProxy(p.snapshotter, 'overlayfs', 'berth-snapshotter');
    const diff = dial(DiffClient, p.snapshotter);
    const transfer = new TransferServer({
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
    });
    return {
      socket: p.socket,
      services: [
        { def: ImagesService, impl: new ImagesServer(store, bus) },
        { def: NamespaceUsageService, impl: new ImageUsageServer(store) },
        { def: TransferService, impl: transfer },
      ],
      async close() {
        content.close();
        snapshots.close();
        diff.close();
        await close();
      },
    };
  },
});
