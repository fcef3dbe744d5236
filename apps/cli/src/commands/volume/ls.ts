/**
 * `berth volume ls [-q] [-f key=value]… [--format …]`: DRIVER VOLUME NAME, sorted by name.
 * Filters (berth-runtime applies them): dangling, driver, label, name.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { tabulate, tabulateText } from '../views/tabwriter.js';
import { compileTemplate } from '../views/template.js';
import { openVolumes, VOLUME_HEADER, volumeContext, type VolumeContext } from './lib.js';

export interface LsOptions {
  quiet?: boolean;
  filter?: string[];
  format?: string;
}

export async function run(ctx: Context, _args: [], o: LsOptions): Promise<void> {
  const v = openVolumes(ctx);
  const { volumes } = await unary(v, v.list, { filters: o.filter ?? [] }, ctx.callOpts());
  ctx.stdout.write(render(volumes.map(volumeContext), o));
}

function render(cs: VolumeContext[], o: LsOptions): string {
  const format = o.format?.trim();
  if (o.quiet && (!format || format === 'table')) return cs.map((c) => c.Name + '\n').join('');
  if (!format || format === 'table')
    return tabulate([['DRIVER', 'VOLUME NAME'], ...cs.map((c) => [c.Driver, c.Name])]);
  if (format === 'json') return cs.map((c) => JSON.stringify(c) + '\n').join('');
  const table = format.startsWith('table');
  const src = (table ? format.slice('table'.length) : format)
    .trim()
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
  const t = asUsage(() => compileTemplate(src));
  const lines = cs.map((c) => asUsage(() => t.execute(c as never)) + '\n');
  if (!table) return lines.join('');
  return tabulateText(asUsage(() => t.execute(VOLUME_HEADER as never)) + '\n' + lines.join(''));
}
