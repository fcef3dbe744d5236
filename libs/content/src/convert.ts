/**
 * proto ↔ domain conversion for content types; shared by the server adapter
 * and the client proxy so the two sides cannot drift.
 */
import type { Info as PbInfo, Status as PbStatus } from '@berth/proto/content/v1';
import type { Info, Status } from './types.js';

// Go clients send unset nullable=false timestamps as 0001-01-01T00:00:00Z.
const GO_ZERO = -62135596800000;

/** Returns the date, or undefined for a missing or Go-zero timestamp. */
export function timeFromProto(d: Date | undefined): Date | undefined {
  return d === undefined || d.getTime() <= GO_ZERO ? undefined : d;
}

export const infoToProto = (i: Info): PbInfo => ({ ...i, labels: { ...i.labels } });

export const infoFromProto = (p: PbInfo | undefined): Info => ({
  digest: p?.digest ?? '',
  size: p?.size ?? 0,
  createdAt: timeFromProto(p?.createdAt) ?? new Date(0),
  updatedAt: timeFromProto(p?.updatedAt) ?? new Date(0),
  labels: { ...(p?.labels ?? {}) },
});

export const statusToProto = (s: Status): PbStatus => ({ ...s });

export const statusFromProto = (p: PbStatus | undefined): Status => ({
  ref: p?.ref ?? '',
  offset: p?.offset ?? 0,
  total: p?.total ?? 0,
  expected: p?.expected ?? '',
  startedAt: timeFromProto(p?.startedAt) ?? new Date(0),
  updatedAt: timeFromProto(p?.updatedAt) ?? new Date(0),
});
