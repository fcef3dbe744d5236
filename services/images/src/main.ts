/**
 * berth-images: process wiring only. Serves containerd's images API (image
 * records) on <state>/images.sock. Pull/push, import/export and unpack build
 * on this service in the images issue.
 */
import { openServiceState, runService } from '@berth/daemon';
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
    const { db, bus, close } = await openServiceState('images', config, log);
    const store = new ImageStore(db);
    return {
      socket: p.socket,
      services: [
        { def: ImagesService, impl: new ImagesServer(store, bus) },
        { def: NamespaceUsageService, impl: new ImageUsageServer(store) },
      ],
      close,
    };
  },
});
