/**
 * System: the gateway in front of a real berth-content and nats-server, driven
 * with the generated containerd clients over its unix socket.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentProxy } from '@berth/content';
import { packAny } from '@berth/events';
import { dial, unary, serverStream } from '@berth/grpc';
import { AuditClient } from '@berth/proto/berth/events/v1';
import { ContentDelete, NamespaceCreate } from '@berth/proto/events';
import { startService, startSuite, waitFor, type ServiceProcess, type Suite } from '@berth/testkit';
import {
  gatewayClients,
  ingest,
  kindOfRejection,
  missingPrerequisite,
  rejectionOf,
  sha256,
  subscribe,
  triggerUntilReceived,
} from './helpers.js';

const skip = missingPrerequisite();

const nsNames = async (c: ReturnType<typeof gatewayClients>) =>
  (await unary(c.namespaces, c.namespaces.list, { filter: '' })).namespaces.map((n) => n.name);

describe.skipIf(skip !== undefined)(`gateway with berth-content ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let c: ReturnType<typeof gatewayClients>;
  let content: ReturnType<typeof createContentProxy>;

  beforeAll(async () => {
    suite = await startSuite({ services: ['content'] });
    c = gatewayClients(suite.address);
    content = createContentProxy(suite.address, 'berth');
  });
  afterAll(async () => {
    content?.close();
    c?.close();
    await suite?.stop();
  });

  describe('Version and Introspection', () => {
    it('answers Version with the berth version', async () => {
      const v = await unary(c.version, c.version.version, {});
      expect(v.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(v.revision).not.toBe('');
    });

    it('reports content healthy and the backends that are not running with an init error', async () => {
      const { plugins } = await unary(c.introspection, c.introspection.plugins, { filters: [] });
      const find = (type: string, id: string) => plugins.find((p) => p.type === type && p.id === id);
      expect(find('io.containerd.content.v1', 'content')?.initErr).toBeUndefined();
      expect(find('io.containerd.grpc.v1', 'content')?.initErr).toBeUndefined();
      expect(find('io.containerd.grpc.v1', 'namespaces')?.initErr).toBeUndefined();
      const snap = find('io.containerd.snapshotter.v1', 'overlayfs');
      expect(snap?.initErr?.message).toMatch(/berth-snapshotter is unavailable/);
      expect(find('io.containerd.grpc.v1', 'images')?.initErr?.message).toMatch(/berth-images/);

      const filtered = await unary(c.introspection, c.introspection.plugins, {
        filters: ['type==io.containerd.content.v1'],
      });
      expect(filtered.plugins.map((p) => p.id)).toEqual(['content']);
    });
  });

  describe('Namespaces', () => {
    it('answers Get of an unknown namespace with empty labels, not NotFound', async () => {
      const r = await unary(c.namespaces, c.namespaces.get, { name: 'never-created' });
      expect(r.namespace).toEqual({ name: 'never-created', labels: {} });
      expect(await nsNames(c)).not.toContain('never-created');
    });

    it('creates, lists, updates labels by mask and deletes a namespace', async () => {
      await unary(c.namespaces, c.namespaces.create, { namespace: { name: 'team-a', labels: { a: '1' } } });
      expect(await nsNames(c)).toContain('team-a');
      const filtered = await unary(c.namespaces, c.namespaces.list, { filter: 'labels.a==1' });
      expect(filtered.namespaces).toEqual([{ name: 'team-a', labels: { a: '1' } }]);

      const up = await unary(c.namespaces, c.namespaces.update, {
        namespace: { name: 'team-a', labels: { b: '2', a: 'ignored' } },
        updateMask: ['labels.b'],
      });
      expect(up.namespace?.labels).toEqual({ a: '1', b: '2' });
      const got = await unary(c.namespaces, c.namespaces.get, { name: 'team-a' });
      expect(got.namespace?.labels).toEqual({ a: '1', b: '2' });

      expect(
        await kindOfRejection(
          unary(c.namespaces, c.namespaces.create, { namespace: { name: 'team-a', labels: {} } }),
        ),
      ).toBe('AlreadyExists');

      await unary(c.namespaces, c.namespaces.delete, { name: 'team-a' });
      expect(await nsNames(c)).not.toContain('team-a');
      expect(await kindOfRejection(unary(c.namespaces, c.namespaces.delete, { name: 'team-a' }))).toBe(
        'NotFound',
      );
    });

    it('refuses to delete a namespace that holds content, and deletes it once emptied', async () => {
      const digest = await ingest(content, 'holder', 'held', Buffer.from('held blob'));
      const err = await rejectionOf(unary(c.namespaces, c.namespaces.delete, { name: 'holder' }));
      expect(err).toMatchObject({ kind: 'FailedPrecondition' });
      expect(err.message).toMatch(/1 blob .*berth-content/);
      expect(await nsNames(c)).toContain('holder');

      await content.delete('holder', digest);
      await unary(c.namespaces, c.namespaces.delete, { name: 'holder' });
      expect(await nsNames(c)).not.toContain('holder');
    });

    it('creates a namespace implicitly on the first write, but not on a read', async () => {
      expect(await nsNames(c)).not.toContain('auto1');
      const digest = await ingest(content, 'auto1', 'auto', Buffer.from('implicit'));
      expect(await nsNames(c)).toContain('auto1');

      const listed: string[] = [];
      for await (const info of content.list('nope')) listed.push(info.digest);
      expect(listed).toEqual([]);
      expect(await kindOfRejection(content.info('nope', digest))).toBe('NotFound');
      expect(await nsNames(c)).not.toContain('nope');
      await content.delete('auto1', digest);
    });
  });

  describe('Leases', () => {
    it('creates leases with and without an id, lists them and deletes them', async () => {
      const named = await unary(c.leases, c.leases.create, { id: 'my-lease', labels: { x: 'y' } });
      expect(named.lease).toMatchObject({ id: 'my-lease', labels: { x: 'y' } });
      const generated = await unary(c.leases, c.leases.create, { id: '', labels: {} });
      const genId = generated.lease!.id;
      expect(genId).not.toBe('');

      const ids = async () => (await unary(c.leases, c.leases.list, { filters: [] })).leases.map((l) => l.id);
      expect((await ids()).sort()).toEqual([genId, 'my-lease'].sort());
      expect(
        (await unary(c.leases, c.leases.list, { filters: ['labels.x==y'] })).leases.map((l) => l.id),
      ).toEqual(['my-lease']);
      expect(await kindOfRejection(unary(c.leases, c.leases.create, { id: 'my-lease', labels: {} }))).toBe(
        'AlreadyExists',
      );
      // Leases are namespaced.
      expect((await unary(c.leases, c.leases.list, { filters: [] }, { ns: 'other' })).leases).toEqual([]);

      await unary(c.leases, c.leases.delete, { id: 'my-lease', sync: false });
      await unary(c.leases, c.leases.delete, { id: genId, sync: false });
      expect(await ids()).toEqual([]);
      expect(await kindOfRejection(unary(c.leases, c.leases.delete, { id: 'my-lease', sync: false }))).toBe(
        'NotFound',
      );
    });

    it('adds, lists and deletes resources, and refuses unsupported resource types', async () => {
      await unary(c.leases, c.leases.create, { id: 'res-lease', labels: {} });
      const digest = sha256(Buffer.from('x'));
      await unary(c.leases, c.leases.addResource, {
        id: 'res-lease',
        resource: { id: digest, type: 'content' },
      });
      await unary(c.leases, c.leases.addResource, {
        id: 'res-lease',
        resource: { id: 'some/ref', type: 'ingests' },
      });
      await unary(c.leases, c.leases.addResource, {
        id: 'res-lease',
        resource: { id: 'snap-key', type: 'snapshots/overlayfs' },
      });
      const list = async () => (await unary(c.leases, c.leases.listResources, { id: 'res-lease' })).resources;
      expect(await list()).toEqual(
        expect.arrayContaining([
          { id: digest, type: 'content' },
          { id: 'some/ref', type: 'ingests' },
          { id: 'snap-key', type: 'snapshots/overlayfs' },
        ]),
      );
      expect(await list()).toHaveLength(3);

      await unary(c.leases, c.leases.deleteResource, {
        id: 'res-lease',
        resource: { id: 'some/ref', type: 'ingests' },
      });
      expect(await list()).toHaveLength(2);
      expect(await list()).not.toContainEqual({ id: 'some/ref', type: 'ingests' });

      expect(
        await kindOfRejection(
          unary(c.leases, c.leases.addResource, {
            id: 'res-lease',
            resource: { id: 'c1', type: 'containers' },
          }),
        ),
      ).toBe('NotImplemented');
      expect(
        await kindOfRejection(
          unary(c.leases, c.leases.addResource, {
            id: 'no-such-lease',
            resource: { id: digest, type: 'content' },
          }),
        ),
      ).toBe('NotFound');
      await unary(c.leases, c.leases.delete, { id: 'res-lease', sync: false });
      expect(await kindOfRejection(unary(c.leases, c.leases.listResources, { id: 'res-lease' }))).toBe(
        'NotFound',
      );
    });

    it('records what a content Write made under the containerd-lease header as lease resources', async () => {
      await unary(c.leases, c.leases.create, { id: 'write-lease', labels: {} });
      const data = randomBytes(200_000);
      const digest = await ingest(content, 'default', 'leased-write', data, { lease: 'write-lease' });
      expect(digest).toBe(sha256(data));
      const { resources } = await unary(c.leases, c.leases.listResources, { id: 'write-lease' });
      expect(resources).toContainEqual({ id: digest, type: 'content' });
      expect(resources).toContainEqual({ id: 'leased-write', type: 'ingests' });
      await content.delete('default', digest);
      await unary(c.leases, c.leases.delete, { id: 'write-lease', sync: false });
    });

    it('fails a Write under a lease that does not exist instead of leaving it unprotected', async () => {
      const data = Buffer.from('under a missing lease');
      expect(await kindOfRejection(ingest(content, 'default', 'no-lease', data, { lease: 'ghost' }))).toBe(
        'NotFound',
      );
      expect(await kindOfRejection(content.info('default', sha256(data)))).toBe('NotFound');
    });
  });

  describe('Events', () => {
    it('delivers /content/delete to a subscriber filtering on that topic, with its namespace and digest', async () => {
      const stream = subscribe(c.events, ['topic=="/content/delete"']);
      try {
        const deleted: string[] = [];
        let n = 0;
        const env = await triggerUntilReceived(stream, async () => {
          const d = await ingest(content, 'evns', `ev-${n}`, Buffer.from(`event blob ${n++}`));
          await content.delete('evns', d);
          deleted.push(d);
        });
        expect(env.topic).toBe('/content/delete');
        expect(env.namespace).toBe('evns');
        expect(env.timestamp!.getTime()).toBeGreaterThan(Date.now() - 60_000);
        expect(env.event?.typeUrl).toBe('containerd.events.ContentDelete');
        const ev = ContentDelete.decode(env.event!.value);
        expect(deleted).toContain(ev.digest);
      } finally {
        stream.close();
      }
    });

    it('delivers an event published through the gateway, stamped with the caller namespace', async () => {
      const stream = subscribe(c.events, ['topic=="/berth-test/custom"']);
      try {
        const event = packAny('containerd.events.NamespaceCreate', NamespaceCreate, {
          name: 'from-test',
          labels: { k: 'v' },
        });
        const env = await triggerUntilReceived(stream, async () => {
          await unary(c.events, c.events.publish, { topic: '/berth-test/custom', event }, { ns: 'pubns' });
        });
        expect(env).toMatchObject({ topic: '/berth-test/custom', namespace: 'pubns' });
        expect(env.event?.typeUrl).toBe('containerd.events.NamespaceCreate');
        expect(NamespaceCreate.decode(env.event!.value)).toEqual({ name: 'from-test', labels: { k: 'v' } });
      } finally {
        stream.close();
      }
    });

    it('excludes other namespaces when the filter pins one', async () => {
      const stream = subscribe(c.events, ['namespace==ns-one']);
      try {
        const event = packAny('containerd.events.NamespaceCreate', NamespaceCreate, {
          name: 'x',
          labels: {},
        });
        const pub = (ns: string) =>
          unary(c.events, c.events.publish, { topic: '/berth-test/pinned', event }, { ns });
        const env = await triggerUntilReceived(stream, async () => {
          await pub('ns-two');
          await pub('ns-one');
        });
        expect(env.namespace).toBe('ns-one');
        await pub('ns-two');
        await pub('ns-two');
        await pub('ns-one');
        for (let e = await stream.next(1_000); e; e = await stream.next(300))
          expect(e.namespace).toBe('ns-one');
      } finally {
        stream.close();
      }
    });

    it('replays recorded events since a time from the audit stream, filtered, and ends without --follow', async () => {
      const since = new Date(Date.now() - 1_000);
      const event = packAny('containerd.events.NamespaceCreate', NamespaceCreate, {
        name: 'audited',
        labels: {},
      });
      for (const n of [1, 2, 3])
        await unary(c.events, c.events.publish, { topic: `/berth-test/audit${n}`, event }, { ns: 'auditns' });
      const audit = dial(AuditClient, suite.address);
      try {
        const replayed = async () => {
          const topics: string[] = [];
          const req = {
            since,
            filters: ['namespace==auditns,topic~="^/berth-test/audit[13]$"'],
            follow: false,
          };
          for await (const env of serverStream(audit, audit.replay, req)) topics.push(env.topic);
          return topics;
        };
        // The outbox publishes asynchronously: wait until all three are recorded.
        const topics = await waitFor(async () => ((await replayed()).length === 2 ? replayed() : undefined), {
          timeoutMs: 10_000,
          what: 'the audit stream to hold the published events',
        });
        expect(topics).toEqual(['/berth-test/audit1', '/berth-test/audit3']);
      } finally {
        audit.close();
      }
    });

    it('rejects a publish with an invalid topic (InvalidArgument)', async () => {
      const event = packAny('containerd.events.NamespaceCreate', NamespaceCreate, { name: 'x', labels: {} });
      expect(await kindOfRejection(unary(c.events, c.events.publish, { topic: 'no-slash', event }))).toBe(
        'InvalidArgument',
      );
      const it = serverStream(c.events, c.events.subscribe, { filters: ['topic=='] });
      expect(await kindOfRejection(it.next())).toBe('InvalidArgument');
    });
  });
});

describe.skipIf(skip !== undefined)('gateway with its content backend down', () => {
  let suite: Suite;
  let c: ReturnType<typeof gatewayClients>;
  let restarted: ServiceProcess | undefined;
  const digest = sha256(Buffer.from('anything'));

  beforeAll(async () => {
    suite = await startSuite({ services: ['content'] });
    c = gatewayClients(suite.address);
  });
  afterAll(async () => {
    c?.close();
    await restarted?.stop();
    await suite?.stop();
  });

  it('answers content calls with Unavailable naming berth-content within 2 s, without hanging', async () => {
    // Healthy first: NotFound comes from the backend.
    expect(await kindOfRejection(unary(c.content, c.content.info, { digest }))).toBe('NotFound');
    await suite.services['content']!.stop();

    for (let i = 0; i < 2; i++) {
      const t0 = Date.now();
      const err = await rejectionOf(unary(c.content, c.content.info, { digest }, { timeoutMs: 10_000 }));
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(err).toMatchObject({ kind: 'Unavailable' });
      expect(err.message).toMatch(/berth-content/);
    }
    // The gateway itself keeps serving, and reports the backend down.
    const { plugins } = await unary(c.introspection, c.introspection.plugins, { filters: [] });
    const p = plugins.find((x) => x.type === 'io.containerd.content.v1');
    expect(p?.initErr?.message).toMatch(/berth-content is unavailable/);
  });

  it('reaches berth-content again soon after it restarts, even after a long outage', async () => {
    // Keep calling while the backend stays down, so the gateway's reconnect backoff grows.
    const downUntil = Date.now() + 8_000;
    while (Date.now() < downUntil) {
      expect(await kindOfRejection(unary(c.content, c.content.info, { digest }))).toBe('Unavailable');
      await sleep(200);
    }
    restarted = await startService('content', { root: suite.root, state: suite.state, nats: suite.natsUrl });
    const t0 = Date.now();
    const kind = await waitFor(
      async () => {
        const k = await kindOfRejection(unary(c.content, c.content.info, { digest }));
        return k === 'Unavailable' ? undefined : k;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the gateway to reach the restarted berth-content' },
    );
    expect(kind).toBe('NotFound');
    expect(Date.now() - t0).toBeLessThan(2_500);
  });
});
