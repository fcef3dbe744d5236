/**
 * berth-runtime: process wiring only. Serves containerd's containers API on
 * <state>/runtime.sock; tasks (the monitor per container driving runc) build
 * on this process in the runtime issue.
 */
import { openServiceState, runService, namespaceUsage } from '@berth/daemon';
import { ContainersService } from '@berth/proto/containers/v1';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { defaults, parseConfig, paths } from './config.js';
import { ContainerStore } from './containers.js';
import { ContainersServer } from './server.js';

await runService({
  name: 'berth-runtime',
  section: 'runtime',
  defaults,
  parseConfig,
  async start(config, log) {
    const { db, bus, close } = await openServiceState('runtime', config, log);
    const store = new ContainerStore(db);
    return {
      socket: paths(config).socket,
      services: [
        { def: ContainersService, impl: new ContainersServer(store, bus) },
        {
          def: NamespaceUsageService,
          impl: namespaceUsage(async (ns) => ({ container: (await store.list(ns)).length })),
        },
      ],
      close,
    };
  },
});
