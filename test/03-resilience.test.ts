/**
 * System: berth keeps its promises when parts fail — a NATS outage loses no
 * event, a crash of berth-content in the middle of a Write leaves no partial
 * blob and a resumable ingest, and malformed input is refused cleanly.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentProxy, WRITE_CHUNK, type ContentStore, type Writer } from '@berth/content';
import { decodeEnvelope, packAny, STREAM_NAME, subjectFor } from '@berth/events';
import { serverStream, unary, type CallOpts } from '@berth/grpc';
import { ContentDelete, NamespaceCreate } from '@berth/proto/events';
import { startService, startSuite, waitFor, type ServiceProcess, type Suite } from '@berth/testkit';
import {
  gatewayClients,
  ingest,
  kindOfRejection,
  missingPrerequisite,
  rejectionOf,
  sha256,
} from './helpers.js';

const skip = missingPrerequisite();

/** Writes `data` in WRITE_CHUNK frames from `from`; returns the offset the server acknowledged last. */
async function writeFrom(w: Writer, data: Uint8Array, from: number): Promise<number> {
  for (let off = from; off < data.length; off += WRITE_CHUNK)
    await w.write(off, data.subarray(off, Math.min(off + WRITE_CHUNK, data.length)));
  return w.status().offset;
}

const blobPath = (suite: Suite, digest: string) =>
  join(suite.root, 'content', 'blobs', 'sha256', digest.slice(7));

describe.skipIf(skip !== undefined)(`resilience ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let content: ContentStore & { close(): void };
  let c: ReturnType<typeof gatewayClients>;
  let restarted: ServiceProcess | undefined;

  beforeAll(async () => {
    suite = await startSuite({ services: ['content'] });
    content = createContentProxy(suite.address, 'berth');
    c = gatewayClients(suite.address);
  });
  afterAll(async () => {
    content?.close();
    c?.close();
    await restarted?.stop();
    await suite?.stop();
  });

  describe('NATS outage', () => {
    let nc: NatsConnection | undefined;
    afterAll(async () => {
      await nc?.close();
    });

    it('lets a delete succeed quickly while NATS is down, and delivers its event to JetStream after NATS returns', async () => {
      const digest = await ingest(content, 'outage', 'outage-blob', Buffer.from('deleted during an outage'));
      await suite.nats!.kill();

      const t0 = Date.now();
      await content.delete('outage', digest);
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(await kindOfRejection(content.info('outage', digest))).toBe('NotFound');

      await suite.nats!.restart();
      nc = await connect({ servers: suite.natsUrl });
      const jsm = await nc.jetstreamManager();
      const subject = subjectFor('outage', '/content/delete');
      const msg = await waitFor(() => jsm.streams.getMessage(STREAM_NAME, { last_by_subj: subject }), {
        timeoutMs: 20_000,
        intervalMs: 250,
        what: `${subject} in the ${STREAM_NAME} stream`,
      });
      const env = decodeEnvelope(msg.data);
      expect(env).toMatchObject({ namespace: 'outage', topic: '/content/delete' });
      expect(ContentDelete.decode(env.event!.value).digest).toBe(digest);
    });
  });

  describe('berth-content killed during a Write', () => {
    const data = randomBytes(12 * WRITE_CHUNK + 333);
    const digest = sha256(data);
    const ref = 'crash-ingest';
    let written = 0;

    it('leaves no blob with that digest anywhere after the crash', async () => {
      const w = await content.writer('default', { ref, total: data.length, expected: digest });
      written = await writeFrom(w, data.subarray(0, 7 * WRITE_CHUNK + 100), 0);
      expect(written).toBe(7 * WRITE_CHUNK + 100);
      await suite.services['content']!.kill9();

      const err = await rejectionOf(content.info('default', digest));
      expect(err).toMatchObject({ kind: 'Unavailable' });
      expect(err.message).toMatch(/berth-content/);
      expect(existsSync(blobPath(suite, digest))).toBe(false);
      await w.close();
    });

    it('resumes after a restart from the bytes that reached the disk and commits the full digest', async () => {
      restarted = await startService('content', {
        root: suite.root,
        state: suite.state,
        nats: suite.natsUrl,
      });
      // Nothing became visible: not in Info, not in List, not on disk.
      const kind = await waitFor(
        async () => {
          const k = await kindOfRejection(content.info('default', digest));
          return k === 'Unavailable' ? undefined : k;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'the gateway to reach the restarted berth-content' },
      );
      expect(kind).toBe('NotFound');
      const listed: string[] = [];
      for await (const i of content.list('default')) listed.push(i.digest);
      expect(listed).not.toContain(digest);
      expect(existsSync(blobPath(suite, digest))).toBe(false);

      const st = await content.status('default', ref);
      expect(st.offset).toBeGreaterThan(0);
      expect(st.offset).toBeLessThanOrEqual(written);
      expect(st.total).toBe(data.length);
      expect(st.expected).toBe(digest);

      const w = await content.writer('default', { ref, total: data.length, expected: digest });
      expect(w.status().offset).toBe(st.offset);
      await writeFrom(w, data, st.offset);
      expect(await w.commit(data.length, digest)).toBe(digest);

      const back: Buffer[] = [];
      for await (const chunk of content.read('default', digest)) back.push(Buffer.from(chunk));
      expect(Buffer.concat(back).equals(data)).toBe(true);
      expect(await kindOfRejection(content.status('default', ref))).toBe('NotFound');
    });
  });

  describe('malformed input', () => {
    const bad: CallOpts = { ns: 'bad ns!' };
    const digest = sha256(Buffer.from('x'));

    it('refuses an invalid namespace header with InvalidArgument, on routed and gateway-owned services', async () => {
      expect(await kindOfRejection(unary(c.content, c.content.info, { digest }, bad))).toBe(
        'InvalidArgument',
      );
      expect(await kindOfRejection(content.writer('bad ns!', { ref: 'r' }))).toBe('InvalidArgument');
      expect(await kindOfRejection(unary(c.leases, c.leases.list, { filters: [] }, bad))).toBe(
        'InvalidArgument',
      );
      const event = packAny('containerd.events.NamespaceCreate', NamespaceCreate, { name: 'x', labels: {} });
      expect(await kindOfRejection(unary(c.events, c.events.publish, { topic: '/a/b', event }, bad))).toBe(
        'InvalidArgument',
      );
      expect(
        await kindOfRejection(
          unary(c.namespaces, c.namespaces.create, { namespace: { name: 'bad ns!', labels: {} } }),
        ),
      ).toBe('InvalidArgument');
      const names = (await unary(c.namespaces, c.namespaces.list, { filter: '' })).namespaces.map(
        (n) => n.name,
      );
      expect(names).not.toContain('bad ns!');
    });

    it('refuses a malformed digest with InvalidArgument', async () => {
      for (const d of ['sha256:xyz', 'md5:abc', 'nocolon', ''])
        expect(await kindOfRejection(content.info('default', d)), d).toBe('InvalidArgument');
      expect(await kindOfRejection(content.delete('default', 'sha256:xyz'))).toBe('InvalidArgument');
      const read = serverStream(c.content, c.content.read, { digest: 'sha256:xyz', offset: 0, size: 0 });
      expect(await kindOfRejection(read.next())).toBe('InvalidArgument');
      expect(await kindOfRejection(content.writer('default', { ref: 'r', expected: 'sha256:xyz' }))).toBe(
        'InvalidArgument',
      );
    });

    it('refuses an invalid filter with InvalidArgument on every List', async () => {
      const filter = 'labels."unterminated';
      const list = serverStream(c.content, c.content.list, { filters: [filter] });
      expect(await kindOfRejection(list.next())).toBe('InvalidArgument');
      expect(await kindOfRejection(content.listStatuses('default', [filter]))).toBe('InvalidArgument');
      expect(await kindOfRejection(unary(c.namespaces, c.namespaces.list, { filter }))).toBe(
        'InvalidArgument',
      );
      expect(await kindOfRejection(unary(c.leases, c.leases.list, { filters: [filter] }))).toBe(
        'InvalidArgument',
      );
      expect(
        await kindOfRejection(unary(c.introspection, c.introspection.plugins, { filters: [filter] })),
      ).toBe('InvalidArgument');
      const sub = serverStream(c.events, c.events.subscribe, { filters: [filter] });
      expect(await kindOfRejection(sub.next())).toBe('InvalidArgument');
    });
  });
});
