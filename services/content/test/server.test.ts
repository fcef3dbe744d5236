/**
 * Package integration: the content service in-process on a unix socket in a temp dir
 * (real FsBlobStore, LevelDB metadata, gRPC server), driven through the gRPC client
 * proxy exactly as other services and the CLI drive it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentProxy, WRITE_CHUNK, type ContentStore, type Writer } from '@berth/content';
import { kindOf } from '@berth/errdefs';
import { dial, serve, unary, type RunningServer } from '@berth/grpc';
import { silentLogger } from '@berth/log';
import { openDb, type Db } from '@berth/store';
import { ContentService } from '@berth/proto/content/v1';
import { NamespaceUsageClient, NamespaceUsageService } from '@berth/proto/berth/namespaces/v1';
import { tempRoot } from '@berth/testkit';
import { FsBlobStore } from '../src/blob-store.js';
import { ContentMetadata } from '../src/metadata.js';
import { LocalContentStore } from '../src/service.js';
import { ContentServer } from '../src/server.js';
import { countContent } from '../src/usage.js';
import { namespaceUsage } from '@berth/daemon';

// ---------------------------------------------------------------------------------------------
// helpers

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Resolves with the error kind a promise rejects with; fails the test if it resolves. */
async function kindOfRejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return kindOf(err);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function toArray<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Writes `data` from the writer's current offset in WRITE_CHUNK frames. */
async function writeAll(w: Writer, data: Uint8Array, from = w.status().offset): Promise<void> {
  for (let off = from; off < data.length; off += WRITE_CHUNK)
    await w.write(off, data.subarray(off, Math.min(off + WRITE_CHUNK, data.length)));
}

/** Opens a writer on `ref`; no retry: a closed writer must have released the ref lock already. */
function openWriter(store: ContentStore, ns: string, ref: string, total = 0, expected = '') {
  return store.writer(ns, { ref, total, expected });
}

/** Ingests and commits `data` under `ref` in `ns`; returns the digest. */
async function ingest(store: ContentStore, ns: string, ref: string, data: Uint8Array, labels = {}) {
  const w = await store.writer(ns, { ref, total: data.length, expected: sha256(data) });
  await writeAll(w, data);
  return w.commit(data.length, sha256(data), labels);
}

interface Harness {
  root: string;
  store: ContentStore & { close(): void };
  local: LocalContentStore;
  blobs: FsBlobStore;
  usage: (ns: string) => Promise<string[]>;
  deleted: Array<[string, string]>;
  leased: Array<[string, string, { id: string; type: string }]>;
  stop(): Promise<void>;
}

/** Starts the content server in-process on `<tmp>/content.sock` with hooks that record their calls. */
async function startContent(): Promise<Harness> {
  const tmp = tempRoot('bct-');
  const root = join(tmp.dir, 'content');
  let db: Db | undefined;
  let server: RunningServer | undefined;
  try {
    await mkdir(root, { recursive: true });
    db = await openDb(join(root, 'metadata'));
    const blobs = new FsBlobStore(root);
    await blobs.init();
    const deleted: Harness['deleted'] = [];
    const leased: Harness['leased'] = [];
    const log = silentLogger();
    const local = new LocalContentStore(
      blobs,
      new ContentMetadata(db),
      {
        deleted: (ns, digest) => void deleted.push([ns, digest]),
        leased: async (ns, lease, resource) => void leased.push([ns, lease, resource]),
      },
      log,
    );
    const socket = join(tmp.dir, 'content.sock');
    server = await serve(
      socket,
      [
        { def: ContentService, impl: new ContentServer(local) },
        { def: NamespaceUsageService, impl: namespaceUsage(countContent(local)) },
      ],
      log,
    );
    const store = createContentProxy(socket, 'berth-content');
    const usageClient = dial(NamespaceUsageClient, socket);
    const srv = server;
    const opened = db;
    return {
      root,
      store,
      local,
      blobs,
      deleted,
      leased,
      usage: async (namespace) => (await unary(usageClient, usageClient.usage, { namespace })).resources,
      async stop() {
        store.close();
        usageClient.close();
        await srv.stop(1_000);
        await opened.close();
        await tmp.cleanup();
      },
    };
  } catch (err) {
    await server?.stop(0);
    await db?.close();
    await tmp.cleanup();
    throw err;
  }
}

const blobFiles = async (h: Harness) => readdir(join(h.root, 'blobs', 'sha256'));
const blobFile = (h: Harness, digest: string) => join(h.root, 'blobs', 'sha256', digest.slice(7));

// ---------------------------------------------------------------------------------------------

describe('content service over gRPC (in-process server, unix socket)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startContent();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('committed blobs', () => {
    const big = randomBytes(5 * WRITE_CHUNK + 12_345);
    let digest: string;

    beforeAll(async () => {
      digest = await ingest(h.store, 'default', 'big-1', big, { 'a.b': 'x' });
    });

    it('ingests a multi-MiB blob in several chunks and reports its info', async () => {
      expect(digest).toBe(sha256(big));
      const info = await h.store.info('default', digest);
      expect(info.digest).toBe(digest);
      expect(info.size).toBe(big.length);
      expect(info.labels).toEqual({ 'a.b': 'x' });
      expect(info.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    });

    it('reads the blob back byte-identical', async () => {
      const got = await collect(h.store.read('default', digest));
      expect(got.length).toBe(big.length);
      expect(got.equals(big)).toBe(true);
    });

    it('reads a window given an offset and a size', async () => {
      const off = WRITE_CHUNK + 7;
      const got = await collect(h.store.read('default', digest, off, 3 * WRITE_CHUNK));
      expect(got.equals(big.subarray(off, off + 3 * WRITE_CHUNK))).toBe(true);
      const tail = await collect(h.store.read('default', digest, big.length - 10, 0));
      expect(tail.equals(big.subarray(big.length - 10))).toBe(true);
    });

    it('refuses a read that starts past the end with OutOfRange', async () => {
      expect(await kindOfRejection(collect(h.store.read('default', digest, big.length + 1)))).toBe(
        'OutOfRange',
      );
    });

    it('lists blobs matching label and digest filters', async () => {
      const other = await ingest(h.store, 'default', 'small-1', Buffer.from('other blob'), { 'a.b': 'y' });
      const digests = async (filters: string[]) =>
        (await toArray(h.store.list('default', filters))).map((i) => i.digest).sort();
      expect(await digests([])).toEqual([digest, other].sort());
      expect(await digests(['labels."a.b"==x'])).toEqual([digest]);
      expect(await digests(['labels."a.b"==y'])).toEqual([other]);
      expect(await digests([`digest==${other}`])).toEqual([other]);
      expect(await digests(['labels."a.b"==x', `digest==${other}`])).toEqual([digest, other].sort());
      expect(await digests(['labels."a.b"==nothing'])).toEqual([]);
      await h.store.delete('default', other);
    });

    it('updates labels through field-mask paths: set one, remove one, replace all', async () => {
      let info = await h.store.update('default', { digest, labels: { k1: 'v1' } }, ['labels.k1']);
      expect(info.labels).toEqual({ 'a.b': 'x', k1: 'v1' });
      info = await h.store.update('default', { digest, labels: {} }, ['labels.a.b']);
      expect(info.labels).toEqual({ k1: 'v1' });
      info = await h.store.update('default', { digest, labels: { only: 'this' } }, ['labels']);
      expect(info.labels).toEqual({ only: 'this' });
      expect((await h.store.info('default', digest)).labels).toEqual({ only: 'this' });
    });

    it('refuses to update the size or the digest (InvalidArgument) and leaves the blob as it was', async () => {
      expect(await kindOfRejection(h.store.update('default', { digest, labels: {} }, ['size']))).toBe(
        'InvalidArgument',
      );
      expect(await kindOfRejection(h.store.update('default', { digest, labels: {} }, ['digest']))).toBe(
        'InvalidArgument',
      );
      const info = await h.store.info('default', digest);
      expect(info.size).toBe(big.length);
      expect(info.labels).toEqual({ only: 'this' });
    });

    it('deletes a blob: NotFound afterwards, file gone, deleted hook called', async () => {
      expect(existsSync(blobFile(h, digest))).toBe(true);
      await h.store.delete('default', digest);
      expect(await kindOfRejection(h.store.info('default', digest))).toBe('NotFound');
      expect(await kindOfRejection(collect(h.store.read('default', digest)))).toBe('NotFound');
      expect(await kindOfRejection(h.store.delete('default', digest))).toBe('NotFound');
      expect(existsSync(blobFile(h, digest))).toBe(false);
      expect(h.deleted).toContainEqual(['default', digest]);
    });
  });

  describe('namespaces', () => {
    const data = Buffer.from('shared between namespaces '.repeat(1000));
    const digest = sha256(data);

    it('keeps a blob committed in one namespace invisible in another', async () => {
      await ingest(h.store, 'ns-a', 'shared', data);
      expect((await h.store.info('ns-a', digest)).size).toBe(data.length);
      expect(await kindOfRejection(h.store.info('ns-b', digest))).toBe('NotFound');
      expect(await toArray(h.store.list('ns-b'))).toEqual([]);
    });

    it('answers AlreadyExists to a STAT with the expected digest and then shows the blob there too', async () => {
      expect(
        await kindOfRejection(
          h.store.writer('ns-b', { ref: 'shared', total: data.length, expected: digest }),
        ),
      ).toBe('AlreadyExists');
      expect((await h.store.info('ns-b', digest)).size).toBe(data.length);
      expect((await h.store.listStatuses('ns-b')).map((s) => s.ref)).not.toContain('shared');
    });

    it('keeps the bytes on disk while another namespace still references them', async () => {
      await h.store.delete('ns-a', digest);
      expect(await kindOfRejection(h.store.info('ns-a', digest))).toBe('NotFound');
      expect(existsSync(blobFile(h, digest))).toBe(true);
      expect((await collect(h.store.read('ns-b', digest))).equals(data)).toBe(true);
      await h.store.delete('ns-b', digest);
      expect(existsSync(blobFile(h, digest))).toBe(false);
    });
  });

  describe('ingests', () => {
    it('refuses a commit with the wrong expected digest (FailedPrecondition), publishes nothing, and keeps the ingest resumable', async () => {
      const data = randomBytes(3 * WRITE_CHUNK);
      const before = await blobFiles(h);
      const w = await h.store.writer('default', { ref: 'wrong-digest', total: data.length });
      await writeAll(w, data);
      const wrong = sha256(Buffer.from('something else'));
      expect(await kindOfRejection(w.commit(data.length, wrong))).toBe('FailedPrecondition');
      expect(await blobFiles(h)).toEqual(before);
      expect(await kindOfRejection(h.store.info('default', sha256(data)))).toBe('NotFound');
      expect(await kindOfRejection(h.store.info('default', wrong))).toBe('NotFound');
      expect((await h.store.status('default', 'wrong-digest')).offset).toBe(data.length);

      const again = await openWriter(h.store, 'default', 'wrong-digest', data.length);
      expect(again.status().offset).toBe(data.length);
      expect(await again.commit(data.length, sha256(data))).toBe(sha256(data));
      expect((await collect(h.store.read('default', sha256(data)))).equals(data)).toBe(true);
      await h.store.delete('default', sha256(data));
    });

    it('aborts an ingest whose commit failed, leaving no data behind', async () => {
      const data = randomBytes(1000);
      const w = await h.store.writer('default', { ref: 'abort-after-fail' });
      await writeAll(w, data);
      expect(await kindOfRejection(w.commit(data.length + 1, ''))).toBe('FailedPrecondition');
      await h.store.abort('default', 'abort-after-fail');
      expect(await kindOfRejection(h.store.status('default', 'abort-after-fail'))).toBe('NotFound');
      expect(existsSync(h.blobs.ingestPath('default', 'abort-after-fail'))).toBe(false);
      expect(existsSync(blobFile(h, sha256(data)))).toBe(false);
    });

    it('refuses a commit whose size does not match (FailedPrecondition)', async () => {
      const data = Buffer.from('sized');
      const w = await h.store.writer('default', { ref: 'size-mismatch' });
      await w.write(0, data);
      expect(await kindOfRejection(w.commit(data.length + 3, sha256(data)))).toBe('FailedPrecondition');
      expect(await kindOfRejection(h.store.info('default', sha256(data)))).toBe('NotFound');
      await h.store.abort('default', 'size-mismatch');
    });

    it('tells a second writer on an open ref to retry (Unavailable)', async () => {
      const w = await h.store.writer('default', { ref: 'locked' });
      try {
        await w.write(0, Buffer.from('first writer'));
        expect(await kindOfRejection(h.store.writer('default', { ref: 'locked' }))).toBe('Unavailable');
        // A different namespace has its own ref space.
        const other = await h.store.writer('elsewhere', { ref: 'locked' });
        await other.close();
      } finally {
        await w.close();
      }
      const again = await openWriter(h.store, 'default', 'locked');
      expect(again.status().offset).toBe('first writer'.length);
      await again.close();
      await h.store.abort('default', 'locked');
      await h.store.abort('elsewhere', 'locked');
    });

    it('resumes a closed ingest from the bytes written and commits the right digest', async () => {
      const data = randomBytes(4 * WRITE_CHUNK + 99);
      const half = 2 * WRITE_CHUNK + 50;
      const w = await h.store.writer('default', { ref: 'resume', total: data.length });
      await writeAll(w, data.subarray(0, half));
      expect(w.status().offset).toBe(half);
      await w.close();

      // close() resolves once the server has flushed the bytes and released the ref.
      const st = await h.store.status('default', 'resume');
      expect(st).toMatchObject({ ref: 'resume', offset: half, total: data.length });
      const again = await openWriter(h.store, 'default', 'resume', data.length);
      expect(again.status().offset).toBe(half);
      await writeAll(again, data, half);
      expect(again.digest()).toBe(sha256(data));
      expect(await again.commit(data.length, sha256(data))).toBe(sha256(data));
      expect((await collect(h.store.read('default', sha256(data)))).equals(data)).toBe(true);
      expect(await kindOfRejection(h.store.status('default', 'resume'))).toBe('NotFound');
      await h.store.delete('default', sha256(data));
    });

    it('refuses a write at the wrong offset (OutOfRange)', async () => {
      const w = await h.store.writer('default', { ref: 'bad-offset' });
      await w.write(0, Buffer.from('12345'));
      expect(await kindOfRejection(w.write(3, Buffer.from('xx')))).toBe('OutOfRange');
      // The error ends the stream (as in containerd); a fresh writer resumes at 5, and past it is refused too.
      const again = await openWriter(h.store, 'default', 'bad-offset');
      expect(again.status().offset).toBe(5);
      expect(await kindOfRejection(again.write(9, Buffer.from('xx')))).toBe('OutOfRange');
      expect((await h.store.status('default', 'bad-offset')).offset).toBe(5);
      await h.store.abort('default', 'bad-offset');
    });

    it('restarts the ingest on a write at offset 0', async () => {
      const w = await h.store.writer('default', { ref: 'restart' });
      await w.write(0, randomBytes(50_000));
      const fresh = Buffer.from('fresh start');
      await w.write(0, fresh);
      expect(w.status().offset).toBe(fresh.length);
      expect(await w.commit(fresh.length, '')).toBe(sha256(fresh));
      expect((await collect(h.store.read('default', sha256(fresh)))).equals(fresh)).toBe(true);
      await h.store.delete('default', sha256(fresh));
    });

    it('lists active ingests, and abort makes Status NotFound', async () => {
      const a = await h.store.writer('default', { ref: 'active-a', total: 10 });
      const b = await h.store.writer('default', { ref: 'active-b', total: 20 });
      await a.write(0, Buffer.from('abc'));
      const statuses = await h.store.listStatuses('default');
      const byRef = Object.fromEntries(statuses.map((s) => [s.ref, s]));
      expect(byRef['active-a']).toMatchObject({ offset: 3, total: 10 });
      expect(byRef['active-b']).toMatchObject({ offset: 0, total: 20 });
      expect((await h.store.listStatuses('default', ['ref==active-b'])).map((s) => s.ref)).toEqual([
        'active-b',
      ]);
      expect(await h.store.listStatuses('other-ns')).toEqual([]);
      await a.close();
      await b.close();
      for (const ref of ['active-a', 'active-b']) {
        await h.store.abort('default', ref);
        expect(await kindOfRejection(h.store.status('default', ref))).toBe('NotFound');
      }
      expect(await kindOfRejection(h.store.abort('default', 'active-a'))).toBe('NotFound');
    });

    it('reports the lease of a write to the leased hook, for the ingest and the blob', async () => {
      const data = Buffer.from('leased bytes');
      const w = await h.store.writer('default', { ref: 'leased', expected: sha256(data) }, 'lease-1');
      await w.write(0, data);
      await w.commit(data.length, sha256(data));
      expect(h.leased).toContainEqual(['default', 'lease-1', { id: 'leased', type: 'ingests' }]);
      expect(h.leased).toContainEqual(['default', 'lease-1', { id: sha256(data), type: 'content' }]);
      await h.store.delete('default', sha256(data));
    });
  });

  describe('NamespaceUsage', () => {
    it('reports blobs and ingests a namespace still holds, and nothing once it is empty', async () => {
      expect(await h.usage('usage-ns')).toEqual([]);
      const d1 = await ingest(h.store, 'usage-ns', 'u1', Buffer.from('one'));
      const d2 = await ingest(h.store, 'usage-ns', 'u2', Buffer.from('two'));
      const w = await h.store.writer('usage-ns', { ref: 'pending' });
      await w.write(0, Buffer.from('half'));
      await w.close();
      expect(await h.usage('usage-ns')).toEqual(['2 blobs', '1 ingest']);
      await h.store.delete('usage-ns', d1);
      await h.store.delete('usage-ns', d2);
      await h.store.abort('usage-ns', 'pending');
      expect(await h.usage('usage-ns')).toEqual([]);
    });

    it('rejects an invalid namespace name (InvalidArgument)', async () => {
      expect(await kindOfRejection(h.usage('bad ns!'))).toBe('InvalidArgument');
    });
  });

  describe('reconcile()', () => {
    it('removes orphan blob files and half-created ingests, and drops records whose bytes vanished', async () => {
      // An orphan: bytes on disk no namespace references (crash between metadata delete and unlink).
      const orphan = Buffer.from('orphan bytes');
      await writeFile(blobFile(h, sha256(orphan)), orphan);
      // A half-created ingest: data file but no meta.json.
      const broken = join(h.root, 'ingest', 'f'.repeat(64));
      await mkdir(broken, { recursive: true });
      await writeFile(join(broken, 'data'), 'partial');
      // A record whose blob file was deleted by hand.
      const lost = await ingest(h.store, 'default', 'lost', Buffer.from('will vanish'));
      await rm(blobFile(h, lost));
      // A healthy blob and a healthy ingest must survive.
      const kept = await ingest(h.store, 'default', 'kept', Buffer.from('kept'));
      const w = await h.store.writer('default', { ref: 'kept-ingest' });
      await w.write(0, Buffer.from('in progress'));
      await w.close();

      const fixed = await h.local.reconcile();
      expect(fixed).toEqual({ orphanBlobs: 1, brokenIngests: 1, missingBlobs: 1 });
      expect(existsSync(blobFile(h, sha256(orphan)))).toBe(false);
      expect(existsSync(broken)).toBe(false);
      expect(await kindOfRejection(h.store.info('default', lost))).toBe('NotFound');
      expect((await toArray(h.store.list('default'))).map((i) => i.digest)).toEqual([kept]);
      expect(existsSync(blobFile(h, kept))).toBe(true);
      expect((await h.store.status('default', 'kept-ingest')).offset).toBe('in progress'.length);

      expect(await h.local.reconcile()).toEqual({ orphanBlobs: 0, brokenIngests: 0, missingBlobs: 0 });
    });
  });
});
