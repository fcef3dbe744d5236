import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupOomKilled, parseKeyedCounts, taskOomKilled } from './oom.js';

const root = mkdtempSync(join(tmpdir(), 'berth-oom-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cgroupFile(path: string, file: string, text: string): void {
  mkdirSync(join(root, path), { recursive: true });
  writeFileSync(join(root, path, file), text);
}

describe('OOM detection', () => {
  it('parses memory.oom_control', () => {
    const c = parseKeyedCounts('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    expect(c.get('oom_kill')).toBe(2);
    expect(c.get('under_oom')).toBe(0);
  });

  it('v1: oom_kill > 0 means killed; under_oom on kernels without the counter', async () => {
    cgroupFile(
      'memory/berth/default/a',
      'memory.oom_control',
      'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
    );
    cgroupFile(
      'memory/berth/default/b',
      'memory.oom_control',
      'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    );
    cgroupFile('memory/berth/default/c', 'memory.oom_control', 'oom_kill_disable 1\nunder_oom 1\n');
    expect(await cgroupOomKilled('/berth/default/a', root)).toBe(true);
    expect(await cgroupOomKilled('/berth/default/b', root)).toBe(false);
    expect(await cgroupOomKilled('/berth/default/c', root)).toBe(true);
    expect(await cgroupOomKilled('/berth/default/gone', root)).toBe(false);
  });

  it('v2: memory.events oom_kill', async () => {
    cgroupFile('unified/berth/default/d', 'memory.events', 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
    expect(await cgroupOomKilled('/berth/default/d', root)).toBe(true);
  });

  it('finds the cgroup through the bundle', async () => {
    const bundle = join(root, 'bundle');
    mkdirSync(bundle);
    writeFileSync(
      join(bundle, 'config.json'),
      JSON.stringify({ linux: { cgroupsPath: '/berth/default/a' } }),
    );
    expect(await taskOomKilled(bundle, root)).toBe(true);
    expect(await taskOomKilled(join(root, 'nope'), root)).toBe(false);
  });
});
