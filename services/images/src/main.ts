/**
 * berth-images: process wiring only. Serves containerd's images API (image
 * records) on <state>/images.sock. Pull/push, import/export and unpack build
 * on this service in the images issue.
 */
import { mkdir } from 'node:fs/promises';
import { runService } from '@berth/daemon';
import { openDb } from '@berth/store';
import { createPublisher } from '@berth/events';
import { ImagesService } from '@berth/proto/images/v1';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { defaults, parseConfig, paths } from './config.js';
import { ImageStore } from './store.js';
import { ImagesServer } from './server.js';
import { ImageUsageServer } from './usage.js';

await runService({
  name: 'berth-images',
  section: 'images',
  defaults,
  parseConfig,
  async start(config, log) {
    const p = paths(config);
    await mkdir(p.dir, { recursive: true });
    const db = await openDb(p.db);
    const bus = createPublisher({ servers: config.nats, log, capacity: config.outboxCapacity, name: 'berth-images' });
    const store = new ImageStore(db);
    return {
      socket: p.socket,
      services: [
        { def: ImagesService, impl: new ImagesServer(store, bus) },
        { def: NamespaceUsageService, impl: new ImageUsageServer(store) },
      ],
      async close() {
        await bus.close();
        await db.close();
      },
    };
  },
});
