/**
 * `berth tasks kill [-s SIGNAL] [-a] [--exec-id ID] CONTAINER`: signals the task
 * (default: the image's stop signal, else SIGTERM, as ctr).
 */
import { unary } from '@berth/grpc';
import { invalidArgument } from '@berth/errdefs';
import { parseSignal } from '@berth/oci-spec';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { openContainers, openTasks } from './clients.js';

const STOP_SIGNAL_LABEL = 'io.containerd.image.config.stop-signal';

export interface KillOptions {
  signal?: string;
  all?: boolean;
  execId?: string;
}

export async function run(ctx: Context, [id]: [string], opts: KillOptions): Promise<void> {
  if (opts.all && opts.execId) throw invalidArgument('specify an exec-id or all; not both');
  let signal = opts.signal ? asUsage(() => parseSignal(opts.signal ?? '')).number : undefined;
  if (signal === undefined) {
    const c = openContainers(ctx);
    const { container } = await unary(c, c.get, { id }, ctx.callOpts());
    const stop = container?.labels[STOP_SIGNAL_LABEL];
    signal = stop ? parseSignal(stop).number : 15;
  }
  const t = openTasks(ctx);
  await unary(
    t,
    t.kill,
    { containerId: id, execId: opts.execId ?? '', signal, all: !!opts.all },
    ctx.callOpts(),
  );
}
