/**
 * What the docker-style image commands share: the images and transfer clients,
 * an image's ID (its config digest, as docker's), config and size through
 * Transfer.Inspect, and finding images by name or by (a prefix of) their ID.
 */
import { ImagesClient, type Image } from '@berth/proto/images/v1';
import { TransferClient, type InspectResponse } from '@berth/proto/berth/images/v1';
import { unary } from '@berth/grpc';
import { isNotFound, notFound } from '@berth/errdefs';
import {
  familiarName,
  formatReference,
  normalizeReference,
  parseReference,
  shortImageId,
  type ImageConfig,
  type Manifest,
} from '@berth/image';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

export interface Clients {
  images: ImagesClient;
  transfer: TransferClient;
}

export function openImageClients(ctx: Context): Clients {
  return { images: openClient(ctx, ImagesClient), transfer: openClient(ctx, TransferClient) };
}

/** An image record with what Inspect says about it. */
export interface Described {
  image: Image;
  /** The config digest: docker's image ID. */
  id: string;
  config: ImageConfig;
  manifest: Manifest;
  raw: InspectResponse;
}

export async function listImages(ctx: Context, c: Clients): Promise<Image[]> {
  return (await unary(c.images, c.images.list, { filters: [] }, ctx.callOpts())).images;
}

/** Inspects one record (by its exact name). */
export async function describe(ctx: Context, c: Clients, image: Image): Promise<Described> {
  const raw = await unary(
    c.transfer,
    c.transfer.inspect,
    { reference: image.name, platform: undefined },
    ctx.callOpts(),
  );
  const manifest = JSON.parse(raw.manifestJson.toString('utf8')) as Manifest;
  const config = JSON.parse(raw.configJson.toString('utf8')) as ImageConfig;
  return { image, id: manifest.config.digest, config, manifest, raw };
}

/** Every record described; records that cannot be (missing content) are left out. */
export async function describeAll(ctx: Context, c: Clients): Promise<Described[]> {
  const out: Described[] = [];
  for (const img of await listImages(ctx, c)) {
    try {
      out.push(await describe(ctx, c, img));
    } catch {
      // ctr may record images whose content is absent here: nothing to show.
    }
  }
  return out;
}

/** The canonical record name for what a user typed (`busybox` → `docker.io/library/busybox:latest`). */
export const canonicalName = (s: string) => formatReference(normalizeReference(s));

/** `busybox:latest` for `docker.io/library/busybox:latest`; names that are no reference as is. */
export function shortName(name: string): string {
  try {
    return familiarName(parseReference(name));
  } catch {
    return name;
  }
}

/** Repository and tag columns of a record name. */
/** Untagged images (commit/import without a name) follow docker's containerd-store convention. */
const DANGLING = 'docker.io/library/moby-dangling@';

export function repoTag(name: string): { repo: string; tag: string } {
  if (name.startsWith(DANGLING)) return { repo: '<none>', tag: '<none>' };
  try {
    const ref = parseReference(name);
    return { repo: familiarName({ domain: ref.domain, path: ref.path }), tag: ref.tag ?? '<none>' };
  } catch {
    return { repo: name, tag: '<none>' };
  }
}

export const shortId = (id: string) => shortImageId(id);

const ID_RE = /^(?:sha256:)?([0-9a-f]{1,64})$/;

/** What a user's argument named: one record by name, or every record of an image by ID. */
export interface Found {
  byId: boolean;
  id: string;
  images: Described[];
}

/** Finds `arg` as a name first, then as an ID or ID prefix, as docker does. NotFound otherwise. */
export async function findImages(ctx: Context, c: Clients, arg: string): Promise<Found> {
  let name: string | undefined;
  try {
    name = canonicalName(arg);
  } catch {
    name = undefined; // a full 64-hex ID is no valid name
  }
  if (name !== undefined) {
    try {
      const { image } = await unary(c.images, c.images.get, { name }, ctx.callOpts());
      if (image) {
        const d = await describe(ctx, c, image);
        return { byId: false, id: d.id, images: [d] };
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const m = ID_RE.exec(arg);
  if (m) {
    const all = await describeAll(ctx, c);
    const ids = new Set(all.filter((d) => d.id.slice(7).startsWith(m[1]!)).map((d) => d.id));
    if (ids.size > 1) throw notFound(`ambiguous image ID prefix ${arg}: it matches ${ids.size} images`);
    const [id] = [...ids];
    if (id) return { byId: true, id, images: all.filter((d) => d.id === id) };
  }
  throw notFound(`no such image: ${arg}`);
}

/** docker's "2 hours ago" from a config's `created`. */
export function createdDate(config: ImageConfig): Date | undefined {
  if (!config.created) return undefined;
  const d = new Date(config.created);
  return Number.isNaN(d.getTime()) || d.getTime() <= 0 ? undefined : d;
}
