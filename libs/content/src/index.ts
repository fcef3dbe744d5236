/**
 * @module @berth/content — the content store contract (interfaces, types,
 * digests), proto conversion, and the gRPC client proxy.
 */
export type { Info, Status } from './types.js';
export type {
  ContentStore,
  Provider,
  Manager,
  IngestManager,
  Ingester,
  Writer,
  OpenWriterOptions,
} from './store.js';
export { parseDigest, digestHex } from './digest.js';
export { infoToProto, infoFromProto, statusToProto, statusFromProto, timeFromProto } from './convert.js';
export { createContentProxy, WRITE_CHUNK } from './proxy.js';
export { setBlobLabels } from './set-labels.js';
export { openBlob, localBlobPath } from './local-read.js';
export type { Locator } from './local-read.js';
