/**
 * berth-network: process wiring only. Serves berth.network.v1 on
 * <state>/network.sock: networks, container attachments through the CNI
 * plugins, published ports, and DNS for user-defined networks.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CniRuntime } from '@berth/cni';
import { namespaceUsage, openServiceState, runService } from '@berth/daemon';
import { NetworksService } from '@berth/proto/berth/network/v1';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { KeyedMutex } from '@berth/store';
import { Attachments } from './attachments.js';
import { defaults, parseConfig, paths } from './config.js';
import { runtimeContainers, watchContainerDeletes } from './containers.js';
import { NetworkDns, hostResolvers } from './dns-port.js';
import { EndpointRunner } from './endpoints.js';
import { networkEvents } from './events.js';
import { NetnsDir, realHost, toolEnv } from './host/index.js';
import { Networks } from './networks.js';
import { PortTable } from './ports.js';
import { reconcile, sweepAttachments, type ReconcileDeps } from './reconcile.js';
import { NetworksServer } from './server.js';
import { NetworkStore } from './store.js';

const readText = (path: string) => readFile(path, 'utf8').catch(() => '');

await runService({
  name: 'berth-network',
  section: 'network',
  defaults,
  parseConfig,
  async start(config, log) {
    const { db, bus, close } = await openServiceState('network', config, log);
    const p = paths(config);
    const store = new NetworkStore(db);
    const lock = new KeyedMutex();
    const events = networkEvents(bus);
    const upstreams = config.dnsUpstreams.length
      ? config.dnsUpstreams
      : hostResolvers(await readText(config.resolvConf)).nameservers;
    const dns = new NetworkDns({ upstreams, log: log.child({ component: 'dns' }) });
    const networks = new Networks(
      {
        defaultBridge: config.defaultBridge,
        defaultSubnet: config.defaultSubnet,
        subnetPool: config.subnetPool,
        subnetSize: config.subnetSize,
        ipamDir: p.ipam,
      },
      { store, host: realHost, dns, events, lock, log },
    );
    const netns = new NetnsDir(p.netns);
    const ports = new PortTable({ start: config.portRangeStart, end: config.portRangeEnd });
    const runner = new EndpointRunner(
      new CniRuntime({ pluginDirs: config.cniPath, env: toolEnv() }),
      store,
      realHost,
      log,
    );
    const attachments = new Attachments({
      store,
      networks,
      runner,
      host: realHost,
      netns,
      ports,
      dns,
      events,
      lock,
      log,
      ipamDir: p.ipam,
      containersDir: p.containers,
      hostFiles: async () => ({
        resolvConf: await readText(config.resolvConf),
        hosts: await readText('/etc/hosts'),
        hostname: hostname(),
      }),
    });
    const runtime = runtimeContainers(config.runtimeSocket);
    const deps: ReconcileDeps = {
      store,
      networks,
      attachments,
      netns,
      ports,
      containerExists: runtime.exists,
      orphanGraceMs: config.orphanGraceMs,
      log,
    };
    await reconcile(deps);
    const watcher = watchContainerDeletes(config.nats, log, (ns, id) => attachments.detach(ns, id));
    const sweep = config.sweepIntervalMs
      ? setInterval(() => {
          sweepAttachments(deps, config.orphanGraceMs, false).catch((err: unknown) =>
            log.warn({ err }, 'attachment sweep failed'),
          );
        }, config.sweepIntervalMs).unref()
      : undefined;
    return {
      socket: p.socket,
      services: [
        { def: NetworksService, impl: new NetworksServer(networks, attachments) },
        {
          def: NamespaceUsageService,
          impl: namespaceUsage(async (ns) => ({
            network: (await store.listNetworks(ns)).length,
            'network attachment': (await store.listAttachments(ns)).length,
          })),
        },
      ],
      async close() {
        clearInterval(sweep);
        await watcher.close();
        runtime.close();
        await ports.close();
        await dns.close();
        await netns.release().catch((err: unknown) => log.warn({ err }, 'failed to unmount the netns dir'));
        await close();
      },
    };
  },
});
