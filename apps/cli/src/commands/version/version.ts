/**
 * `berth version`: the client's version, then the server's version, revision
 * and UUID (Version.Version and Introspection.Server), like `ctr version`.
 * The client part is printed even when the server cannot be reached.
 */
import { VersionClient } from '@berth/proto/version/v1';
import { IntrospectionClient } from '@berth/proto/introspection/v1';
import { unary } from '@berth/grpc';
import { isNotImplemented } from '@berth/errdefs';
import { CLIENT_VERSION } from '../../build-info.js';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

export async function run(ctx: Context, _args: [], opts: { format: 'text' | 'json' }): Promise<void> {
  const client = { version: CLIENT_VERSION, node: process.version };
  if (opts.format === 'text')
    ctx.stdout.write(`Client:\n  Version:  ${client.version}\n  Node:     ${client.node}\n\n`);
  const versions = openClient(ctx, VersionClient);
  const introspection = openClient(ctx, IntrospectionClient);
  const [v, uuid] = await Promise.all([
    unary(versions, versions.version, {}, ctx.callOpts()),
    unary(introspection, introspection.server, {}, ctx.callOpts()).then(
      (r) => r.uuid,
      // An older server without introspection still has a version to show.
      (err: unknown) => (isNotImplemented(err) ? '' : Promise.reject(err)),
    ),
  ]);
  if (opts.format === 'json') {
    ctx.stdout.write(
      JSON.stringify({ client, server: { version: v.version, revision: v.revision, uuid } }, null, 2) + '\n',
    );
    return;
  }
  ctx.stdout.write(`Server:\n  Version:  ${v.version}\n  Revision: ${v.revision}\n`);
  if (uuid) ctx.stdout.write(`  UUID:     ${uuid}\n`);
}
