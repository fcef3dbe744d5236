/**
 * containerd.services.images.v1.Images over the ImageStore, publishing
 * containerd's /images/create|update|delete events.
 */
import {
  ImageDelete,
  type CreateImageRequest,
  type CreateImageResponse,
  type DeleteImageRequest,
  type GetImageRequest,
  type GetImageResponse,
  type Image as PbImage,
  type ListImagesRequest,
  type ListImagesResponse,
  type UpdateImageRequest,
  type UpdateImageResponse,
} from '@berth/proto/images/v1';
import type { Empty } from '@berth/proto/google';
import { invalidArgument } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import { packAny, type EventPublisher } from '@berth/events';
import type { Image, ImageStore } from './store.js';
import { publishImageEvent } from './images-events.js';

const toProto = (i: Image): PbImage => ({ ...i, target: { ...i.target } });

function fromProto(p: PbImage | undefined): Omit<Image, 'createdAt' | 'updatedAt'> {
  if (!p) throw invalidArgument('image is required');
  return {
    name: p.name,
    labels: { ...p.labels },
    target: {
      mediaType: p.target?.mediaType ?? '',
      digest: p.target?.digest ?? '',
      size: p.target?.size ?? 0,
      annotations: { ...(p.target?.annotations ?? {}) },
    },
  };
}

export class ImagesServer {
  constructor(
    private readonly store: ImageStore,
    private readonly bus: EventPublisher,
  ) {}

  async get(req: GetImageRequest, ctx: CallContext): Promise<GetImageResponse> {
    return { image: toProto(await this.store.get(ctx.ns, req.name)) };
  }

  async list(req: ListImagesRequest, ctx: CallContext): Promise<ListImagesResponse> {
    return { images: (await this.store.list(ctx.ns, req.filters)).map(toProto) };
  }

  async create(req: CreateImageRequest, ctx: CallContext): Promise<CreateImageResponse> {
    const img = await this.store.create(ctx.ns, fromProto(req.image));
    publishImageEvent(this.bus, ctx.ns, 'create', img);
    return { image: toProto(img) };
  }

  async update(req: UpdateImageRequest, ctx: CallContext): Promise<UpdateImageResponse> {
    const img = await this.store.update(ctx.ns, fromProto(req.image), req.updateMask);
    publishImageEvent(this.bus, ctx.ns, 'update', img);
    return { image: toProto(img) };
  }

  async delete(req: DeleteImageRequest, ctx: CallContext): Promise<Empty> {
    await this.store.delete(ctx.ns, req.name);
    this.bus.publish(
      ctx.ns,
      '/images/delete',
      packAny('containerd.services.images.v1.ImageDelete', ImageDelete, { name: req.name }),
    );
    return {};
  }
}
