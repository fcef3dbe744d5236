/**
 * `berth network ls [-q] [-f key=value]… [--no-trunc] [--format …]`: NETWORK ID NAME
 * DRIVER SCOPE, sorted by name, as docker lists networks. Filters: driver, id, label,
 * name, scope, type (custom|builtin), dangling.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { tabulate, tabulateText } from '../views/tabwriter.js';
import { compileTemplate } from '../views/template.js';
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
  const format = o.format?.trim();
  if (o.quiet && (!format || format === 'table')) return cs.map((c) => c.ID + '\n').join('');
  if (!format || format === 'table') return tabulate(networkTableRows(cs));
  if (format === 'json') return cs.map((c) => JSON.stringify(networkJsonLine(c)) + '\n').join('');
  const table = format.startsWith('table');
  const src = (table ? format.slice('table'.length) : format)
    .trim()
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
  const t = asUsage(() => compileTemplate(src));
  const lines = cs.map((c) => asUsage(() => t.execute(c)) + '\n');
  if (!table) return lines.join('');
  return tabulateText(asUsage(() => t.execute(networkHeaderContext())) + '\n' + lines.join(''));
}
