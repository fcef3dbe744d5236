/**
 * What every service opens at start: its data dir (<root>/<name>), its level
 * metadata store (<root>/<name>/metadata) and its event publisher. Closing
 * releases them in reverse order.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openDb, type Db } from '@berth/store';
import { createPublisher, type EventPublisher } from '@berth/events';
import type { Logger } from '@berth/log';
import type { BaseConfig } from './base-config.js';

export interface ServiceState {
  /** <root>/<name> */
  dir: string;
  db: Db;
  bus: EventPublisher;
  close(): Promise<void>;
}

export async function openServiceState(name: string, config: BaseConfig, log: Logger): Promise<ServiceState> {
  const dir = join(config.root, name);
  await mkdir(dir, { recursive: true });
  const db = await openDb(join(dir, 'metadata'));
  const bus = createPublisher({
    servers: config.nats,
    log,
    capacity: config.outboxCapacity,
    name: `berth-${name}`,
  });
  return {
    dir,
    db,
    bus,
    async close() {
      await bus.close();
      await db.close();
    },
  };
}
