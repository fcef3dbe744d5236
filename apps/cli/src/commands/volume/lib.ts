/** What the volume commands share: the client and docker's view of a volume. */
import { VolumesClient, type Volume } from '@berth/proto/berth/volumes/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

export const openVolumes = (ctx: Context): VolumesClient => openClient(ctx, VolumesClient);

/** RFC 3339 to the second, as docker prints CreatedAt. */
const rfc3339 = (d: Date | undefined) => (d ?? new Date(0)).toISOString().replace(/\.\d+Z$/, 'Z');

const orNull = (m: Record<string, string>) => (Object.keys(m).length ? m : null);

/** `docker volume inspect`'s object. */
export function inspectView(v: Volume): Record<string, unknown> {
  return {
    CreatedAt: rfc3339(v.createdAt),
    Driver: v.driver,
    Labels: orNull(v.labels),
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: orNull(v.options),
    Scope: v.scope,
  };
}

/** What `volume ls` templates see (docker's volume formatter fields). */
export interface VolumeContext {
  Name: string;
  Driver: string;
  Scope: string;
  Mountpoint: string;
  Labels: string;
  Links: string;
  Size: string;
}

export function volumeContext(v: Volume): VolumeContext {
  return {
    Name: v.name,
    Driver: v.driver,
    Scope: v.scope,
    Mountpoint: v.mountpoint,
    Labels: Object.entries(v.labels)
      .map(([k, val]) => `${k}=${val}`)
      .join(','),
    Links: String(v.containers.length),
    Size: 'N/A',
  };
}

export const VOLUME_HEADER: VolumeContext = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
};
