/** `berth volume create [-d local] [-o k=v]… [--label k=v]… [NAME]`: prints the volume's name. */
import { unary } from '@berth/grpc';
import { invalidArgument } from '@berth/errdefs';
import { parseKeyValues, parseLabels } from '@berth/client';
import type { Context } from '../../context.js';
import { openVolumes } from './lib.js';

export interface CreateOptions {
  name?: string;
  driver?: string;
  opt?: string[];
  label?: string[];
}

export async function run(ctx: Context, [arg]: [string | undefined], o: CreateOptions): Promise<void> {
  if (arg !== undefined && o.name !== undefined && arg !== o.name)
    throw invalidArgument(`conflicting options: either specify --name or provide positional arg, not both`);
  const v = openVolumes(ctx);
  const { volume } = await unary(
    v,
    v.create,
    {
      name: arg ?? o.name ?? '',
      driver: o.driver ?? 'local',
      driverOpts: parseKeyValues(o.opt ?? [], 'driver option'),
      labels: parseLabels(o.label ?? []),
    },
    ctx.callOpts(),
  );
  ctx.stdout.write(`${volume?.name ?? ''}\n`);
}
