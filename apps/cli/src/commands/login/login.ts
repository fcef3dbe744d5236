/**
 * `berth login SERVER -u USER (-p PASS | --password-stdin)`: checks the credentials against the
 * registry (`GET /v2/` through the challenge flow) and stores them only if it accepts them.
 */
import { login } from '@berth/registry';
import type { Context } from '../../context.js';
import { UsageError } from '../../usage.js';
import { authFile } from './auth-file.js';

interface LoginOptions {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function run(ctx: Context, [server]: [string], o: LoginOptions): Promise<void> {
  if (!o.username) throw new UsageError('login: --username is required');
  if (o.password !== undefined && o.passwordStdin)
    throw new UsageError('login: --password and --password-stdin are mutually exclusive');
  const password = o.passwordStdin ? await readStdin() : o.password;
  if (!password) throw new UsageError('login: a password is required (--password or --password-stdin)');
  const host = server.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  await login(host, o.username, password, authFile());
  ctx.stdout.write('Login Succeeded\n');
}
