/**
 * docker's `--rm` when no client is there to do it (`run -d --rm`, or a client
 * that died): when the init process of a container labelled
 * io.berth.auto-remove=true exits, its task, record, logs and snapshot go.
 * An attached client may race us to it; whoever comes second sees NotFound.
 */
import { isNotFound } from '@berth/errdefs';
import type { Logger } from '@berth/log';
import type { ContainerStore } from './containers.js';

export const AUTO_REMOVE_LABEL = 'io.berth.auto-remove';

export interface Removal {
  containers: ContainerStore;
  deleteTask(ns: string, id: string): Promise<unknown>;
  /** Containers.Delete as the API does it (task, logs, events). */
  deleteContainer(ns: string, id: string): Promise<void>;
  removeSnapshot(ns: string, snapshotter: string, key: string): Promise<void>;
  log: Logger;
}

export function autoRemover(r: Removal): (ns: string, id: string) => void {
  return (ns, id) => {
    void (async () => {
      const c = await r.containers.get(ns, id);
      if (c.labels[AUTO_REMOVE_LABEL] !== 'true') return;
      await r.deleteTask(ns, id).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      await r.deleteContainer(ns, id);
      if (c.snapshotKey) await r.removeSnapshot(ns, c.snapshotter, c.snapshotKey);
    })().catch((err: unknown) => {
      if (!isNotFound(err)) r.log.error({ err, ns, id }, 'auto-remove failed');
    });
  };
}
