/**
 * berth-runtime: process wiring only. Serves containerd's containers and
 * tasks APIs and berth.runtime.v1 on <state>/runtime.sock; each task runs
 * under its own berth-monitor, which outlives this process.
 */
import { openServiceState, runService, namespaceUsage } from '@berth/daemon';
import { ContainersService } from '@berth/proto/containers/v1';
import { TasksService } from '@berth/proto/tasks/v1';
import { RuntimeService } from '@berth/proto/berth/runtime/v1';
import { NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { VolumesService } from '@berth/proto/berth/volumes/v1';
import { createSnapshotsProxy } from '@berth/snapshots';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { defaults, parseConfig, paths } from './config.js';
import { ContainerStore } from './containers.js';
import { ContainersServer } from './server.js';
import { TaskStore } from './task-store.js';
import { TaskManager } from './tasks.js';
import { taskEvents } from './task-events.js';
import { TasksServer } from './tasks-server.js';
import { RuntimeServer } from './runtime-server.js';
import { cgroupV1Metrics } from './cgroup-metrics.js';
import { removeLogs } from './bundle.js';
import { autoRemover } from './auto-remove.js';
import { volumesFor } from './volumes/index.js';
import { Restarter } from './restart.js';
import { HealthMonitor } from './health.js';

await runService({
  name: 'berth-runtime',
  section: 'runtime',
  defaults,
  parseConfig,
  async start(config, log) {
    const { db, bus, close } = await openServiceState('runtime', config, log);
    const p = paths(config);
    const layout = { tasks: p.tasks, sockets: p.sockets, logs: p.logs, runtimeRoot: p.runcRoot };
    const store = new ContainerStore(db);
    // One client per snapshotter name a container asks for (berth serves overlayfs and aliases).
    const snapshotters = new Map<string, ReturnType<typeof createSnapshotsProxy>>();
    const snapshotter = (name: string) => {
      let s = snapshotters.get(name);
      if (!s)
        snapshotters.set(
          name,
          (s = createSnapshotsProxy(p.snapshotter, name || undefined, 'berth-snapshotter')),
        );
      return s;
    };
    // The task manager, the containers API and auto-remove refer to each other: the closures
    // below are only called once all three exist (recover() runs after this block).
    const events = taskEvents(bus);
    const volumes = volumesFor(config.root, db, bus, log, {
      containers: store,
      liveTasks: async (ns) =>
        new Set(
          [...(await tasks.records(ns)).values()]
            .filter((t) => !t.deleted && t.init.status !== 'stopped')
            .map((t) => t.id),
        ),
    });
    const tasks: TaskManager = new TaskManager({
      store: new TaskStore(db),
      containers: store,
      snapshotMounts: (ns, name, key) => snapshotter(name).mounts(ns, key),
      events: {
        ...events,
        start: (ns, id, pid) => {
          events.start(ns, id, pid);
          health.started(ns, id);
        },
      },
      log,
      layout,
      monitor: config.monitor,
      runtimes: { runc: config.runtime, crun: config.crun },
      logMaxSize: config.logMaxSize,
      logMaxFiles: config.logMaxFiles,
      prepareSpec: (ns, c, spec, rootfs) => volumes.manager.prepare(ns, c, spec, rootfs),
      onInitExit: (ns, id, e) => {
        void volumes.manager.release(ns, id);
        health.stopped(ns, id);
        autoRemove(ns, id);
        restarts.exited(ns, id, e);
      },
    });
    const restarts = new Restarter({ tasks, containers: store, log });
    const health = new HealthMonitor({ tasks, containers: store, bus, log });
    const autoRemove = autoRemover({
      containers: store,
      deleteTask: (ns, id) => tasks.delete(ns, id),
      deleteContainer: (ns, id) => containers.remove(ns, id),
      removeSnapshot: (ns, name, key) => snapshotter(name).remove(ns, key),
      log,
    });
    const metricsOf = async (ns: string, id: string) => {
      const spec = JSON.parse(await readFile(join(p.tasks, ns, id, 'config.json'), 'utf8')) as {
        linux?: { cgroupsPath?: string };
      };
      return cgroupV1Metrics(spec.linux?.cgroupsPath ?? `/${ns}/${id}`);
    };
    const containers = new ContainersServer(store, bus, {
      beforeDelete: (ns, id) => tasks.forget(ns, id),
      afterDelete: async (ns, id) => {
        await removeLogs(layout, ns, id);
        await volumes.manager.forget(ns, id);
      },
    });
    await tasks.recover();
    await restarts.recover();
    await health.recover();
    return {
      socket: p.socket,
      services: [
        { def: ContainersService, impl: containers },
        { def: TasksService, impl: new TasksServer(tasks, metricsOf) },
        { def: VolumesService, impl: volumes.server },
        {
          def: RuntimeService,
          impl: new RuntimeServer(
            store,
            tasks,
            layout,
            config.logMaxFiles,
            (ns, id) => restarts.restarting(ns, id),
            (ns, id) => volumes.manager.inspectMounts(ns, id),
          ),
        },
        {
          def: NamespaceUsageService,
          impl: namespaceUsage(async (ns) => ({
            container: (await store.list(ns)).length,
            volume: await volumes.manager.count(ns),
          })),
        },
      ],
      async close() {
        restarts.close();
        health.close();
        tasks.close();
        for (const s of snapshotters.values()) s.close();
        await close();
      },
    };
  },
});
