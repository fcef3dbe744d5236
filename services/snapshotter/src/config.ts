/**
 * berth-snapshotter configuration (TOML top level or [snapshotter], BERTH_* env, flags).
 */
import { join } from 'node:path';
import { field, type ConfigObject } from '@berth/config';

export interface SnapshotterConfig {
  /** State root; snapshots live in <root>/snapshotter. */
  root: string;
  /** Runtime dir: listens on <state>/snapshotter.sock; reads blobs from <state>/content.sock. */
  state: string;
  nats: string;
  logLevel: string;
  outboxCapacity: number;
}

export const defaults: SnapshotterConfig = {
  root: '/var/lib/berth',
  state: '/run/berth',
  nats: 'nats://127.0.0.1:4222',
  logLevel: 'info',
  outboxCapacity: 10_000,
};

export function parseConfig(obj: ConfigObject): SnapshotterConfig {
  field.noUnknown(obj, Object.keys(defaults));
  return {
    root: field.string(obj, 'root'),
    state: field.string(obj, 'state'),
    nats: field.string(obj, 'nats'),
    logLevel: field.string(obj, 'logLevel'),
    outboxCapacity: field.number(obj, 'outboxCapacity', 1),
  };
}

export const paths = (c: SnapshotterConfig) => ({
  dir: join(c.root, 'snapshotter'),
  db: join(c.root, 'snapshotter', 'metadata'),
  socket: join(c.state, 'snapshotter.sock'),
  content: join(c.state, 'content.sock'),
});
