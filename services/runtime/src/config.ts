/**
 * berth-runtime configuration: the shared keys (TOML top level or [runtime],
 * BERTH_* env, flags). Task and monitor settings arrive with the tasks API.
 */
import { join } from 'node:path';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export type RuntimeConfig = BaseConfig;
export const defaults = baseDefaults;
export const parseConfig = parseBaseConfig;

/** Sockets; the data dir and metadata store come from openServiceState. */
export const paths = (c: RuntimeConfig) => ({
  socket: join(c.state, 'runtime.sock'),
});
