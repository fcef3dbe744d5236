/**
 * `berth push REF [DEST]`: the images service uploads the image's blobs (skipping those the
 * repository has, mounting those another repository of the registry has) and its manifest(s)
 * under DEST's tag (REF's when no DEST), streaming progress, shown per layer as docker does.
 */
import { serverStream } from '@berth/grpc';
import { formatReference, normalizeReference, repository } from '@berth/image';
import { TransferClient, type Progress } from '@berth/proto/berth/images/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { asUsage } from '../../usage.js';
import { TransferDisplay } from '../pull/display.js';
import { platformOption } from '../pull/platform.js';

interface PushOptions {
  platform?: string;
  quiet?: boolean;
}

export async function run(
  ctx: Context,
  [reference, dest]: [string, string | undefined],
  o: PushOptions,
): Promise<void> {
  const src = asUsage(() => normalizeReference(reference));
  const to = asUsage(() => normalizeReference(dest ?? reference));
  const platform = platformOption(o.platform);
  const client = openClient(ctx, TransferClient);
  const display = o.quiet ? undefined : new TransferDisplay(ctx.stdout, 'push');
  if (!o.quiet) ctx.stdout.write(`The push refers to repository [${repository(to)}]\n`);
  let last: Progress | undefined;
  try {
    for await (const p of serverStream(
      client,
      client.push,
      { reference: formatReference(src), destination: formatReference(to), auth: undefined, platform },
      { ns: ctx.namespace, service: 'berth' },
    )) {
      if (p.image) last = p;
      else display?.update(p);
    }
  } finally {
    display?.finish();
  }
  const digest = last?.image?.digest ?? '';
  if (o.quiet) return void ctx.stdout.write(`${digest}\n`);
  ctx.stdout.write(`${to.tag ?? to.digest}: digest: ${digest} size: ${last?.image?.size ?? 0}\n`);
}
