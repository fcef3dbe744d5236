/**
 * berth.volumes.v1.Volumes over the VolumeManager: convert and call, no logic of its own.
 */
import type { CallContext } from '@berth/grpc';
import type {
  CreateVolumeRequest,
  CreateVolumeResponse,
  DeleteVolumeRequest,
  DeleteVolumeResponse,
  GetVolumeRequest,
  GetVolumeResponse,
  ListVolumesRequest,
  ListVolumesResponse,
  PruneVolumesRequest,
  PruneVolumesResponse,
  Volume,
} from '@berth/proto/berth/volumes/v1';
import type { VolumeManager, VolumeView } from './manager.js';

export function volumeToProto(v: VolumeView): Volume {
  return {
    name: v.name,
    driver: v.driver,
    mountpoint: v.mountpoint,
    createdAt: new Date(v.createdAt),
    labels: v.labels,
    options: v.options,
    scope: 'local',
    anonymous: v.anonymous,
    containers: v.containers,
  };
}

export class VolumesServer {
  constructor(private readonly volumes: VolumeManager) {}

  async create(req: CreateVolumeRequest, ctx: CallContext): Promise<CreateVolumeResponse> {
    const v = await this.volumes.create(ctx.ns, {
      name: req.name,
      driver: req.driver,
      driverOpts: req.driverOpts,
      labels: req.labels,
    });
    return { volume: volumeToProto(v) };
  }

  async get(req: GetVolumeRequest, ctx: CallContext): Promise<GetVolumeResponse> {
    return { volume: volumeToProto(await this.volumes.get(ctx.ns, req.name)) };
  }

  async list(req: ListVolumesRequest, ctx: CallContext): Promise<ListVolumesResponse> {
    return { volumes: (await this.volumes.list(ctx.ns, req.filters)).map(volumeToProto) };
  }

  async delete(req: DeleteVolumeRequest, ctx: CallContext): Promise<DeleteVolumeResponse> {
    await this.volumes.delete(ctx.ns, req.name, req.force);
    return {};
  }

  async prune(req: PruneVolumesRequest, ctx: CallContext): Promise<PruneVolumesResponse> {
    const r = await this.volumes.prune(ctx.ns, req.all, req.filters);
    return { deleted: r.deleted, reclaimedBytes: r.bytes };
  }
}
