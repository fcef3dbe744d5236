/**
 * The configuration keys every berth service shares, and their validation.
 * A service with no keys of its own uses these as they are; others spread
 * them into their own config (see services/content/src/config.ts).
 */
import { field, type ConfigObject } from '@berth/config';

export interface BaseConfig {
  /** State root shared by all services; service X keeps its data in <root>/<X>. */
  root: string;
  /** Runtime dir: service X listens on <state>/<X>.sock. */
  state: string;
  /** NATS server URL for events. */
  nats: string;
  /** pino level. */
  logLevel: string;
  /** Events kept while NATS is unreachable; the oldest are dropped beyond this. */
  outboxCapacity: number;
}

export const baseDefaults: BaseConfig = {
  root: '/var/lib/berth',
  state: '/run/berth',
  nats: 'nats://127.0.0.1:4222',
  logLevel: 'info',
  outboxCapacity: 10_000,
};

/** Validates the shared keys; `extraKeys` are the service's own keys, accepted but not checked here. */
export function parseBaseConfig(obj: ConfigObject, extraKeys: readonly string[] = []): BaseConfig {
  field.noUnknown(obj, [...Object.keys(baseDefaults), ...extraKeys]);
  return {
    root: field.string(obj, 'root'),
    state: field.string(obj, 'state'),
    nats: field.string(obj, 'nats'),
    logLevel: field.string(obj, 'logLevel'),
    outboxCapacity: field.number(obj, 'outboxCapacity', 1),
  };
}
