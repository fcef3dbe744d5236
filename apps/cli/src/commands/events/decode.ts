/**
 * Decoding of event payloads (Envelope.event, an Any) into JSON for display.
 * containerd's type URLs carry no `type.googleapis.com/` prefix
 * (`containerd.events.ContentDelete`); a prefix is tolerated. Unknown types
 * are summarised as `{typeUrl, bytes}`.
 */
import * as events from '@berth/proto/events';
import {
  ImageCreate,
  ImageDelete,
  ImageUpdate,
  protobufPackage as imagesPackage,
} from '@berth/proto/images/v1';
import { HealthStatus, protobufPackage as runtimePackage } from '@berth/proto/berth/runtime/v1';
import { VolumeCreate, VolumeDelete, protobufPackage as volumesPackage } from '@berth/proto/berth/volumes/v1';
import type { Any } from '@berth/proto/google';

interface Decoder {
  decode(input: Uint8Array): unknown;
  toJSON(message: never): unknown;
}

const EVENTS: Record<string, Decoder> = {
  NamespaceCreate: events.NamespaceCreate,
  NamespaceUpdate: events.NamespaceUpdate,
  NamespaceDelete: events.NamespaceDelete,
  ContentDelete: events.ContentDelete,
  SnapshotPrepare: events.SnapshotPrepare,
  SnapshotCommit: events.SnapshotCommit,
  SnapshotRemove: events.SnapshotRemove,
  ContainerCreate: events.ContainerCreate,
  ContainerUpdate: events.ContainerUpdate,
  ContainerDelete: events.ContainerDelete,
  TaskCreate: events.TaskCreate,
  TaskStart: events.TaskStart,
  TaskDelete: events.TaskDelete,
  TaskIO: events.TaskIO,
  TaskExit: events.TaskExit,
  TaskOOM: events.TaskOOM,
  TaskExecAdded: events.TaskExecAdded,
  TaskExecStarted: events.TaskExecStarted,
  TaskPaused: events.TaskPaused,
  TaskResumed: events.TaskResumed,
  TaskCheckpointed: events.TaskCheckpointed,
};

/** Full type name → decoder, for every event payload berth knows. */
export const DECODERS: ReadonlyMap<string, Decoder> = new Map([
  ...Object.entries(EVENTS).map(([name, d]) => [`${events.protobufPackage}.${name}`, d] as const),
  ...Object.entries({ ImageCreate, ImageUpdate, ImageDelete }).map(
    ([name, d]) => [`${imagesPackage}.${name}`, d as Decoder] as const,
  ),
  ...Object.entries({ VolumeCreate, VolumeDelete }).map(
    ([name, d]) => [`${volumesPackage}.${name}`, d as Decoder] as const,
  ),
  [`${runtimePackage}.HealthStatus`, HealthStatus as Decoder],
]);

/** Returns the payload as JSON: the decoded message, or `{typeUrl, bytes}` when unknown or undecodable. */
export function decodePayload(any: Any | undefined): unknown {
  if (!any) return null;
  const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
  const d = DECODERS.get(typeName);
  if (d) {
    try {
      return d.toJSON(d.decode(any.value) as never);
    } catch {
      // A payload that does not match its type is shown like an unknown one.
    }
  }
  return { typeUrl: any.typeUrl, bytes: any.value.length };
}
