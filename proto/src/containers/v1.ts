// containerd.services.containers.v1: Containers service (ContainersService, ContainersClient) and messages.
export * from '../gen/containerd/services/containers/v1/containers.js';
