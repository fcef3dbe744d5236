/**
 * berth-content configuration. Keys may come from the TOML file (top level or
 * the [content] table), BERTH_* / BERTH_CONTENT_* env vars, or flags.
 */
import { join } from 'node:path';
import type { ConfigObject } from '@berth/config';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export interface ContentConfig extends BaseConfig {
  /** Gateway socket, for registering leased resources. Default <state>/berth.sock. */
  gateway: string;
}

export const defaults: ContentConfig = { ...baseDefaults, gateway: '' };

/** Validates a merged config object; throws InvalidArgument naming the bad field. */
export function parseConfig(obj: ConfigObject): ContentConfig {
  const base = parseBaseConfig(obj, ['gateway']);
  return { ...base, gateway: (obj['gateway'] as string) || join(base.state, 'berth.sock') };
}

/** Sockets; the data dir and metadata store come from openServiceState. */
export const paths = (c: ContentConfig) => ({
  socket: join(c.state, 'content.sock'),
});
