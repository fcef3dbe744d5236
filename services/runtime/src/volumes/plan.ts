/**
 * From a container's requests to its mounts, as docker's daemon does it (pure):
 * `--volumes-from` first (the other container's mounts, read-only if it had them so or
 * `:ro` says so, never copied into), then `-v`/`--mount` replacing those at the same
 * destination, then one anonymous volume for each image `VOLUME` nothing is mounted on.
 * The OCI mounts for the spec and docker inspect's `Mounts` are made here too.
 */
import { posix } from 'node:path';
import { overlayMounts, tmpfsMount, type MountRequest, type Mount as OciMount } from '@berth/oci-spec';
import type { ResolvedMount } from './store.js';

/** A mount still to be resolved: a volume with source '' is a new anonymous volume. */
export interface PlannedMount extends ResolvedMount {
  /** volume: how to create it if it does not exist (`--mount volume-opt=…,volume-label=…`). */
  create?: { driver?: string; driverOpts: Record<string, string>; labels: Record<string, string> };
}

export interface VolumesFrom {
  mounts: readonly ResolvedMount[];
  mode?: 'ro' | 'rw';
}

function fromRequest(r: MountRequest): PlannedMount {
  const base = { destination: r.target, readOnly: r.readOnly, mode: r.mode };
  switch (r.type) {
    case 'bind':
      return {
        type: 'bind',
        source: r.source,
        ...base,
        ...(r.propagation ? { propagation: r.propagation } : {}),
        ...(r.createHostPath ? { createHostPath: true } : {}),
      };
    case 'volume':
      return {
        type: 'volume',
        source: r.source,
        ...base,
        ...(r.noCopy ? { noCopy: true } : {}),
        ...(r.volume ? { create: r.volume } : {}),
      };
    case 'tmpfs': {
      const o = [
        ...(r.tmpfs?.sizeBytes !== undefined ? [`size=${r.tmpfs.sizeBytes}`] : []),
        ...(r.tmpfs?.mode !== undefined ? [`mode=${r.tmpfs.mode.toString(8)}`] : []),
      ];
      return { type: 'tmpfs', source: '', ...base, ...(o.length ? { tmpfsOptions: o.join(',') } : {}) };
    }
  }
}

/** An image VOLUME path as docker keeps it: absolute, clean; undefined for a relative one. */
function imageVolumePath(p: string): string | undefined {
  if (!p.startsWith('/')) return undefined;
  const n = posix.normalize(p);
  const clean = n.length > 1 ? n.replace(/\/+$/, '') : n;
  return clean === '/' ? undefined : clean;
}

/**
 * Returns the container's mounts in docker's precedence (see the module comment). `requests`
 * are parsed and free of duplicates (parseVolumeRequests).
 */
export function planMounts(
  requests: readonly MountRequest[],
  from: readonly VolumesFrom[],
  imageVolumes: readonly string[],
): PlannedMount[] {
  const byDest = new Map<string, PlannedMount>();
  for (const f of from)
    for (const m of f.mounts)
      byDest.set(m.destination, {
        ...m,
        readOnly: m.readOnly || f.mode === 'ro',
        ...(m.type === 'volume' ? { noCopy: true } : {}),
      });
  for (const r of requests) byDest.set(r.target, fromRequest(r));
  for (const p of imageVolumes) {
    const dest = imageVolumePath(p);
    if (dest && !byDest.has(dest))
      byDest.set(dest, { type: 'volume', source: '', destination: dest, readOnly: false, mode: '' });
  }
  return [...byDest.values()];
}

/** The OCI mounts for resolved mounts; `volumeData(name)` is a volume's host directory. */
export function ociMounts(
  mounts: readonly ResolvedMount[],
  volumeData: (name: string) => string,
): OciMount[] {
  return mounts.map((m) => {
    const rw = m.readOnly ? 'ro' : 'rw';
    switch (m.type) {
      case 'bind':
        return {
          destination: m.destination,
          type: 'bind',
          source: m.source,
          options: ['rbind', m.propagation ?? 'rprivate', rw],
        };
      case 'volume':
        return {
          destination: m.destination,
          type: 'bind',
          source: volumeData(m.source),
          options: ['rbind', 'rprivate', rw],
        };
      case 'tmpfs':
        return tmpfsMount(m.destination, [m.tmpfsOptions ?? '', m.readOnly ? 'ro' : ''].join(','));
    }
  });
}

interface SpecWithMounts {
  mounts?: OciMount[];
  linux?: { rootfsPropagation?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/**
 * Puts the mounts into `spec` (replacing its mounts at the same destinations, parents before
 * children) and, as docker, makes the rootfs shared for a shared bind and rslave for a slave one.
 */
export function applyMounts(spec: SpecWithMounts, mounts: readonly OciMount[]): void {
  spec.mounts = overlayMounts(spec.mounts ?? [], mounts);
  const props = mounts.map((m) => m.options?.find((o) => /^r?(shared|slave)$/.test(o))).filter(Boolean);
  const cur = spec.linux?.rootfsPropagation ?? '';
  if (props.some((p) => p!.endsWith('shared'))) {
    if (!/shared$/.test(cur)) spec.linux = { ...spec.linux, rootfsPropagation: 'shared' };
  } else if (props.length && !/(shared|slave)$/.test(cur))
    spec.linux = { ...spec.linux, rootfsPropagation: 'rslave' };
}

/** docker inspect's `Mounts`. */
export function dockerMounts(
  mounts: readonly ResolvedMount[],
  volumeData: (name: string) => string,
): Array<Record<string, unknown>> {
  return mounts.map((m) => {
    switch (m.type) {
      case 'bind':
        return {
          Type: 'bind',
          Source: m.source,
          Destination: m.destination,
          Mode: m.mode,
          RW: !m.readOnly,
          Propagation: m.propagation ?? 'rprivate',
        };
      case 'volume':
        return {
          Type: 'volume',
          Name: m.source,
          Source: volumeData(m.source),
          Destination: m.destination,
          Driver: 'local',
          Mode: m.mode,
          RW: !m.readOnly,
          Propagation: '',
        };
      case 'tmpfs':
        return {
          Type: 'tmpfs',
          Source: '',
          Destination: m.destination,
          Mode: '',
          RW: !m.readOnly,
          Propagation: '',
        };
    }
  });
}
