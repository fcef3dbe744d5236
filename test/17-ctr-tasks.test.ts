/**
 * System: containerd's own `ctr` runs containers on berth — tasks v1 over the
 * gateway, stdio through ctr's FIFOs, each task under a berth-monitor driving
 * real runc — and the containers survive a kill -9 of berth-runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, serverStream } from '@berth/grpc';
import { AuditClient } from '@berth/proto/berth/events/v1';
import {
  startService,
  startSuite,
  tempRoot,
  waitFor,
  type ServiceProcess,
  type Suite,
  type TempRoot,
} from '@berth/testkit';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { missingImagePrerequisite } from './helpers.js';
import { mountsUnder, run } from './mounts.js';
import { ctr, ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';

const skip = missingImagePrerequisite();
const IMAGE = 'docker.io/library/busybox:latest';

describe.skipIf(skip !== undefined)(`ctr run/tasks against berth ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  let restarted: ServiceProcess | undefined;
  // ctr makes its stdio FIFOs client-side; keep them in the test's own dir.
  const fifo = () => ['--fifo-dir', `${tmp.dir}/fifo`];

  beforeAll(async () => {
    suite = await startSuite({ services: ['content', 'snapshotter', 'images', 'runtime'] });
    tmp = tempRoot('berth-tasks-');
    await ctrOk(suite.address, ['images', 'import', makeBusyboxArchive(tmp.dir).path]);
  });
  afterAll(async () => {
    await restarted?.stop();
    await suite?.stop();
    await tmp?.cleanup();
  });

  const taskStatus = async (id: string): Promise<string | undefined> => {
    const out = (await ctrOk(suite.address, ['tasks', 'ls'])).stdout;
    return out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((f) => f[0] === id)?.[2];
  };

  it('ctr run --rm passes stdout through its FIFOs and returns the exit code', async () => {
    const r = await ctr(suite.address, [
      'run',
      '--rm',
      ...fifo(),
      IMAGE,
      'c1',
      'sh',
      '-c',
      'echo out; exit 3',
    ]);
    expect(r.stdout).toBe('out\n');
    expect(r.code).toBe(3);
    // --rm removed the container and its snapshot.
    expect((await ctrOk(suite.address, ['containers', 'ls', '-q'])).stdout.trim()).toBe('');
    expect((await ctrOk(suite.address, ['snapshots', 'ls'])).stdout).not.toMatch(/\bc1\b/);
  });

  it('ctr run --log-uri file:// appends the output to that file', async () => {
    const log = join(tmp.dir, 'c-log.txt');
    const r = await ctr(suite.address, [
      'run',
      '--rm',
      '--log-uri',
      `file://${log}`,
      IMAGE,
      'logged',
      'sh',
      '-c',
      'echo to-log; echo err >&2',
    ]);
    expect(r.code).toBe(0);
    expect((await readFile(log, 'utf8')).split('\n').sort()).toEqual(['', 'err', 'to-log']);
  });

  it('runs a container on crun when ctr asks for it (--runc-binary), through the hybrid-cgroup wrapper', async () => {
    const r = await ctr(suite.address, [
      'run',
      '--rm',
      ...fifo(),
      '--runc-binary',
      'crun',
      IMAGE,
      'oncrun',
      'sh',
      '-c',
      'echo crun; exit 5',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('crun\n');
    expect(r.code).toBe(5);
    // It ran under crun's state root, not runc's.
    expect(
      await run('ls', [join(suite.state, 'runtime', 'runc')]).then((x) => x.stdout.split('\n')),
    ).toContain('crun');
  });

  it('removes a container labelled io.berth.auto-remove when it exits, with nobody attached (run -d --rm)', async () => {
    await ctrOk(suite.address, [
      'run',
      '-d',
      '--null-io',
      '--label',
      'io.berth.auto-remove=true',
      IMAGE,
      'gone',
      'sh',
      '-c',
      'sleep 0.3',
    ]);
    await waitFor(
      async () =>
        (await ctrOk(suite.address, ['containers', 'ls', '-q'])).stdout.includes('gone') ? undefined : true,
      { timeoutMs: 10_000, what: 'the container to remove itself' },
    );
    expect((await ctrOk(suite.address, ['snapshots', 'ls'])).stdout).not.toMatch(/\bgone\b/);
    expect(await taskStatus('gone')).toBeUndefined();
  });

  it('runs a detached task: ls, ps, exec, pause/resume, kill, delete, with the task events', async () => {
    const since = new Date();
    await ctrOk(suite.address, ['run', '-d', ...fifo(), IMAGE, 'c2', 'sleep', '1000']);
    expect(await taskStatus('c2')).toBe('RUNNING');
    const ps = (await ctrOk(suite.address, ['tasks', 'ps', 'c2'])).stdout;
    expect(ps).toMatch(/^PID\s+INFO/);
    const exec = await ctr(suite.address, [
      'tasks',
      'exec',
      ...fifo(),
      '--exec-id',
      'e1',
      'c2',
      'sh',
      '-c',
      'echo in-c2; exit 4',
    ]);
    expect(exec.stdout).toBe('in-c2\n');
    expect(exec.code).toBe(4);
    await ctrOk(suite.address, ['tasks', 'pause', 'c2']);
    expect(await taskStatus('c2')).toBe('PAUSED');
    await ctrOk(suite.address, ['tasks', 'resume', 'c2']);
    expect(await taskStatus('c2')).toBe('RUNNING');
    const metrics = (await ctrOk(suite.address, ['tasks', 'metrics', 'c2'])).stdout;
    expect(metrics).toMatch(/pids\.current\s+1\b/);
    await ctrOk(suite.address, ['tasks', 'kill', '-s', 'SIGKILL', 'c2']);
    await waitFor(async () => ((await taskStatus('c2')) === 'STOPPED' ? true : undefined), {
      timeoutMs: 10_000,
      what: 'c2 to stop',
    });
    // Delete of a running task is refused; of a stopped one it works.
    await ctrOk(suite.address, ['tasks', 'rm', 'c2']);
    await ctrOk(suite.address, ['containers', 'rm', 'c2']);
    const audit = dial(AuditClient, suite.address);
    try {
      const topics = async () => {
        const out: string[] = [];
        const req = { since, filters: ['topic~="^/tasks/"'], follow: false };
        for await (const e of serverStream(audit, audit.replay, req)) out.push(e.topic);
        return out.includes('/tasks/delete') ? out : undefined;
      };
      const seen = await waitFor(topics, { timeoutMs: 10_000, what: 'the /tasks/* events' });
      expect(seen.filter((t) => !t.startsWith('/tasks/exec') && t !== '/tasks/exit')).toEqual([
        '/tasks/create',
        '/tasks/start',
        '/tasks/paused',
        '/tasks/resumed',
        '/tasks/delete',
      ]);
      expect(seen).toContain('/tasks/exec-added');
      expect(seen).toContain('/tasks/exec-started');
      expect(seen.filter((t) => t === '/tasks/exit')).toHaveLength(2); // the exec, then the init
    } finally {
      audit.close();
    }
  });

  it('containers keep running through a kill -9 of berth-runtime, and exits during the outage are learnt', async () => {
    await ctrOk(suite.address, ['run', '-d', '--null-io', IMAGE, 'long', 'sleep', '1000']);
    await ctrOk(suite.address, ['run', '-d', '--null-io', IMAGE, 'short', 'sh', '-c', 'sleep 1; exit 7']);
    const pid = Number(
      (await ctrOk(suite.address, ['tasks', 'ls'])).stdout.match(/^long\s+(\d+)/m)?.[1] ?? Number.NaN,
    );
    expect(pid).toBeGreaterThan(0);
    await suite.services.runtime!.kill9();
    await new Promise((r) => setTimeout(r, 1500)); // `short` exits while nobody watches
    process.kill(pid, 0); // still alive: throws ESRCH otherwise
    restarted = await startService('runtime', { root: suite.root, state: suite.state, nats: suite.natsUrl });
    expect(await taskStatus('long')).toBe('RUNNING');
    expect(await taskStatus('short')).toBe('STOPPED');
    const wait = await ctr(suite.address, ['tasks', 'delete', 'short']);
    expect(wait.code).toBe(0);
    // The restarted runtime still watches `long`: a kill is seen as an exit.
    await ctrOk(suite.address, ['tasks', 'kill', '-s', 'SIGKILL', 'long']);
    await waitFor(async () => ((await taskStatus('long')) === 'STOPPED' ? true : undefined), {
      timeoutMs: 10_000,
      what: 'long to stop after the restart',
    });
    await ctrOk(suite.address, ['tasks', 'rm', 'long']);
    await ctrOk(suite.address, ['containers', 'rm', 'long', 'short']);
  });

  it('a kill -9 of berth-runtime in the middle of a task create leaves either a whole task or nothing', async () => {
    const runcRoot = join(suite.state, 'runtime', 'runc', 'runc', 'default');
    for (const [i, delayMs] of [0, 40, 80, 160].entries()) {
      const id = `mid${i}`;
      await ctrOk(suite.address, ['containers', 'create', IMAGE, id, 'sleep', '1000']);
      const starting = ctr(suite.address, ['tasks', 'start', '-d', '--null-io', id]);
      await new Promise((r) => setTimeout(r, delayMs));
      await (restarted ?? suite.services.runtime!).kill9();
      await starting;
      restarted = await startService('runtime', {
        root: suite.root,
        state: suite.state,
        nats: suite.natsUrl,
      });
      const known = (await run('runc', ['--root', runcRoot, 'list', '-q']).catch(() => ({ stdout: '' })))
        .stdout;
      const rootfs = join(suite.state, 'runtime', 'tasks', 'default', id, 'rootfs');
      if ((await taskStatus(id)) === undefined) {
        expect(known.split('\n')).not.toContain(id);
        expect(mountsUnder(rootfs)).toEqual([]);
      } else {
        expect(known.split('\n')).toContain(id);
        await ctr(suite.address, ['tasks', 'kill', '-s', 'SIGKILL', id]);
        await waitFor(async () => ((await taskStatus(id)) === 'STOPPED' ? true : undefined), {
          timeoutMs: 10_000,
          what: `${id} to stop`,
        });
        await ctrOk(suite.address, ['tasks', 'rm', id]);
      }
      await ctrOk(suite.address, ['containers', 'rm', id]);
      expect(mountsUnder(rootfs)).toEqual([]);
    }
  });
});
