/**
 * Recording an image the way containerd's client does after a pull or import:
 * Create, or Update of the target after AlreadyExists; then the same
 * /images/create or /images/update event ImagesServer publishes.
 */
import { ImageCreate, ImageUpdate } from '@berth/proto/images/v1';
import { isAlreadyExists } from '@berth/errdefs';
import { packAny, type EventPublisher } from '@berth/events';
import type { Descriptor, Image, ImageStore } from './store.js';

/** What recordImage did: a new record, a moved target, or nothing (same target already). */
export type RecordResult = 'created' | 'updated' | 'unchanged';

/** Publishes containerd's /images/create or /images/update event for `img`. */
export function publishImageEvent(
  bus: EventPublisher,
  ns: string,
  kind: 'create' | 'update',
  img: Image,
): void {
  // ImageCreate and ImageUpdate carry the same fields; only the type URL and topic differ.
  const [type, typeUrl] =
    kind === 'create'
      ? [ImageCreate, 'containerd.services.images.v1.ImageCreate']
      : [ImageUpdate, 'containerd.services.images.v1.ImageUpdate'];
  bus.publish(ns, `/images/${kind}`, packAny(typeUrl, type, { name: img.name, labels: img.labels }));
}

/** Points `name` at `target` in `ns` (create, or update after AlreadyExists) and publishes the event. */
export async function recordImage(
  deps: { images: ImageStore; bus: EventPublisher },
  ns: string,
  name: string,
  target: Descriptor,
): Promise<{ image: Image; result: RecordResult }> {
  try {
    const image = await deps.images.create(ns, { name, labels: {}, target });
    publishImageEvent(deps.bus, ns, 'create', image);
    return { image, result: 'created' };
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const cur = await deps.images.get(ns, name);
  if (cur.target.digest === target.digest && cur.target.mediaType === target.mediaType)
    return { image: cur, result: 'unchanged' };
  const image = await deps.images.update(ns, { name, labels: {}, target }, ['target']);
  publishImageEvent(deps.bus, ns, 'update', image);
  return { image, result: 'updated' };
}
