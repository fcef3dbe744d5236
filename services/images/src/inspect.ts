/**
 * Transfer.Inspect and Transfer.Unpack: read an image record, resolve it for a
 * platform, and report it (inspect/history) or make sure it is unpacked.
 */
import type {
  InspectRequest,
  InspectResponse,
  UnpackRequest,
  UnpackResponse,
} from '@berth/proto/berth/images/v1';
import type { Platform as PbPlatform } from '@berth/proto/types';
import { defaultPlatform, chainIds, normalizeReference, formatReference, type Platform } from '@berth/image';
import { found } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import type { TransferDeps } from './deps.js';
import { resolveImage } from './resolve.js';
import { unpack } from './unpack.js';

/** The platform asked for, or this host's. */
export function platformOf(p: PbPlatform | undefined): Platform {
  return p?.os
    ? { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) }
    : defaultPlatform();
}

/** Looks an image up by the name users type (normalised as docker does). */
export async function findImage(deps: TransferDeps, ns: string, reference: string) {
  const name = formatReference(normalizeReference(reference));
  return deps.images.get(ns, name);
}

export async function inspect(
  deps: TransferDeps,
  req: InspectRequest,
  ctx: CallContext,
): Promise<InspectResponse> {
  const img = await findImage(deps, ctx.ns, req.reference);
  const r = await resolveImage(deps.content, ctx.ns, img.target, platformOf(req.platform));
  const top = chainIds(r.config.rootfs.diff_ids).at(-1);
  const unpacked = top ? await found(deps.snapshots.stat(ctx.ns, top)) : true;
  const desc = (d: {
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Readonly<Record<string, string>>;
  }) => ({
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    annotations: { ...(d.annotations ?? {}) },
  });
  return {
    name: img.name,
    target: desc(img.target),
    manifest: desc(r.manifestDesc),
    manifestJson: r.manifestJson,
    configJson: r.configJson,
    layers: r.manifest.layers.map(desc),
    size: r.manifest.config.size + r.manifest.layers.reduce((n, l) => n + l.size, 0),
    unpacked,
  };
}

export async function unpackImage(
  deps: TransferDeps,
  req: UnpackRequest,
  ctx: CallContext,
): Promise<UnpackResponse> {
  const img = await findImage(deps, ctx.ns, req.reference);
  const r = await resolveImage(deps.content, ctx.ns, img.target, platformOf(req.platform));
  return { chainId: await unpack(deps, ctx.ns, r) };
}
