/**
 * berth-gateway configuration (TOML top level or [gateway], BERTH_* env, flags).
 */
import { join } from 'node:path';
import { field, type ConfigObject } from '@berth/config';
import { invalidArgument } from '@berth/errdefs';

export interface GatewayConfig {
  /** State root; the gateway keeps namespaces and leases in <root>/gateway. */
  root: string;
  /** Runtime dir: the API socket is <state>/berth.sock, backends <state>/<name>.sock. */
  state: string;
  /** API socket path; default <state>/berth.sock. */
  socket: string;
  /** Socket file mode, octal string (default 0660: root and the socket's group). */
  socketMode: string;
  nats: string;
  logLevel: string;
  outboxCapacity: number;
}

export const defaults: GatewayConfig = {
  root: '/var/lib/berth',
  state: '/run/berth',
  socket: '',
  socketMode: '0660',
  nats: 'nats://127.0.0.1:4222',
  logLevel: 'info',
  outboxCapacity: 10_000,
};

export function parseConfig(obj: ConfigObject): GatewayConfig {
  field.noUnknown(obj, Object.keys(defaults));
  const state = field.string(obj, 'state');
  const mode = field.string(obj, 'socketMode');
  if (!/^0?[0-7]{3}$/.test(mode)) throw invalidArgument(`config socketMode: ${mode} is not an octal mode`);
  return {
    root: field.string(obj, 'root'),
    state,
    socket: (obj['socket'] as string) || join(state, 'berth.sock'),
    socketMode: mode,
    nats: field.string(obj, 'nats'),
    logLevel: field.string(obj, 'logLevel'),
    outboxCapacity: field.number(obj, 'outboxCapacity', 1),
  };
}
