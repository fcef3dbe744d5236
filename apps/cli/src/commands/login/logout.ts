/** `berth logout SERVER`: removes the stored credentials of a registry. */
import { logout } from '@berth/registry';
import type { Context } from '../../context.js';
import { authFile } from './auth-file.js';

export async function run(ctx: Context, [server]: [string]): Promise<void> {
  const host = server.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (await logout(host, authFile())) ctx.stdout.write(`Removing login credentials for ${host}\n`);
  else ctx.stdout.write(`Not logged in to ${host}\n`);
}
