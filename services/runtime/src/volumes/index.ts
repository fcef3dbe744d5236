/**
 * Volumes in berth-runtime: berth.volumes.v1 and the resolution of containers' volume
 * requests at task create. main.ts wires them with `volumesFor`.
 */
import { join } from 'node:path';
import type { Db } from '@berth/store';
import type { EventPublisher } from '@berth/events';
import type { Logger } from '@berth/log';
import { LocalDriver } from './local.js';
import { VolumeManager, type VolumeDeps } from './manager.js';
import { volumeEvents } from './events.js';
import { VolumesServer } from './server.js';
import { VolumeStore } from './store.js';

export { VolumeManager, ANONYMOUS_LABEL } from './manager.js';
export { VolumesServer } from './server.js';

/** Volume data lives under `<root>/runtime/volumes/<ns>/<name>/_data`. */
export function volumesFor(
  root: string,
  db: Db,
  bus: EventPublisher,
  log: Logger,
  deps: Pick<VolumeDeps, 'containers' | 'liveTasks'>,
): { manager: VolumeManager; server: VolumesServer } {
  const manager = new VolumeManager({
    store: new VolumeStore(db),
    driver: new LocalDriver(join(root, 'runtime', 'volumes')),
    events: volumeEvents(bus),
    log,
    ...deps,
  });
  return { manager, server: new VolumesServer(manager) };
}
