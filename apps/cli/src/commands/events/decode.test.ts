import { describe, it, expect } from 'vitest';
import { ContentDelete, NamespaceCreate, TaskExit } from '@berth/proto/events';
import { ImageCreate } from '@berth/proto/images/v1';
import { decodePayload } from './decode.js';
import { formatEnvelope } from './events.js';

const any = (typeUrl: string, value: Uint8Array) => ({ typeUrl, value: Buffer.from(value) });

describe('decodePayload', () => {
  it('decodes containerd.events payloads to JSON', () => {
    const v = ContentDelete.encode({ digest: 'sha256:abc' }).finish();
    expect(decodePayload(any('containerd.events.ContentDelete', v))).toEqual({ digest: 'sha256:abc' });
    const exit = TaskExit.encode(
      TaskExit.fromPartial({ containerId: 'c1', exitStatus: 3, exitedAt: new Date('2024-01-01T00:00:00Z') }),
    ).finish();
    expect(decodePayload(any('containerd.events.TaskExit', exit))).toMatchObject({
      containerId: 'c1',
      exitStatus: 3,
      exitedAt: '2024-01-01T00:00:00.000Z',
    });
  });
  it('decodes image events and tolerates a type.googleapis.com/ prefix', () => {
    const v = ImageCreate.encode({ name: 'docker.io/library/busybox:latest', labels: {} }).finish();
    expect(
      decodePayload(any('type.googleapis.com/containerd.services.images.v1.ImageCreate', v)),
    ).toMatchObject({
      name: 'docker.io/library/busybox:latest',
    });
  });
  it('summarises unknown or undecodable payloads', () => {
    expect(decodePayload(any('berth.events.Unknown', new Uint8Array(7)))).toEqual({
      typeUrl: 'berth.events.Unknown',
      bytes: 7,
    });
    expect(decodePayload(any('containerd.events.ContentDelete', new Uint8Array([0xff, 0xff])))).toEqual({
      typeUrl: 'containerd.events.ContentDelete',
      bytes: 2,
    });
    expect(decodePayload(undefined)).toBeNull();
  });
});

describe('formatEnvelope', () => {
  const env = {
    timestamp: new Date('2024-05-06T07:08:09.123Z'),
    namespace: 'default',
    topic: '/namespaces/create',
    event: any(
      'containerd.events.NamespaceCreate',
      NamespaceCreate.encode({ name: 'n', labels: {} }).finish(),
    ),
  };
  it('prints RFC 3339 time, namespace, topic and payload on one line', () => {
    expect(formatEnvelope(env, 'text')).toBe(
      '2024-05-06T07:08:09.123Z default /namespaces/create {"name":"n"}',
    );
  });
  it('prints one JSON object with --format json', () => {
    expect(JSON.parse(formatEnvelope(env, 'json'))).toEqual({
      timestamp: '2024-05-06T07:08:09.123Z',
      namespace: 'default',
      topic: '/namespaces/create',
      typeUrl: 'containerd.events.NamespaceCreate',
      event: { name: 'n' },
    });
  });
});
