/**
 * berth-gateway configuration (TOML top level or [gateway], BERTH_* env, flags).
 */
import { join } from 'node:path';
import { field, type ConfigObject } from '@berth/config';
import { invalidArgument } from '@berth/errdefs';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export interface GatewayConfig extends BaseConfig {
  /** API socket path; default <state>/berth.sock. */
  socket: string;
  /** Socket file mode, octal string (default 0660: root and the socket's group). */
  socketMode: string;
}

export const defaults: GatewayConfig = { ...baseDefaults, socket: '', socketMode: '0660' };

export function parseConfig(obj: ConfigObject): GatewayConfig {
  const base = parseBaseConfig(obj, ['socket', 'socketMode']);
  const mode = field.string(obj, 'socketMode');
  if (!/^0?[0-7]{3}$/.test(mode)) throw invalidArgument(`config socketMode: ${mode} is not an octal mode`);
  return { ...base, socket: (obj['socket'] as string) || join(base.state, 'berth.sock'), socketMode: mode };
}
