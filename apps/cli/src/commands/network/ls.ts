/**
 * `berth network ls [-q] [-f key=value]… [--no-trunc] [--format …]`: NETWORK ID NAME
 * DRIVER SCOPE, sorted by name, as docker lists networks. Filters: driver, id, label,
 * name, scope, type (custom|builtin), dangling.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { renderList } from '../views/list.js';
import { networkCall, openNetworks } from './lib.js';
import {
  matchNetwork,
  networkContext,
  networkHeaderContext,
  networkJsonLine,
  networkTableRows,
  parseNetworkFilters,
  type NetworkContext,
} from './view.js';

export interface LsOptions {
  quiet?: boolean;
  filter?: string[];
  trunc?: boolean;
  format?: string;
}

export async function run(ctx: Context, _args: [], o: LsOptions): Promise<void> {
  const filters = asUsage(() => parseNetworkFilters(o.filter ?? []));
  const net = openNetworks(ctx);
  const { networks } = await unary(net, net.list, { filters: [] }, networkCall(ctx));
  const rows = networks
    .filter((n) => matchNetwork(filters, n))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((n) => networkContext(n, o.trunc !== false));
  ctx.stdout.write(render(rows, o));
}

function render(cs: NetworkContext[], o: LsOptions): string {
  return renderList(cs, o, {
    id: (c) => c.ID,
    table: networkTableRows,
    json: networkJsonLine,
    header: networkHeaderContext,
  });
}
