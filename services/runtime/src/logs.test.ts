import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLog, readLog } from './logs.js';

const line = (stream: string, log: string, time: string) => JSON.stringify({ log, stream, time }) + '\n';
const all = { tail: -1, stdout: true, stderr: true };

describe('json-file logs', () => {
  let dir = '';
  let path = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-logs-'));
    path = join(dir, 'c-json.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads rotated files oldest first, filters streams, times and tail, and skips a torn last line', async () => {
    writeFileSync(`${path}.1`, line('stdout', 'one\n', '2026-01-01T00:00:01Z'));
    writeFileSync(
      path,
      line('stderr', 'two\n', '2026-01-01T00:00:02Z') +
        line('stdout', 'three\n', '2026-01-01T00:00:03Z') +
        '{"log":"par',
    );
    const text = async (q: Parameters<typeof readLog>[1]) =>
      (await readLog(path, q, 2)).lines.map((l) => l.data.toString()).join('');
    expect(await text(all)).toBe('one\ntwo\nthree\n');
    expect(await text({ ...all, stderr: false })).toBe('one\nthree\n');
    expect(await text({ ...all, tail: 1 })).toBe('three\n');
    expect(await text({ ...all, tail: 0 })).toBe('');
    expect(await text({ ...all, since: new Date('2026-01-01T00:00:02Z') })).toBe('two\nthree\n');
    expect(await text({ ...all, until: new Date('2026-01-01T00:00:02Z') })).toBe('one\ntwo\n');
  });

  it('follows appends and a rotation until the writer is done', async () => {
    writeFileSync(path, line('stdout', 'a\n', '2026-01-01T00:00:01Z'));
    const { offset } = await readLog(path, all);
    let done = false;
    const got: string[] = [];
    const ac = new AbortController();
    const reading = (async () => {
      for await (const l of followLog(path, offset, all, async () => done, ac.signal, 10))
        got.push(l.data.toString());
    })();
    appendFileSync(path, line('stdout', 'b\n', '2026-01-01T00:00:02Z'));
    await new Promise((r) => setTimeout(r, 50));
    renameSync(path, `${path}.1`);
    writeFileSync(path, line('stderr', 'c\n', '2026-01-01T00:00:03Z'));
    await new Promise((r) => setTimeout(r, 50));
    done = true;
    await reading;
    expect(got).toEqual(['b\n', 'c\n']);
  });
});
