// containerd.services.images.v1: Images service (ImagesService, ImagesClient), messages and the image event payloads (ImageCreate, ImageUpdate, ImageDelete).
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/images/v1/images.js';
