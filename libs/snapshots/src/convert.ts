/** proto ↔ domain conversion for snapshots, shared by the server and the proxy. */
import { Kind as PbKind, type Info as PbInfo } from '@berth/proto/snapshots/v1';
import type { Mount as PbMount } from '@berth/proto/types';
import { invalidArgument } from '@berth/errdefs';
import { timeFromProto } from '@berth/content';
import type { Info, Kind, Mount } from './types.js';

const kinds: Array<[Kind, PbKind]> = [
  ['active', PbKind.ACTIVE],
  ['view', PbKind.VIEW],
  ['committed', PbKind.COMMITTED],
];

export const kindToProto = (k: Kind): PbKind => kinds.find(([d]) => d === k)![1];

export function kindFromProto(k: PbKind): Kind {
  const hit = kinds.find(([, p]) => p === k);
  if (!hit) throw invalidArgument(`unknown snapshot kind ${k}`);
  return hit[0];
}

export const infoToProto = (i: Info): PbInfo => ({
  ...i,
  kind: kindToProto(i.kind),
  labels: { ...i.labels },
});

export const infoFromProto = (p: PbInfo | undefined): Info => ({
  name: p?.name ?? '',
  parent: p?.parent ?? '',
  kind: kindFromProto(p?.kind ?? PbKind.UNKNOWN),
  createdAt: timeFromProto(p?.createdAt) ?? new Date(0),
  updatedAt: timeFromProto(p?.updatedAt) ?? new Date(0),
  labels: { ...(p?.labels ?? {}) },
});

export const mountToProto = (m: Mount): PbMount => ({
  type: m.type,
  source: m.source,
  target: m.target ?? '',
  options: [...m.options],
});

export const mountFromProto = (m: PbMount): Mount => ({
  type: m.type,
  source: m.source,
  ...(m.target ? { target: m.target } : {}),
  options: [...m.options],
});
