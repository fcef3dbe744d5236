/**
 * @module @berth/tar — the only place berth turns layer tars into files and files back
 * into layer tars: applyLayer (with whiteouts, diffID, gzip/zstd sniffing) and the layer
 * writers for an overlay upper dir or a pair of plain trees. Also secureJoin, the
 * root-scoped path resolution the extractor uses.
 */
export { applyLayer, type ApplyOptions, type ApplyResult } from './apply.js';
export { detectCompression, type Compression } from './decompress.js';
export { writeLayerFromUpper } from './upper.js';
export { writeLayerFromDiff } from './diff.js';
export type { WriteLayerOptions } from './entries.js';
export { cleanEntryName, secureJoin, MAX_SYMLINK_HOPS } from './path.js';
export type { WhiteoutMode } from './whiteouts.js';
