/**
 * Which backend process owns which gRPC services. This table is the only place
 * to touch when a service is added: the proxy registers every method of the
 * listed definitions. Sockets follow the convention <state>/<name>.sock.
 */
import { join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { ContentService } from '@berth/proto/content/v1';
import { LocalContentService } from '@berth/proto/berth/content/v1';
import { SnapshotsService } from '@berth/proto/snapshots/v1';
import { DiffService } from '@berth/proto/diff/v1';
import { ImagesService } from '@berth/proto/images/v1';
import { ContainersService } from '@berth/proto/containers/v1';
import { TasksService } from '@berth/proto/tasks/v1';
import { RuntimeService } from '@berth/proto/berth/runtime/v1';
import { TransferService } from '@berth/proto/berth/images/v1';
import { NetworksService } from '@berth/proto/berth/network/v1';
import { VolumesService } from '@berth/proto/berth/volumes/v1';
import type { Backend } from './proxy.js';

interface BackendSpec {
  /** Short name: socket <state>/<name>.sock, process berth-<name>. */
  name: string;
  services: ServiceDefinition[];
  /** containerd plugin type/id pairs reported by Introspection.Plugins. */
  plugins: Array<{ type: string; id: string }>;
}

export const BACKENDS: BackendSpec[] = [
  {
    name: 'content',
    services: [ContentService, LocalContentService],
    plugins: [
      { type: 'io.containerd.content.v1', id: 'content' },
      { type: 'io.containerd.grpc.v1', id: 'content' },
    ],
  },
  {
    name: 'snapshotter',
    services: [SnapshotsService, DiffService],
    plugins: [
      { type: 'io.containerd.snapshotter.v1', id: 'overlayfs' },
      { type: 'io.containerd.grpc.v1', id: 'snapshots' },
      { type: 'io.containerd.grpc.v1', id: 'diff' },
    ],
  },
  {
    name: 'images',
    services: [ImagesService, TransferService],
    plugins: [{ type: 'io.containerd.grpc.v1', id: 'images' }],
  },
  {
    name: 'runtime',
    services: [ContainersService, TasksService, RuntimeService, VolumesService],
    plugins: [
      { type: 'io.containerd.grpc.v1', id: 'containers' },
      { type: 'io.containerd.grpc.v1', id: 'tasks' },
      { type: 'io.containerd.runtime.v2', id: 'task' },
      { type: 'io.berth.grpc.v1', id: 'volumes' },
    ],
  },
  {
    name: 'network',
    services: [NetworksService],
    plugins: [{ type: 'io.berth.grpc.v1', id: 'network' }],
  },
];

export interface ResolvedBackend extends Backend {
  name: string;
  plugins: BackendSpec['plugins'];
}

/** Resolves sockets for a state dir; `overrides` maps a backend name to another socket. */
export function resolveBackends(state: string, overrides: Record<string, string> = {}): ResolvedBackend[] {
  return BACKENDS.map((b) => ({
    name: b.name,
    process: `berth-${b.name}`,
    socket: overrides[b.name] ?? join(state, `${b.name}.sock`),
    services: b.services,
    plugins: b.plugins,
  }));
}
