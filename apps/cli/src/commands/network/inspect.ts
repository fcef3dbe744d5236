/**
 * `berth network inspect [-f TEMPLATE] NETWORK...`: docker's network JSON (Name, Id, Driver,
 * IPAM.Config, Internal, Containers with their addresses, Options, Labels), one array, or
 * the template once per network.
 */
import { isNotFound, isUnavailable } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import { RuntimeClient } from '@berth/proto/berth/runtime/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { printInspected } from '../views/inspect.js';
import { networkCall, openNetworks } from './lib.js';
import { inspectNetwork, type AttachedContainer } from './view.js';

export async function run(ctx: Context, [names]: [string[]], o: { format?: string }): Promise<number> {
  const net = openNetworks(ctx);
  let containerNames: Map<string, string> | undefined;
  const namesOf = async () => {
    if (containerNames) return containerNames;
    containerNames = new Map();
    try {
      const rt = openClient(ctx, RuntimeClient);
      const { containers } = await unary(rt, rt.list, { all: true, filters: [] }, ctx.callOpts());
      for (const c of containers) containerNames.set(c.id, c.name);
    } catch (err) {
      // No berth-runtime here: the containers are listed without names.
      if (!isUnavailable(err)) throw err;
    }
    return containerNames;
  };
  return printInspected(ctx, names, o.format, async (name) => {
    const { network } = await unary(net, net.get, { name }, networkCall(ctx));
    if (!network) throw new Error(`network ${name}: empty answer`);
    const attached: AttachedContainer[] = [];
    for (const id of network.containers) {
      let endpoint;
      try {
        const eps = await unary(net, net.endpoints, { containerId: id }, networkCall(ctx));
        endpoint = eps.endpoints.find((e) => e.networkId === network.id);
      } catch (err) {
        if (!isNotFound(err)) throw err; // detached meanwhile
        continue;
      }
      attached.push({ id, name: (await namesOf()).get(id) ?? '', endpoint });
    }
    return inspectNetwork(network, attached);
  });
}
