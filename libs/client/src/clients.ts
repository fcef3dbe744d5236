/**
 * The generated gRPC clients the container flows use, with the call options
 * (namespace above all) for every call. Callers dial them however they like;
 * `dialClients` is the plain way for one socket.
 */
import { dial, type CallOpts } from '@berth/grpc';
import { TransferClient } from '@berth/proto/berth/images/v1';
import { NetworksClient } from '@berth/proto/berth/network/v1';
import { RuntimeClient } from '@berth/proto/berth/runtime/v1';
import { ContainersClient } from '@berth/proto/containers/v1';
import { ImagesClient } from '@berth/proto/images/v1';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { TasksClient } from '@berth/proto/tasks/v1';

export interface Clients {
  images: ImagesClient;
  /** berth.images.v1: Inspect (manifest and config), Pull, Unpack. */
  transfer: TransferClient;
  snapshots: SnapshotsClient;
  containers: ContainersClient;
  tasks: TasksClient;
  runtime: RuntimeClient;
  /** berth.network.v1 (berth-network): container attachments, networks. */
  networks: NetworksClient;
  /**
   * Options for every call: `ns` (the containerd namespace) is required. A `timeoutMs` applies
   * to short calls only; waits and attach streams never time out by themselves.
   */
  opts: CallOpts & { ns: string };
}

/** The snapshotter containers use. */
export const SNAPSHOTTER = 'overlayfs';
/** The runtime name recorded on containers (containerd's). */
export const RUNTIME_NAME = 'io.containerd.runc.v2';
export const SPEC_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
export const PROCESS_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Process';

/** Dials every client on `address`; `close()` closes them all. */
export function dialClients(address: string, opts: Clients['opts']): Clients & { close(): void } {
  const c = {
    images: dial(ImagesClient, address),
    transfer: dial(TransferClient, address),
    snapshots: dial(SnapshotsClient, address),
    containers: dial(ContainersClient, address),
    tasks: dial(TasksClient, address),
    runtime: dial(RuntimeClient, address),
    networks: dial(NetworksClient, address),
  };
  return { ...c, opts, close: () => Object.values(c).forEach((x) => x.close()) };
}

/** The call options without a deadline, for calls that wait on a container. */
export function longCall(c: Clients, signal?: AbortSignal): CallOpts {
  const { timeoutMs: _t, ...rest } = c.opts;
  return signal ? { ...rest, signal } : rest;
}
