/**
 * berth-snapshotter configuration: only the shared keys (TOML top level or
 * [snapshotter], BERTH_* env, flags).
 */
import { join } from 'node:path';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export type SnapshotterConfig = BaseConfig;
export const defaults = baseDefaults;
export const parseConfig = parseBaseConfig;

export const paths = (c: SnapshotterConfig) => ({
  dir: join(c.root, 'snapshotter'),
  db: join(c.root, 'snapshotter', 'metadata'),
  socket: join(c.state, 'snapshotter.sock'),
  content: join(c.state, 'content.sock'),
});
