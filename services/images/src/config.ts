/**
 * berth-images configuration: only the shared keys (TOML top level or [images],
 * BERTH_* env, flags). Registry settings arrive with pull/push.
 */
import { join } from 'node:path';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export type ImagesConfig = BaseConfig;
export const defaults = baseDefaults;
export const parseConfig = parseBaseConfig;

/** Sockets; the data dir and metadata store come from openServiceState. */
export const paths = (c: ImagesConfig) => ({
  socket: join(c.state, 'images.sock'),
});
