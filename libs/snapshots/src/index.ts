/**
 * @module @berth/snapshots — the snapshotter contract, proto conversion and the gRPC proxy.
 */
export type { Info, Kind, Mount, Usage } from './types.js';
export type { Snapshotter } from './snapshotter.js';
export {
  infoToProto,
  infoFromProto,
  kindToProto,
  kindFromProto,
  mountToProto,
  mountFromProto,
} from './convert.js';
export { createSnapshotsProxy, DEFAULT_SNAPSHOTTER } from './proxy.js';
