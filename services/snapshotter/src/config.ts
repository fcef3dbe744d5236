/**
 * berth-snapshotter configuration: only the shared keys (TOML top level or
 * [snapshotter], BERTH_* env, flags).
 */
import { join } from 'node:path';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export type SnapshotterConfig = BaseConfig;
export const defaults = baseDefaults;
export const parseConfig = parseBaseConfig;

/** Sockets; the data dir and metadata store come from openServiceState. */
export const paths = (c: SnapshotterConfig) => ({
  socket: join(c.state, 'snapshotter.sock'),
  content: join(c.state, 'content.sock'),
  gateway: join(c.state, 'berth.sock'),
});
