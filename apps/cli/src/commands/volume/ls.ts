/**
 * `berth volume ls [-q] [-f key=value]… [--format …]`: DRIVER VOLUME NAME, sorted by name.
 * Filters (berth-runtime applies them): dangling, driver, label, name.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { renderList } from '../views/list.js';
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
  return renderList(cs, o, {
    id: (c) => c.Name,
    table: (rows) => [['DRIVER', 'VOLUME NAME'], ...rows.map((c) => [c.Driver, c.Name])],
    json: (c) => c,
    header: () => VOLUME_HEADER,
  });
}
