/**
 * System: the bundled `berth` CLI (apps/cli/dist/berth.mjs) against a real suite
 * (nats-server, berth-content, berth-gateway) under a temporary root. Needs the
 * services and the CLI built (`npx nx run-many -t build`) and nats-server installed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentProxy } from '@berth/content';
import {
  cliEntry,
  hasBinary,
  runCli,
  serviceEntry,
  startSuite,
  tempRoot,
  type Suite,
  type TempRoot,
} from '@berth/testkit';

const missing = !hasBinary('nats-server')
  ? 'nats-server is not installed'
  : !['content', 'gateway'].every((s) => existsSync(serviceEntry(s)))
    ? 'services are not built'
    : !existsSync(cliEntry())
      ? 'the CLI is not built (node apps/cli/build.mjs)'
      : undefined;

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MiB = 1024 * 1024;

describe.skipIf(missing !== undefined)(`berth CLI ${missing ? `(skipped: ${missing})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  const berth = (args: string[], o: { ns?: string; input?: Buffer | string } = {}) =>
    runCli(args, { address: suite.address, ...o });

  beforeAll(async () => {
    suite = await startSuite({ services: ['content'] });
    tmp = tempRoot('berth-cli-');
  });
  afterAll(async () => {
    await tmp?.cleanup();
    await suite?.stop();
  });

  it('prints client and server versions and the server UUID', async () => {
    const r = await berth(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Client:\n {2}Version: +\d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/Server:\n {2}Version: +\S+\n {2}Revision: +\S+\n {2}UUID: +[0-9a-f-]{36}\n$/);
  });

  it('ingests on the engine host without streaming, and --stream gives the same digest', async () => {
    const data = randomBytes(2 * MiB + 7);
    const file = join(tmp.dir, 'local.bin');
    await writeFile(file, data);
    const fast = await berth(['content', 'ingest', file]);
    expect(fast.stderr).toBe('');
    expect(fast.stdout.trim()).toBe(sha256(data));
    const out = join(tmp.dir, 'local.out');
    expect((await berth(['content', 'get', sha256(data), '-o', out])).code).toBe(0);
    expect(sha256(await readFile(out))).toBe(sha256(data));
    await writeFile(file, Buffer.concat([data, Buffer.from('x')]));
    const streamed = await berth(['content', 'ingest', '--stream', file]);
    expect(streamed.stdout.trim()).toBe(sha256(Buffer.concat([data, Buffer.from('x')])));
  });

  it('writes into an existing device node in place instead of renaming over it', async () => {
    const data = randomBytes(1000);
    const file = join(tmp.dir, 'dev.bin');
    await writeFile(file, data);
    const digest = (await berth(['content', 'ingest', file])).stdout.trim();
    const node = join(tmp.dir, 'null');
    execFileSync('mknod', ['-m', '666', node, 'c', '1', '3']);
    expect((await berth(['content', 'get', digest, '-o', node])).code).toBe(0);
    expect((await stat(node)).isCharacterDevice()).toBe(true);
  });

  it('ingests, lists, gets byte-identical, labels and removes a blob', async () => {
    const data = randomBytes(3 * MiB + 123);
    const file = join(tmp.dir, 'blob.bin');
    await writeFile(file, data);
    const ns = 'cli-content';

    const ingest = await berth(['content', 'ingest', file, '--label', 'team=web'], { ns });
    expect(ingest.stderr).toBe('');
    expect(ingest.stdout).toBe(sha256(data) + '\n');
    const digest = sha256(data);

    const table = await berth(['content', 'ls'], { ns });
    expect(table.stdout.split('\n')[0]).toMatch(/^DIGEST +SIZE +AGE +LABELS$/);
    expect(table.stdout).toMatch(new RegExp(`${digest} +3\\.0 MiB +\\S.* +team=web\\n`));
    expect((await berth(['content', 'ls', '-q'], { ns })).stdout).toBe(digest + '\n');
    const json = JSON.parse((await berth(['content', 'ls', '--format', 'json'], { ns })).stdout);
    expect(json).toEqual([expect.objectContaining({ digest, size: data.length, labels: { team: 'web' } })]);

    const got = await berth(['content', 'get', digest], { ns });
    expect(got.code).toBe(0);
    expect(got.stdoutBuffer.equals(data)).toBe(true);
    const out = join(tmp.dir, 'out.bin');
    expect((await berth(['content', 'get', digest, '-o', out], { ns })).code).toBe(0);
    expect((await stat(out)).size).toBe(data.length);

    expect((await berth(['content', 'label', digest, 'a=1', 'team='], { ns })).stdout).toBe('a=1\n');
    expect((await berth(['content', 'rm', digest], { ns })).stdout).toBe(digest + '\n');
    const again = await berth(['content', 'rm', digest], { ns });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^berth: .*not found\n$/);
  });

  it('ingests stdin and treats content that already exists as success', async () => {
    const data = Buffer.from('hello from stdin\n');
    const first = await berth(['content', 'ingest', '-'], { input: data });
    expect(first.stdout).toBe(sha256(data) + '\n');
    const second = await berth(['content', 'ingest', '-'], { input: data });
    expect([second.code, second.stdout]).toEqual([0, sha256(data) + '\n']);
    const expected = await berth(['content', 'ingest', '-', '--expected', sha256(data)], { input: data });
    expect([expected.code, expected.stdout]).toEqual([0, sha256(data) + '\n']);
  });

  it('resumes an interrupted ingest of a file from the offset the server has', async () => {
    const data = randomBytes(5 * MiB);
    const file = join(tmp.dir, 'resume.bin');
    await writeFile(file, data);
    const st = await stat(file);
    // What an interrupted `berth content ingest` leaves behind: the first 2 MiB under the default ref.
    const ref = `ingest-${basename(file)}-${st.size}-${Math.trunc(st.mtimeMs)}`;
    const store = createContentProxy(suite.address);
    const w = await store.writer('default', { ref, total: st.size });
    await w.write(0, data.subarray(0, 2 * MiB));
    await w.close();
    store.close();

    const r = await berth(['content', 'ingest', file]);
    expect(r.stderr).toBe(`resuming at ${2 * MiB} bytes\n`);
    expect(r.stdout).toBe(sha256(data) + '\n');
    expect((await berth(['content', 'active', '-q'])).stdout).toBe('');
  });

  it('fails on a digest mismatch and drops the ingest', async () => {
    const r = await berth(
      ['content', 'ingest', '-', '--ref', 'mismatch', '--expected', sha256(Buffer.from('x'))],
      {
        input: 'y',
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^berth: .*digest.*\n$/);
    expect((await berth(['content', 'active', '--format', 'json'])).stdout).toBe('[]\n');
  });

  it('manages namespaces and their labels', async () => {
    expect((await berth(['namespaces', 'create', 'cli-ns', 'a=1', 'b=2'])).stdout).toBe('cli-ns\n');
    expect((await berth(['ns', 'ls'])).stdout).toMatch(/^NAME +LABELS\n(.*\n)*cli-ns +a=1,b=2\n/);
    expect((await berth(['ns', 'label', 'cli-ns', 'a=9', 'b='])).stdout).toBe('a=9\n');
    const json = JSON.parse((await berth(['ns', 'ls', '--format', 'json'])).stdout);
    expect(json).toContainEqual({ name: 'cli-ns', labels: { a: '9' } });
    expect((await berth(['ns', 'rm', 'cli-ns'])).stdout).toBe('cli-ns\n');
    expect((await berth(['ns', 'ls', '-q'])).stdout).not.toMatch(/^cli-ns$/m);
  });

  it('streams events until interrupted, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      [cliEntry(), '--address', suite.address, 'events', '--format', 'json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    // The subscription starts asynchronously: keep causing events until one arrives.
    let n = 0;
    const trigger = setInterval(() => void berth(['ns', 'create', `cli-ev-${n++}`]), 200);
    try {
      const first = await lines.next();
      const ev = JSON.parse(String(first.value));
      expect(ev).toMatchObject({
        topic: '/namespaces/create',
        typeUrl: 'containerd.events.NamespaceCreate',
        event: { name: expect.stringMatching(/^cli-ev-/) },
      });
      expect(ev.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    } finally {
      clearInterval(trigger);
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('says plainly when berth is not running', async () => {
    const address = join(tmp.dir, 'nothing.sock');
    const r = await runCli(['content', 'ls'], { address });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `berth: cannot reach berth at ${address}: is the suite running? (berth-suite start)\n`,
    );
  });

  it('exits 2 with one line for usage errors', async () => {
    for (const args of [
      ['content', 'nope'],
      ['content', 'ls', '--format', 'yaml'],
      ['--timeout', 'soon', 'version'],
    ]) {
      const r = await berth(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^berth: /);
    }
  });
});
