/**
 * `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports, as docker
 * prints them (`80/tcp -> 0.0.0.0:8080`), or the host addresses of one private port.
 */
import { portLines } from '@berth/client';
import { isNotFound, notFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import type { PortMapping } from '@berth/proto/berth/network/v1';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { networkCall, openNetworks, resolveContainerRef } from './lib.js';

export async function run(
  ctx: Context,
  [container, privatePort]: [string, string | undefined],
): Promise<void> {
  const { id } = await resolveContainerRef(ctx, container);
  const net = openNetworks(ctx);
  let ports: PortMapping[] = [];
  try {
    ports = (await unary(net, net.endpoints, { containerId: id }, networkCall(ctx))).ports;
  } catch (err) {
    if (!isNotFound(err)) throw err; // no networking of its own: nothing published
  }
  const lines = asUsage(() => portLines(ports, privatePort));
  if (privatePort !== undefined && lines.length === 0) {
    const want = privatePort.includes('/') ? privatePort.toLowerCase() : `${privatePort}/tcp`;
    throw notFound(`No public port '${want}' published for ${container}`);
  }
  ctx.stdout.write(lines.map((l) => l + '\n').join(''));
}
