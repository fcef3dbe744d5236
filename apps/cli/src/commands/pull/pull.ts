/**
 * `berth pull [--platform P] [-q] REF`: the images service resolves REF at its registry, fetches
 * the blobs (resuming interrupted ones), records the image and unpacks it, streaming progress,
 * which is shown per layer. Ends like docker: `Digest: …`, `Status: …`, then the image name.
 */
import { serverStream } from '@berth/grpc';
import { familiarName, formatReference, normalizeReference } from '@berth/image';
import { TransferClient, type Progress } from '@berth/proto/berth/images/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { asUsage } from '../../usage.js';
import { TransferDisplay } from './display.js';
import { platformOption } from './platform.js';

interface PullOptions {
  platform?: string;
  quiet?: boolean;
  skipUnpack?: boolean;
}

export async function run(ctx: Context, [reference]: [string], o: PullOptions): Promise<void> {
  const ref = asUsage(() => normalizeReference(reference));
  const platform = platformOption(o.platform);
  const client = openClient(ctx, TransferClient);
  const display = o.quiet ? undefined : new TransferDisplay(ctx.stdout, 'pull');
  if (!o.quiet) ctx.stdout.write(`${ref.tag ?? ref.digest}: Pulling from ${ref.path}\n`);
  let last: Progress | undefined;
  try {
    for await (const p of serverStream(
      client,
      client.pull,
      { reference: formatReference(ref), platform, auth: undefined, skipUnpack: o.skipUnpack === true },
      { ns: ctx.namespace, service: 'berth' },
    )) {
      if (p.image) last = p;
      else display?.update(p);
    }
  } finally {
    display?.finish();
  }
  const name = last?.name || formatReference(ref);
  if (o.quiet) return void ctx.stdout.write(`${name}\n`);
  const short = familiarName(normalizeReference(name));
  ctx.stdout.write(`Digest: ${last?.image?.digest ?? ''}\n`);
  ctx.stdout.write(
    last?.status === 'exists'
      ? `Status: Image is up to date for ${short}\n`
      : `Status: Downloaded newer image for ${short}\n`,
  );
  ctx.stdout.write(`${name}\n`);
}
