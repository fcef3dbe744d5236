/**
 * Transfer.Export: writes images as one tar, streamed to the client while it
 * is written (no temporary file), in chunks of at most 1 MiB:
 *
 * - "docker" (default), `docker save`'s format: `<config hex>.json`,
 *   `<diffID hex>/layer.tar` (uncompressed, as docker writes them: gzip layers
 *   are decompressed on the way out), manifest.json with RepoTags, and the
 *   legacy `repositories` file. One platform per image.
 * - "oci": an OCI image layout (oci-layout, blobs/sha256/…, index.json whose
 *   entries carry containerd's `io.containerd.image.name` and the OCI
 *   `org.opencontainers.image.ref.name` (the tag), as containerd and docker
 *   write them). The whole image is written: every platform present here.
 *
 * Every reference is resolved before the first byte, so a bad name fails the
 * call cleanly; a failure later ends the stream with the error.
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { ExportChunk, ExportRequest } from '@berth/proto/berth/images/v1';
import { invalidArgument, isNotFound, notImplemented } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import { openBlob } from '@berth/content';
import {
  MediaType,
  familiarName,
  isIndex,
  isManifest,
  layerCompression,
  parseIndex,
  parseManifest,
  parseReference,
  type Descriptor,
} from '@berth/image';
import type { TransferDeps } from '../deps.js';
import { findImage, platformOf } from '../inspect.js';
import { readBlob, resolveImage, type ResolvedImage } from '../resolve.js';

const CHUNK = 1 << 20;
const EPOCH = new Date(0);
const IMAGE_NAME = 'io.containerd.image.name';
const REF_NAME = 'org.opencontainers.image.ref.name';

interface Named {
  name: string;
  target: Descriptor;
  resolved?: ResolvedImage;
}

export async function* exportArchive(
  deps: TransferDeps,
  req: ExportRequest,
  ctx: CallContext,
): AsyncGenerator<ExportChunk> {
  const format = req.format || 'docker';
  if (format !== 'docker' && format !== 'oci')
    throw invalidArgument(`unknown archive format ${JSON.stringify(format)}: use "docker" or "oci"`);
  if (req.references.length === 0) throw invalidArgument('no image to export');
  const platform = platformOf(req.platform);
  const images: Named[] = [];
  for (const ref of req.references) {
    const img = await findImage(deps, ctx.ns, ref);
    const resolved =
      format === 'docker' ? await resolveImage(deps.content, ctx.ns, img.target, platform) : undefined;
    images.push({ name: img.name, target: img.target, ...(resolved ? { resolved } : {}) });
  }

  const pack = tarPack();
  const w = new ArchiveWriter(deps, ctx.ns, pack);
  const writing = (format === 'docker' ? w.docker(images) : w.oci(images)).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  try {
    for await (const chunk of pack as AsyncIterable<Buffer>)
      for (let o = 0; o < chunk.length; o += CHUNK) yield { data: chunk.subarray(o, o + CHUNK) };
  } finally {
    pack.destroy();
    await writing;
  }
}

const hex = (digest: string) => digest.slice(digest.indexOf(':') + 1);

/** The name's tag in docker's short form (`busybox:latest`), or undefined without a tag. */
function repoTag(name: string): { repo: string; tag: string } | undefined {
  try {
    const ref = parseReference(name);
    if (ref.tag === undefined) return undefined;
    return { repo: familiarName({ domain: ref.domain, path: ref.path }), tag: ref.tag };
  } catch {
    return undefined; // a name ctr accepted that is no reference
  }
}

class ArchiveWriter {
  private readonly written = new Set<string>();

  constructor(
    private readonly deps: TransferDeps,
    private readonly ns: string,
    private readonly pack: Pack,
  ) {}

  private put(name: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.pack.entry({ name, size: data.length, mode: 0o644, mtime: EPOCH }, data, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  private dir(name: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.pack.entry({ name, type: 'directory', mode: 0o755, mtime: EPOCH }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  private async stream(name: string, size: number, src: () => Promise<Readable>): Promise<void> {
    const input = await src();
    await new Promise<void>((resolve, reject) => {
      const sink = this.pack.entry({ name, size, mode: 0o644, mtime: EPOCH }, (err) =>
        err ? reject(err) : resolve(),
      );
      (async () => {
        for await (const chunk of input as AsyncIterable<Buffer>)
          if (!sink.write(chunk)) await once(sink, 'drain');
        sink.end(null);
      })().catch((err: Error) => {
        input.destroy();
        sink.destroy(err);
        reject(err);
      });
    });
  }

  private blob(d: { digest: string }): Promise<Readable> {
    return openBlob(this.deps.content, this.ns, d.digest);
  }

  async docker(images: Named[]): Promise<void> {
    const entries = new Map<string, { Config: string; RepoTags: string[]; Layers: string[] }>();
    const repositories: Record<string, Record<string, string>> = {};
    for (const img of images) {
      const r = img.resolved!;
      let entry = entries.get(r.manifestDesc.digest);
      if (!entry) {
        const config = `${hex(r.manifest.config.digest)}.json`;
        if (!this.written.has(config)) await this.put(config, r.configJson);
        this.written.add(config);
        const layers: string[] = [];
        for (const [i, layer] of r.manifest.layers.entries()) {
          const id = hex(r.config.rootfs.diff_ids[i] ?? layer.digest);
          const path = `${id}/layer.tar`;
          if (!this.written.has(path)) {
            await this.dir(`${id}/`);
            await this.layer(path, layer);
            this.written.add(path);
          }
          layers.push(path);
        }
        entry = { Config: config, RepoTags: [], Layers: layers };
        entries.set(r.manifestDesc.digest, entry);
      }
      const rt = repoTag(img.name);
      if (rt) {
        const tag = `${rt.repo}:${rt.tag}`;
        if (!entry.RepoTags.includes(tag)) entry.RepoTags.push(tag);
        const top = entry.Layers.at(-1);
        if (top) (repositories[rt.repo] ??= {})[rt.tag] = top.slice(0, top.indexOf('/'));
      }
    }
    await this.put('manifest.json', Buffer.from(JSON.stringify([...entries.values()])));
    await this.put('repositories', Buffer.from(JSON.stringify(repositories)));
  }

  /** A layer as docker save writes it: an uncompressed tar. */
  private async layer(path: string, layer: Descriptor): Promise<void> {
    const compression = layerCompression(layer.mediaType);
    if (compression === 'none') return this.stream(path, layer.size, () => this.blob(layer));
    if (compression !== 'gzip')
      throw notImplemented(
        `layer ${layer.digest} is ${compression}-compressed: export it with --format oci instead`,
      );
    // The tar header needs the size first: count the uncompressed bytes, then write them.
    let size = 0;
    const gunzip = createGunzip();
    gunzip.on('data', (c: Buffer) => (size += c.length));
    await pipeline(await this.blob(layer), gunzip);
    await this.stream(path, size, async () => (await this.blob(layer)).pipe(createGunzip()));
  }

  async oci(images: Named[]): Promise<void> {
    await this.put('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    await this.dir('blobs/');
    await this.dir('blobs/sha256/');
    const manifests: Descriptor[] = [];
    for (const img of images) {
      await this.tree(img.target, true);
      const rt = repoTag(img.name);
      manifests.push({
        mediaType: img.target.mediaType,
        digest: img.target.digest,
        size: img.target.size,
        annotations: { [IMAGE_NAME]: img.name, ...(rt ? { [REF_NAME]: rt.tag } : {}) },
      });
    }
    const index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
    await this.put('index.json', Buffer.from(JSON.stringify(index)));
  }

  /** Writes a blob and everything it refers to; children of an index that are not here are left out. */
  private async tree(d: Descriptor, required: boolean): Promise<void> {
    if (this.written.has(d.digest)) return;
    if (!required) {
      try {
        await this.deps.content.info(this.ns, d.digest);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
    if (isIndex(d.mediaType)) {
      const bytes = await readBlob(this.deps.content, this.ns, d.digest);
      for (const m of parseIndex(bytes, d.mediaType, d.digest).manifests) await this.tree(m, false);
    } else if (isManifest(d.mediaType)) {
      const bytes = await readBlob(this.deps.content, this.ns, d.digest);
      const m = parseManifest(bytes, d.mediaType, d.digest);
      await this.tree(m.config, true);
      for (const l of m.layers) await this.tree(l, true);
    }
    await this.stream(`blobs/sha256/${hex(d.digest)}`, d.size, () => this.blob(d));
    this.written.add(d.digest);
  }
}
