/**
 * berth-content: process wiring only. Opens the metadata store and blob dirs,
 * reconciles them after a possible crash, connects events and the gateway's
 * leases, and serves containerd's content API on <state>/content.sock.
 */
import { openServiceState, runService, namespaceUsage } from '@berth/daemon';
import { packAny } from '@berth/events';
import { ContentService } from '@berth/proto/content/v1';
import { LocalContentService } from '@berth/proto/berth/content/v1';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { ContentDelete } from '@berth/proto/events';
import { LeasesClient } from '@berth/proto/leases/v1';
import { dial, unary } from '@berth/grpc';
import { defaults, parseConfig, paths } from './config.js';
import { FsBlobStore } from './blob-store.js';
import { ContentMetadata } from './metadata.js';
import { LocalContentStore } from './service.js';
import { ContentServer } from './server.js';
import { LocalContentServer } from './local.js';
import { countContent } from './usage.js';

await runService({
  name: 'berth-content',
  section: 'content',
  defaults,
  parseConfig,
  async start(config, log) {
    const p = paths(config);
    const { dir, db, bus, close } = await openServiceState('content', config, log);
    const blobs = new FsBlobStore(dir);
    await blobs.init();
    const leases = dial(LeasesClient, config.gateway);
    const store = new LocalContentStore(
      blobs,
      new ContentMetadata(db),
      {
        deleted: (ns, digest) =>
          bus.publish(
            ns,
            '/content/delete',
            packAny('containerd.events.ContentDelete', ContentDelete, { digest }),
          ),
        leased: async (ns, lease, resource) => {
          await unary(
            leases,
            leases.addResource,
            { id: lease, resource },
            { ns, service: 'berth-gateway (leases)', timeoutMs: 5_000 },
          );
        },
      },
      log,
    );
    const fixed = await store.reconcile();
    if (fixed.orphanBlobs || fixed.brokenIngests || fixed.missingBlobs)
      log.warn(fixed, 'reconciled content after restart');
    return {
      socket: p.socket,
      services: [
        { def: ContentService, impl: new ContentServer(store) },
        {
          def: NamespaceUsageService,
          impl: namespaceUsage(countContent(store)),
        },
        { def: LocalContentService, impl: new LocalContentServer(store, blobs) },
      ],
      async close() {
        leases.close();
        await close();
      },
    };
  },
});
