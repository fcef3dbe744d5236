/**
 * berth-content configuration. Keys may come from the TOML file (top level or
 * the [content] table), BERTH_* / BERTH_CONTENT_* env vars, or flags.
 */
import { join } from 'node:path';
import { field, type ConfigObject } from '@berth/config';

export interface ContentConfig {
  /** State root shared by all services; content keeps its data in <root>/content. */
  root: string;
  /** Runtime dir; content listens on <state>/content.sock. */
  state: string;
  /** NATS server URL for events. */
  nats: string;
  /** Gateway socket, for registering leased resources. Default <state>/berth.sock. */
  gateway: string;
  /** pino level. */
  logLevel: string;
  /** Events kept while NATS is unreachable. */
  outboxCapacity: number;
}

export const defaults: ContentConfig = {
  root: '/var/lib/berth',
  state: '/run/berth',
  nats: 'nats://127.0.0.1:4222',
  gateway: '',
  logLevel: 'info',
  outboxCapacity: 10_000,
};

/** Validates a merged config object; throws InvalidArgument naming the bad field. */
export function parseConfig(obj: ConfigObject): ContentConfig {
  field.noUnknown(obj, Object.keys(defaults));
  const state = field.string(obj, 'state');
  return {
    root: field.string(obj, 'root'),
    state,
    nats: field.string(obj, 'nats'),
    gateway: (obj['gateway'] as string) || join(state, 'berth.sock'),
    logLevel: field.string(obj, 'logLevel'),
    outboxCapacity: field.number(obj, 'outboxCapacity', 1),
  };
}

export const paths = (c: ContentConfig) => ({
  dir: join(c.root, 'content'),
  db: join(c.root, 'content', 'metadata'),
  socket: join(c.state, 'content.sock'),
});
