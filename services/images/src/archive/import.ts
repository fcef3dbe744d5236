/**
 * Transfer.Import: reads a docker-archive (`docker save`: manifest.json,
 * config JSON, layer tars) or an OCI image layout (oci-layout, index.json,
 * blobs/sha256/…) streamed as a tar, and records every image in it.
 *
 * Order, so that a bad archive leaves nothing referenced:
 *   1. every file is read (layers stream into the content store as they come);
 *   2. the archive's manifests are checked against the files — digests, sizes,
 *      diffIDs — before anything else is written;
 *   3. the blobs are committed with containerd's GC labels (for a docker-archive,
 *      a Docker schema 2 manifest is made up, as containerd's importer does);
 *   4. each image is resolved for the platform and unpacked (unless skip_unpack);
 *   5. only then are the names recorded (create, or update of the target), with
 *      the /images/create|update events.
 * On failure, the blobs this import added are removed again.
 */
import type { ImportOptions, ImportRequest, ImportResponse } from '@berth/proto/berth/images/v1';
import { failedPrecondition, invalidArgument } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import {
  MediaType,
  formatReference,
  indexGcLabels,
  isIndex,
  isManifest,
  manifestGcLabels,
  normalizeReference,
  parseConfig,
  parseIndex,
  parseManifest,
  parseReference,
  withTag,
  type Descriptor as ImageDescriptor,
  type Manifest,
} from '@berth/image';
import type { Labels } from '@berth/labels';
import type { TransferDeps } from '../deps.js';
import type { Descriptor } from '../store.js';
import { platformOf } from '../inspect.js';
import { resolveImage } from '../resolve.js';
import { unpack } from '../unpack.js';
import { ArchiveFiles, sha256, sniff, type ArchiveFile } from './files.js';
import { recordImage } from '../images-events.js';

const IMAGE_NAME = 'io.containerd.image.name';
const REF_NAME = 'org.opencontainers.image.ref.name';

/** What the archive holds, checked: blobs to commit (with labels) and the images. */
interface Plan {
  blobs: { file: ArchiveFile; labels: Labels }[];
  images: { name: string; target: Descriptor }[];
}

export async function importArchive(
  deps: TransferDeps,
  reqs: AsyncIterable<ImportRequest>,
  ctx: CallContext,
): Promise<ImportResponse> {
  const ns = ctx.ns;
  const { options, data } = await splitRequests(reqs);
  const files = new ArchiveFiles(deps.content, ns);
  try {
    await files.read(data);
    let plan: Plan;
    if (files.files.has('index.json')) plan = planOci(files, options.defaultName);
    else if (files.files.has('manifest.json')) plan = planDocker(files, options.defaultName);
    else throw invalidArgument('not a docker-archive or OCI image layout: missing manifest.json/index.json');

    for (const b of plan.blobs) await files.commit(b.file, b.labels);
    const platform = platformOf(options.platform);
    const done = new Set<string>();
    for (const img of plan.images) {
      if (done.has(img.target.digest)) continue;
      done.add(img.target.digest);
      const r = await resolveImage(deps.content, ns, img.target, platform);
      if (!options.skipUnpack) await unpack(deps, ns, r);
    }
    for (const img of plan.images) if (img.name) await recordImage(deps, ns, img.name, img.target);
    await files.discard(false);
    return {
      names: plan.images.map((i) => i.name),
      images: plan.images.map((i) => ({ ...i.target })),
    };
  } catch (err) {
    await files.discard(true);
    throw err;
  }
}

/** The first message may carry options; every other one carries tar bytes. */
async function splitRequests(
  reqs: AsyncIterable<ImportRequest>,
): Promise<{ options: ImportOptions; data: AsyncIterable<Buffer> }> {
  const it = reqs[Symbol.asyncIterator]();
  const first = await it.next();
  let options: ImportOptions = { defaultName: '', skipUnpack: false, platform: undefined };
  let pending: Buffer | undefined;
  if (!first.done) {
    const body = first.value.body;
    if (body?.$case === 'options') options = body.value;
    else if (body?.$case === 'data') pending = body.value;
  }
  async function* data(): AsyncGenerator<Buffer> {
    if (pending?.length) yield pending;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const body = r.value.body;
      if (body?.$case === 'data') {
        if (body.value.length) yield body.value;
      } else if (body?.$case === 'options') throw invalidArgument('import options must come first');
    }
  }
  return { options, data: data() };
}

function json(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalidArgument(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

const canonical = (name: string) => formatReference(normalizeReference(name));

/** The digest a path names by convention (`<hex>.json`, `blobs/sha256/<hex>`), if any. */
function digestInName(path: string): string | undefined {
  const m = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/.exec(path);
  return m ? `sha256:${m[1]}` : undefined;
}

// ---------------------------------------------------------------- docker-archive

interface DockerEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

function dockerEntries(v: unknown): DockerEntry[] {
  const bad = (what: string) => invalidArgument(`manifest.json: ${what}`);
  if (!Array.isArray(v)) throw bad('must be a JSON array');
  return v.map((e: unknown, i) => {
    const o = e as Partial<DockerEntry> | null;
    if (typeof o !== 'object' || o === null) throw bad(`[${i}] must be an object`);
    if (typeof o.Config !== 'string') throw bad(`[${i}].Config must be a string`);
    if (!Array.isArray(o.Layers) || o.Layers.some((l) => typeof l !== 'string'))
      throw bad(`[${i}].Layers must be an array of paths`);
    if (o.RepoTags != null && (!Array.isArray(o.RepoTags) || o.RepoTags.some((t) => typeof t !== 'string')))
      throw bad(`[${i}].RepoTags must be an array of names`);
    return o as DockerEntry;
  });
}

const LAYER_TYPE = {
  none: MediaType.DockerLayer,
  gzip: MediaType.DockerLayerGzip,
  zstd: MediaType.DockerLayerZstd,
} as const;

function planDocker(files: ArchiveFiles, defaultName: string): Plan {
  const entries = dockerEntries(
    json(files.data(files.get('manifest.json', 'manifest'), 'manifest.json'), 'manifest.json'),
  );
  const plan: Plan = { blobs: [], images: [] };
  for (const e of entries) {
    const configFile = files.get(e.Config, 'config');
    const configBytes = files.data(configFile, 'config');
    const configDigest = sha256(configBytes);
    const named = digestInName(e.Config);
    if (named && named !== configDigest)
      throw failedPrecondition(`config ${e.Config} does not match its digest (content is ${configDigest})`);
    const config = parseConfig(configBytes, configDigest);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== e.Layers.length)
      throw failedPrecondition(
        `manifest.json lists ${e.Layers.length} layers but config ${e.Config} has ${diffIds.length} diffIDs`,
      );
    const layers = e.Layers.map((path, i) => {
      const file = files.get(path, 'layer');
      const { digest, size } = files.describe(file);
      const compression = sniff(files.head(file));
      if (compression === 'none' && digest !== diffIds[i])
        throw failedPrecondition(
          `layer ${path} is ${digest}, but config ${e.Config} says its diffID is ${diffIds[i]}`,
        );
      plan.blobs.push({ file, labels: {} });
      return { mediaType: LAYER_TYPE[compression], digest, size };
    });
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, digest: configDigest, size: configBytes.length },
      layers,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    plan.blobs.push({ file: configFile, labels: {} });
    plan.blobs.push({
      file: { kind: 'mem', data: manifestBytes, size: manifestBytes.length },
      labels: manifestGcLabels(manifest),
    });
    const target: Descriptor = {
      mediaType: MediaType.DockerManifest,
      digest: sha256(manifestBytes),
      size: manifestBytes.length,
      annotations: {},
    };
    const names = (e.RepoTags ?? []).map(canonical);
    if (names.length === 0) names.push(defaultName ? canonical(defaultName) : '');
    for (const name of names) plan.images.push({ name, target });
  }
  return plan;
}

// ---------------------------------------------------------------- OCI image layout

function planOci(files: ArchiveFiles, defaultName: string): Plan {
  const layout = files.files.get('oci-layout');
  if (layout?.kind === 'mem') {
    const v = (json(layout.data, 'oci-layout') as { imageLayoutVersion?: unknown } | null)
      ?.imageLayoutVersion;
    if (v !== '1.0.0')
      throw invalidArgument(`oci-layout: unsupported imageLayoutVersion ${JSON.stringify(v)}`);
  }
  const indexBytes = files.data(files.get('index.json', 'index'), 'index.json');
  const index = parseIndex(indexBytes, undefined, sha256(indexBytes));
  const plan: Plan = { blobs: [], images: [] };
  const seen = new Set<string>();

  const blob = (d: ImageDescriptor, what: string): ArchiveFile => {
    const path = blobPath(d.digest);
    const file = files.get(path, what);
    const actual = files.describe(file);
    if (actual.digest !== d.digest)
      throw failedPrecondition(`${what} ${path} does not match its digest (content is ${actual.digest})`);
    if (actual.size !== d.size)
      throw failedPrecondition(
        `${what} ${d.digest} has ${actual.size} bytes, but its descriptor says ${d.size}`,
      );
    return file;
  };
  const add = (file: ArchiveFile, labels: Labels, digest: string) => {
    if (seen.has(digest)) return;
    seen.add(digest);
    plan.blobs.push({ file, labels });
  };
  const walk = (d: ImageDescriptor, optional: boolean): void => {
    if (isIndex(d.mediaType)) {
      const file = blob(d, 'index');
      const idx = parseIndex(files.data(file, 'index'), d.mediaType, d.digest);
      // A layout may hold only some platforms of an index: the others are skipped.
      for (const m of idx.manifests) walk(m, true);
      add(file, indexGcLabels(idx), d.digest);
    } else if (isManifest(d.mediaType)) {
      if (optional && !files.files.has(blobPath(d.digest))) return;
      const file = blob(d, 'manifest');
      const m = parseManifest(files.data(file, 'manifest'), d.mediaType, d.digest);
      const configFile = blob(m.config, 'config');
      parseConfig(files.data(configFile, 'config'), m.config.digest);
      for (const l of m.layers) add(blob(l, 'layer'), {}, l.digest);
      add(configFile, {}, m.config.digest);
      add(file, manifestGcLabels(m), d.digest);
    } else if (!optional) {
      throw invalidArgument(`index.json: ${d.digest} has media type ${d.mediaType}, not an image`);
    }
  };
  for (const d of index.manifests) {
    walk(d, false);
    const target: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: {} };
    plan.images.push({ name: ociName(d, defaultName), target });
  }
  return plan;
}

const blobPath = (digest: string) => `blobs/${digest.replace(':', '/')}`;

/** containerd's full-name annotation, else the OCI ref name (a tag goes on default_name's repository). */
function ociName(d: ImageDescriptor, defaultName: string): string {
  const full = d.annotations?.[IMAGE_NAME];
  if (full) return canonical(full);
  const ref = d.annotations?.[REF_NAME];
  if (ref && /[/:@]/.test(ref)) return canonical(ref);
  if (!defaultName) return '';
  if (!ref) return canonical(defaultName);
  const base = parseReference(defaultName);
  return formatReference(withTag({ domain: base.domain, path: base.path }, ref));
}
