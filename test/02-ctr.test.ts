/**
 * System: the real Debian containerd 1.6 `ctr` binary against the berth gateway,
 * proving wire compatibility for version, namespaces, content, leases, plugins
 * and events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentProxy } from '@berth/content';
import { packAny } from '@berth/events';
import { dial, unary } from '@berth/grpc';
import { EventsClient } from '@berth/proto/events/v1';
import { NamespaceCreate } from '@berth/proto/events';
import { startSuite, waitFor, type Suite } from '@berth/testkit';
import { ingest, kindOfRejection, missingPrerequisite, sha256, tableRows } from './helpers.js';
import { CTR, ctr, ctrEnv, ctrOk } from './ctr.js';

const skip = !existsSync(CTR)
  ? `${CTR} is not installed (apt-get install containerd)`
  : missingPrerequisite();

const rows = tableRows;

describe.skipIf(skip !== undefined)(`ctr 1.6 against the gateway ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let addr: string;
  let content: ReturnType<typeof createContentProxy>;

  beforeAll(async () => {
    suite = await startSuite({ services: ['content'] });
    addr = suite.address;
    content = createContentProxy(addr, 'berth');
  });
  afterAll(async () => {
    content?.close();
    await suite?.stop();
  });

  it('prints the server version', async () => {
    const r = await ctrOk(addr, ['version']);
    expect(r.stdout).toMatch(/Server:\s*\n\s*Version:\s*0\.\d+\.\d+/);
    expect(r.stdout).toMatch(/UUID:\s*[0-9a-f-]{36}/);
  });

  describe('content', () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const digest = sha256(data);

    it('ingests from stdin and lists the blob under its sha256 digest', async () => {
      await ctrOk(addr, ['content', 'ingest', 'ctr-ingest-1'], { input: data });
      const ls = await ctrOk(addr, ['content', 'ls']);
      expect(rows(ls.stdout).map((r) => r[0])).toContain(digest);
      expect((await content.info('default', digest)).size).toBe(data.length);
    });

    it('lists the default namespace once something was written in it', async () => {
      const ns = await ctrOk(addr, ['namespaces', 'ls']);
      expect(rows(ns.stdout).map((r) => r[0])).toContain('default');
    });

    it('gets the blob back byte-identical', async () => {
      const r = await ctrOk(addr, ['content', 'get', digest]);
      expect(r.stdoutBuffer.length).toBe(data.length);
      expect(r.stdoutBuffer.equals(data)).toBe(true);
    });

    it('sets and removes labels', async () => {
      await ctrOk(addr, ['content', 'label', digest, 'a=1', 'b=2']);
      expect((await content.info('default', digest)).labels).toEqual({ a: '1', b: '2' });
      const ls = await ctrOk(addr, ['content', 'ls']);
      const row = rows(ls.stdout).find((r) => r[0] === digest);
      expect(row?.at(-1)?.split(',').sort()).toEqual(['a=1', 'b=2']);
      await ctrOk(addr, ['content', 'label', digest, 'a=']);
      expect((await content.info('default', digest)).labels).toEqual({ b: '2' });
    });

    it('shows no active ingests when nothing is being written, and an open one when it is', async () => {
      expect(rows((await ctrOk(addr, ['content', 'active'])).stdout)).toEqual([]);
      const w = await content.writer('default', { ref: 'ctr-active', total: 100 });
      await w.write(0, Buffer.alloc(40));
      await w.close();
      const active = rows((await ctrOk(addr, ['content', 'active'])).stdout);
      expect(active.map((r) => r[0])).toEqual(['ctr-active']);
      await content.abort('default', 'ctr-active');
      expect(rows((await ctrOk(addr, ['content', 'active'])).stdout)).toEqual([]);
    });

    it('keeps another namespace isolated', async () => {
      const prod = await ctrOk(addr, ['content', 'ls'], { ns: 'prod' });
      expect(rows(prod.stdout)).toEqual([]);
      const small = Buffer.from('only in prod');
      await ctrOk(addr, ['content', 'ingest', 'prod-only'], { ns: 'prod', input: small });
      expect(rows((await ctrOk(addr, ['content', 'ls'], { ns: 'prod' })).stdout).map((r) => r[0])).toEqual([
        sha256(small),
      ]);
      expect(rows((await ctrOk(addr, ['content', 'ls'])).stdout).map((r) => r[0])).not.toContain(
        sha256(small),
      );
      await ctrOk(addr, ['content', 'rm', sha256(small)], { ns: 'prod' });
    });

    it('removes the blob', async () => {
      await ctrOk(addr, ['content', 'rm', digest]);
      expect(rows((await ctrOk(addr, ['content', 'ls'])).stdout).map((r) => r[0])).not.toContain(digest);
      expect(await kindOfRejection(content.info('default', digest))).toBe('NotFound');
      const get = await ctr(addr, ['content', 'get', digest]);
      expect(get.code).not.toBe(0);
      expect(get.stderr).toMatch(/not found/);
    });
  });

  it('creates, lists and removes leases', async () => {
    const created = await ctrOk(addr, ['leases', 'create', '--id', 'ctr-lease', 'team=berth']);
    expect(created.stdout.trim()).toBe('ctr-lease');
    const generated = (await ctrOk(addr, ['leases', 'create'])).stdout.trim();
    expect(generated).not.toBe('');

    const listed = rows((await ctrOk(addr, ['leases', 'ls'])).stdout);
    expect(listed.map((r) => r[0]).sort()).toEqual(['ctr-lease', generated].sort());
    expect(listed.find((r) => r[0] === 'ctr-lease')?.at(-1)).toMatch(/team=berth/);

    await ctrOk(addr, ['leases', 'rm', 'ctr-lease', generated]);
    expect(rows((await ctrOk(addr, ['leases', 'ls'])).stdout)).toEqual([]);
  });

  it('lists plugins with content ok and the backends that are not running in error', async () => {
    const plugins = rows((await ctrOk(addr, ['plugins', 'ls'])).stdout);
    const status = (type: string, id: string) => plugins.find((r) => r[0] === type && r[1] === id)?.at(-1);
    expect(status('io.containerd.content.v1', 'content')).toBe('ok');
    expect(status('io.containerd.grpc.v1', 'namespaces')).toBe('ok');
    expect(status('io.containerd.snapshotter.v1', 'overlayfs')).toBe('error');
  });

  describe('ctr events', () => {
    let proc: ChildProcess | undefined;
    let out = '';
    afterAll(() => {
      if (proc?.pid && proc.exitCode === null && proc.signalCode === null) process.kill(proc.pid, 'SIGKILL');
    });

    it('prints /content/delete after a delete and a published event with its decoded JSON', async () => {
      proc = spawn(CTR, ['--address', addr, 'events'], { env: ctrEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      const lines = () => out.split('\n');
      const deleted: string[] = [];
      let n = 0;

      // ctr subscribes asynchronously: delete fresh blobs until one shows up.
      const deadline = Date.now() + 15_000;
      let line: string | undefined;
      while (!line && Date.now() < deadline) {
        const d = await ingest(content, 'default', `ev-${n}`, Buffer.from(`ctr event ${n++}`));
        await content.delete('default', d);
        deleted.push(d);
        line = await waitFor(() => lines().find((l) => l.includes('/content/delete')), {
          timeoutMs: 500,
        }).catch(() => undefined);
      }
      expect(line, `ctr events printed:\n${out}`).toBeDefined();
      // Timestamp Namespace Topic JSON(event)
      const m = /^\S+ \S+ \S+ \S+ (\S+) \/content\/delete (\{.*\})$/.exec(line!);
      expect(m?.[1]).toBe('default');
      expect(deleted).toContain(JSON.parse(m![2]!).digest);

      const events = dial(EventsClient, addr);
      try {
        const event = packAny('containerd.events.NamespaceCreate', NamespaceCreate, {
          name: 'from-berth',
          labels: { k: 'v' },
        });
        await unary(events, events.publish, { topic: '/berth-test/ctr', event }, { ns: 'evns' });
      } finally {
        events.close();
      }
      const pub = await waitFor(() => lines().find((l) => l.includes('/berth-test/ctr')), {
        timeoutMs: 5_000,
        what: `ctr events to print /berth-test/ctr (got:\n${out})`,
      });
      expect(pub).toMatch(/ evns \/berth-test\/ctr /);
      expect(JSON.parse(pub.slice(pub.indexOf('{')))).toEqual({ name: 'from-berth', labels: { k: 'v' } });
      expect(out).not.toMatch(/cannot unmarshal/);
      expect(proc.exitCode).toBeNull();
    });
  });
});
