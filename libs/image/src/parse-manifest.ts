/**
 * Parses manifests, indexes and image configs from untrusted bytes (a registry, an archive):
 * the bytes must hash to the digest they were asked for, the media type is taken from the
 * transport or, when that is missing or generic, from the JSON, and the JSON must have the
 * shape of ./manifest.ts. Schema 1 manifests are rejected with NotImplemented.
 */
import { invalidArgument, notImplemented, wrap } from '@berth/errdefs';
import { verifyDigest } from './digest.js';
import * as shape from './json-shape.js';
import type { ImageConfig, Index, Manifest } from './manifest.js';
import { MediaType, baseMediaType, isIndex, isManifest, isSchema1 } from './media-types.js';

type Json = Record<string, unknown>;

const SCHEMA1 = 'schema1 manifests are deprecated and not supported: re-push the image with a current client';
const GENERIC = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

/**
 * Returns the media type of manifest or index `bytes`: the transport's (`Content-Type`, an
 * archive's descriptor) unless it is missing or generic (application/json, text/plain,
 * application/octet-stream), else the JSON's `mediaType` field, else what the JSON's shape
 * says (`manifests` → OCI index, `config` → OCI manifest).
 * @throws NotImplemented for schema 1; InvalidArgument when the bytes are not a JSON object
 *   or the type cannot be told.
 */
export function detectMediaType(bytes: Uint8Array, transportMediaType?: string): string {
  if (transportMediaType !== undefined && isSchema1(transportMediaType)) throw notImplemented(SCHEMA1);
  const json = decode(bytes);
  if (json === undefined) throw invalidArgument('manifest is not a JSON object');
  if (json.schemaVersion === 1) throw notImplemented(SCHEMA1);
  return resolveMediaType(json, transportMediaType);
}

/**
 * Parses an image manifest fetched as `digest`.
 * @throws FailedPrecondition "manifest <digest> does not match its content" when the bytes
 *   hash to something else; NotImplemented for schema 1 and unknown media types;
 *   InvalidArgument for an index or malformed JSON, naming the offending field.
 */
export function parseManifest(bytes: Uint8Array, mediaType: string | undefined, digest: string): Manifest {
  return load(bytes, mediaType, digest, 'manifest', (json, mt) => {
    if (!isManifest(mt)) throw wrongKind(mt, 'manifest');
    schemaVersion2(json);
    shape.descriptor(json.config, 'config');
    shape.array(json.layers, 'layers').forEach((l, i) => shape.descriptor(l, `layers[${i}]`));
    common(json);
    return { ...json, mediaType: mt } as unknown as Manifest;
  });
}

/**
 * Parses an index (OCI image index or Docker manifest list) fetched as `digest`.
 * @throws as {@link parseManifest}, with "index" in messages.
 */
export function parseIndex(bytes: Uint8Array, mediaType: string | undefined, digest: string): Index {
  return load(bytes, mediaType, digest, 'index', (json, mt) => {
    if (!isIndex(mt)) throw wrongKind(mt, 'index');
    schemaVersion2(json);
    shape.array(json.manifests, 'manifests').forEach((m, i) => shape.descriptor(m, `manifests[${i}]`));
    common(json);
    return { ...json, mediaType: mt } as unknown as Index;
  });
}

/**
 * Parses an image config fetched as `digest`.
 * @throws FailedPrecondition "config <digest> does not match its content"; InvalidArgument
 *   for malformed JSON, naming the offending field.
 */
export function parseConfig(bytes: Uint8Array, digest: string): ImageConfig {
  verifyDigest(bytes, digest, 'config');
  const json = decode(bytes);
  if (json === undefined) throw invalidArgument(`config ${digest} is not a JSON object`);
  try {
    shape.string(json.architecture, 'architecture');
    shape.string(json.os, 'os');
    for (const k of ['created', 'author', 'variant']) shape.optional(json[k], k, shape.string);
    const rootfs = shape.object(json.rootfs, 'rootfs');
    if (rootfs.type !== 'layers') throw invalidArgument('rootfs.type: must be "layers"');
    shape
      .array(rootfs.diff_ids, 'rootfs.diff_ids')
      .forEach((d, i) => shape.digest(d, `rootfs.diff_ids[${i}]`));
    shape.optional(json.history, 'history', (h, at) =>
      shape.array(h, at).forEach((e, i) => history(e, `${at}[${i}]`)),
    );
    shape.nullable(json.config, 'config', containerConfig);
  } catch (err) {
    throw wrap(err, `config ${digest}`);
  }
  return json as unknown as ImageConfig;
}

function load<T>(
  bytes: Uint8Array,
  transportMediaType: string | undefined,
  digest: string,
  what: string,
  check: (json: Json, mediaType: string) => T,
): T {
  if (transportMediaType !== undefined && isSchema1(transportMediaType)) throw notImplemented(SCHEMA1);
  const json = decode(bytes);
  // Schema 1 before the digest: a signed schema 1 manifest's digest excludes its signatures,
  // so the digest check would fail with a misleading message.
  if (json?.schemaVersion === 1) throw notImplemented(SCHEMA1);
  verifyDigest(bytes, digest, what);
  if (json === undefined) throw invalidArgument(`${what} ${digest} is not a JSON object`);
  try {
    return check(json, resolveMediaType(json, transportMediaType));
  } catch (err) {
    throw wrap(err, `${what} ${digest}`);
  }
}

function decode(bytes: Uint8Array): Json | undefined {
  try {
    const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return shape.isObject(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

function resolveMediaType(json: Json, transport: string | undefined): string {
  const declared = typeof json.mediaType === 'string' ? baseMediaType(json.mediaType) : undefined;
  const served = transport === undefined ? '' : baseMediaType(transport);
  if (!GENERIC.has(served)) {
    if (declared !== undefined && declared !== served) {
      throw invalidArgument(`declares media type ${declared} but was served as ${served}`);
    }
    return served;
  }
  if (declared !== undefined) return declared;
  if ('manifests' in json) return MediaType.OciIndex;
  if ('config' in json && 'layers' in json) return MediaType.OciManifest;
  throw invalidArgument(
    'cannot tell its media type: no mediaType field, and neither manifests nor config/layers',
  );
}

function wrongKind(mediaType: string, want: 'manifest' | 'index') {
  if (isSchema1(mediaType)) return notImplemented(SCHEMA1);
  if (isIndex(mediaType) || isManifest(mediaType)) {
    return invalidArgument(
      `is ${isIndex(mediaType) ? 'an index' : 'a manifest'} (${mediaType}), not ${want === 'index' ? 'an index' : 'a manifest'}`,
    );
  }
  return notImplemented(`unsupported ${want} media type ${mediaType}`);
}

function schemaVersion2(json: Json): void {
  if (json.schemaVersion !== 2) {
    throw invalidArgument(`schemaVersion: must be 2, got ${JSON.stringify(json.schemaVersion) ?? 'nothing'}`);
  }
}

function common(json: Json): void {
  shape.optional(json.subject, 'subject', shape.descriptor);
  shape.optional(json.annotations, 'annotations', shape.stringMap);
}

function history(v: unknown, at: string): void {
  const h = shape.object(v, at);
  for (const k of ['created', 'created_by', 'author', 'comment'])
    shape.optional(h[k], `${at}.${k}`, shape.string);
  if (h.empty_layer !== undefined && typeof h.empty_layer !== 'boolean') {
    throw invalidArgument(`${at}.empty_layer: must be a boolean`);
  }
}

function containerConfig(v: unknown, at: string): void {
  const c = shape.object(v, at);
  for (const k of ['User', 'WorkingDir', 'StopSignal']) shape.optional(c[k], `${at}.${k}`, shape.string);
  for (const k of ['Env', 'Entrypoint', 'Cmd']) shape.nullable(c[k], `${at}.${k}`, shape.stringArray);
  for (const k of ['ExposedPorts', 'Volumes']) shape.nullable(c[k], `${at}.${k}`, shape.object);
  shape.nullable(c.Labels, `${at}.Labels`, shape.stringMap);
}
