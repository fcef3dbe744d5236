/**
 * Finding the image a container runs: its record, config and top chain ID
 * (berth.images.v1 Transfer.Inspect), pulling it first when it is missing
 * (docker's `--pull missing|always|never`), and unpacking it when needed.
 */
import { isNotFound, notFound } from '@berth/errdefs';
import { serverStream, unary } from '@berth/grpc';
import { chainIds, familiarName, formatReference, normalizeReference, type ImageConfig } from '@berth/image';
import type { Progress } from '@berth/proto/berth/images/v1';
import type { Platform } from '@berth/proto/types';
import { longCall, type Clients } from './clients.js';

export type PullPolicy = 'missing' | 'always' | 'never';

export interface PullHooks {
  /** Called before a pull with the familiar name (`busybox:latest`) and whether it was missing. */
  onPullStart?(familiar: string, missing: boolean): void;
  /** Every progress message of the pull; the last one carries `image`. */
  onPullProgress?(p: Progress): void;
}

export interface ResolvedImage {
  /** The record name (`docker.io/library/busybox:latest`). */
  name: string;
  config: ImageConfig;
  /** The chain ID of the top layer: the parent of the container's snapshot ('' for no layers). */
  chainId: string;
}

/**
 * Returns the image named `image` (as a user types it), pulling it when the policy says so.
 *
 * @throws NotFound `No such image: x` with `--pull never`, InvalidArgument for a bad reference.
 */
export async function resolveImage(
  c: Clients,
  image: string,
  o: PullHooks & { pull?: PullPolicy; platform?: Platform } = {},
): Promise<ResolvedImage> {
  const ref = normalizeReference(image);
  const name = formatReference(ref);
  const policy = o.pull ?? 'missing';
  if (policy === 'always') await pullImage(c, name, familiarName(ref), false, o);
  let r = await inspect(c, name, o.platform);
  if (!r) {
    if (policy === 'never') throw notFound(`No such image: ${familiarName(ref)}`);
    await pullImage(c, name, familiarName(ref), true, o);
    r = await inspect(c, name, o.platform);
    if (!r) throw notFound(`No such image: ${familiarName(ref)}`);
  }
  if (!r.unpacked)
    await unary(c.transfer, c.transfer.unpack, { reference: name, platform: o.platform }, longCall(c));
  const config = JSON.parse(Buffer.from(r.configJson).toString('utf8')) as ImageConfig;
  return { name: r.name || name, config, chainId: chainIds(config.rootfs?.diff_ids ?? []).at(-1) ?? '' };
}

async function inspect(c: Clients, name: string, platform: Platform | undefined) {
  try {
    return await unary(c.transfer, c.transfer.inspect, { reference: name, platform }, c.opts);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function pullImage(
  c: Clients,
  name: string,
  familiar: string,
  missing: boolean,
  o: PullHooks & { platform?: Platform },
): Promise<void> {
  o.onPullStart?.(familiar, missing);
  const req = { reference: name, platform: o.platform, auth: undefined, skipUnpack: false };
  for await (const p of serverStream(c.transfer, c.transfer.pull, req, longCall(c))) o.onPullProgress?.(p);
}
