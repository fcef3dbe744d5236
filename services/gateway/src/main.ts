/**
 * berth-gateway: the single API socket. Serves namespaces, leases, events,
 * introspection and version itself, and routes every other containerd/berth
 * service to the backend process that owns it (routes.ts).
 */
import { randomUUID } from 'node:crypto';
import { Server, type Metadata } from '@grpc/grpc-js';
import { openServiceState, runService } from '@berth/daemon';
import { getOr, commit, type Db } from '@berth/store';
import { connectBus } from '@berth/events';
import { namespaceOf, serverOptions } from '@berth/grpc';
import { NamespacesService } from '@berth/proto/namespaces/v1';
import { LeasesService } from '@berth/proto/leases/v1';
import { EventsService } from '@berth/proto/events/v1';
import { AuditService } from '@berth/proto/berth/events/v1';
import { IntrospectionService } from '@berth/proto/introspection/v1';
import { VersionService } from '@berth/proto/version/v1';
import { defaults, parseConfig } from './config.js';
import { resolveBackends } from './routes.js';
import { routeBackend } from './proxy.js';
import { NamespaceStore, NamespacesServer } from './namespaces.js';
import { LeasesServer } from './leases.js';
import { AuditServer, EventsServer } from './events.js';
import { IntrospectionServer, VersionServer } from './introspection.js';
import { usageProbe } from './usage.js';

export const VERSION = '0.1.0';

// Calls that only read never create a namespace implicitly (a typo in -n must not leave one behind).
const READ_ONLY =
  /\/(Get|List|ListStream|Info|Read|Status|ListStatuses|Stat|Mounts|Usage|Wait|Subscribe|Metrics|ListPids|Resolve|Inspect|Logs|Top|Endpoints)$/;

async function serverUuid(db: Db): Promise<string> {
  const k = 'v1/server/uuid';
  const have = await getOr<string>(db, k);
  if (have) return have;
  const uuid = randomUUID();
  await commit(db, [{ type: 'put', key: k, value: uuid }]);
  return uuid;
}

await runService({
  name: 'berth-gateway',
  section: 'gateway',
  defaults,
  parseConfig,
  async start(config, log) {
    const { db, bus: publisher, close } = await openServiceState('gateway', config, log);
    const bus = await connectBus(config.nats, 'berth-gateway-subscriber');
    const backends = resolveBackends(config.state);
    const namespaces = new NamespaceStore(db, publisher);
    const probe = usageProbe(backends);

    const server = new Server(serverOptions);
    const ensureNs = async (path: string, md: Metadata) => {
      if (!READ_ONLY.test(path)) await namespaces.ensure(namespaceOf(md));
    };
    const clients = backends.map((b) => routeBackend(server, b, log, ensureNs));

    return {
      socket: config.socket,
      mode: parseInt(config.socketMode, 8),
      server,
      services: [
        { def: NamespacesService, impl: new NamespacesServer(namespaces, probe) },
        { def: LeasesService, impl: new LeasesServer(db) },
        { def: EventsService, impl: new EventsServer(publisher, bus) },
        { def: AuditService, impl: new AuditServer(bus) },
        { def: IntrospectionService, impl: new IntrospectionServer(backends, await serverUuid(db)) },
        {
          def: VersionService,
          impl: new VersionServer({ version: VERSION, revision: process.env['BERTH_REVISION'] ?? 'dev' }),
        },
      ],
      async close() {
        clients.forEach((c) => c.close());
        probe.close();
        await bus.close();
        await close();
      },
    };
  },
});
