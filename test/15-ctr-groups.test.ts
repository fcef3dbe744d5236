/**
 * System: the ctr-style `berth containers …` and `berth tasks …` groups on
 * containers and tasks made by containerd's `ctr` (real runc, busybox), and
 * the other way round: what berth does is what ctr then sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@berth/testkit';
import { missingImagePrerequisite, tableRows } from './helpers.js';
import { ctr, ctrOk } from './ctr.js';
import {
  createOnly,
  IMAGE,
  runDetached,
  startContainerSuite,
  waitTask,
  type ContainerSuite,
} from './containers.js';

const skip = missingImagePrerequisite();

describe.skipIf(skip !== undefined)(`berth containers/tasks ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let s: ContainerSuite;
  let address: string;

  beforeAll(async () => {
    s = await startContainerSuite('berth-ctr-groups-');
    address = s.suite.address;
    await runDetached(address, 'svc', ['sleep', '1000'], { labels: { app: 'web' } });
    await createOnly(address, 'idle', ['echo', 'hello from idle']);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const taskStatus = async (id: string) =>
    tableRows((await s.ok(['tasks', 'ls'])).stdout).find((r) => r[0] === id)?.[2];

  describe('containers', () => {
    it('ls shows CONTAINER IMAGE RUNTIME, -q and containerd filters', async () => {
      const r = await s.ok(['containers', 'ls']);
      expect(r.stdout.split('\n')[0]).toMatch(/^CONTAINER\s+IMAGE\s+RUNTIME$/);
      expect(tableRows(r.stdout).sort()).toEqual([
        ['idle', IMAGE, 'io.containerd.runc.v2'],
        ['svc', IMAGE, 'io.containerd.runc.v2'],
      ]);
      expect((await s.ok(['containers', 'list', '-q'])).stdout).toBe('idle\nsvc\n');
      expect((await s.ok(['containers', 'ls', '-q', 'labels.app==web'])).stdout).toBe('svc\n');
      expect((await s.ok(['containers', 'ls', '-q', 'id==idle'])).stdout).toBe('idle\n');
    });

    it('info prints the record with the spec decoded, as ctr does', async () => {
      const ours = JSON.parse((await s.ok(['containers', 'info', 'svc'])).stdout) as Record<
        string,
        unknown
      > & {
        Spec: { process: { args: string[] } };
      };
      const theirs = JSON.parse((await ctrOk(address, ['containers', 'info', 'svc'])).stdout) as Record<
        string,
        unknown
      >;
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      for (const k of ['ID', 'Image', 'Runtime', 'SnapshotKey', 'Snapshotter', 'Labels', 'Spec'])
        expect(ours[k]).toEqual(theirs[k]);
      expect(new Date(ours.CreatedAt as string).getTime()).toBe(
        new Date(theirs.CreatedAt as string).getTime(),
      );
      expect(ours.Spec.process.args).toEqual(['sleep', '1000']);
      const spec = JSON.parse((await s.ok(['containers', 'info', '--spec', 'idle'])).stdout) as {
        process: { args: string[] };
      };
      expect(spec.process.args).toEqual(['echo', 'hello from idle']);
      const missing = await s.cli(['containers', 'info', 'nope']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^berth: .*nope.*not found|^berth: .*not found.*nope/i);
    });

    it('label sets and removes labels that ctr then sees', async () => {
      expect((await s.ok(['containers', 'label', 'idle', 'tier=back', 'team=core'])).stdout).toBe(
        'tier=back,team=core\n',
      );
      expect((await ctrOk(address, ['containers', 'ls', '-q', 'labels.tier==back'])).stdout).toBe('idle\n');
      await s.ok(['containers', 'label', 'idle', 'tier=']);
      const info = JSON.parse((await ctrOk(address, ['containers', 'info', 'idle'])).stdout) as {
        Labels: Record<string, string>;
      };
      expect(info.Labels).toMatchObject({ team: 'core' });
      expect(info.Labels.tier).toBeUndefined();
      expect((await s.ok(['containers', 'label', 'idle'])).stdout).toMatch(/team=core/);
    });

    it('rm refuses a running container and removes a stopped one with its snapshot', async () => {
      const busy = await s.cli(['containers', 'rm', 'svc']);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe('berth: cannot delete a non stopped container: running\n');
      await createOnly(address, 'gone', ['true']);
      expect((await ctrOk(address, ['snapshots', 'ls'])).stdout).toMatch(/^gone\s/m);
      await s.ok(['containers', 'rm', 'gone']);
      expect((await ctrOk(address, ['containers', 'ls', '-q'])).stdout).not.toMatch(/^gone$/m);
      expect((await ctrOk(address, ['snapshots', 'ls'])).stdout).not.toMatch(/^gone\s/m);
      await createOnly(address, 'kept', ['true']);
      await s.ok(['containers', 'delete', '--keep-snapshot', 'kept']);
      expect((await ctrOk(address, ['snapshots', 'ls'])).stdout).toMatch(/^kept\s/m);
      await ctrOk(address, ['snapshots', 'rm', 'kept']);
    });
  });

  describe('tasks', () => {
    it('ls shows TASK PID STATUS like ctr; ps lists the pids', async () => {
      const r = await s.ok(['tasks', 'ls']);
      expect(r.stdout.split('\n')[0]).toMatch(/^TASK\s+PID\s+STATUS$/);
      const row = tableRows(r.stdout).find((x) => x[0] === 'svc')!;
      expect(row[2]).toBe('RUNNING');
      const theirs = tableRows((await ctrOk(address, ['tasks', 'ls'])).stdout).find((x) => x[0] === 'svc')!;
      expect(row).toEqual(theirs);
      expect((await s.ok(['tasks', 'ls', '-q'])).stdout).toBe('svc\n');
      const ps = await s.ok(['tasks', 'ps', 'svc']);
      expect(ps.stdout.split('\n')[0]).toMatch(/^PID\s+INFO$/);
      expect(tableRows(ps.stdout)).toEqual([[row[1], '-']]);
    });

    it('metrics decodes the cgroup stats: pids and memory in use', async () => {
      const r = await s.ok(['tasks', 'metrics', 'svc']);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^ID\s+TIMESTAMP$/);
      expect(lines[1]).toMatch(/^svc\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
      expect(lines[3]).toMatch(/^METRIC\s+VALUE$/);
      const m = new Map(
        lines
          .slice(4)
          .filter(Boolean)
          .map((l) => l.split(/\s+/) as [string, string]),
      );
      expect([...m.keys()]).toEqual([
        'memory.usage_in_bytes',
        'memory.limit_in_bytes',
        'memory.stat.cache',
        'cpuacct.usage',
        'cpuacct.usage_percpu',
        'pids.current',
        'pids.limit',
      ]);
      expect(Number(m.get('pids.current'))).toBeGreaterThanOrEqual(1);
      expect(Number(m.get('memory.usage_in_bytes'))).toBeGreaterThan(0);
      expect(r.stdout).toMatch(/cpuacct\.usage_percpu\s+\[\d+( \d+)*\]/);
      const j = JSON.parse((await s.ok(['tasks', 'metrics', '--format', 'json', 'svc'])).stdout) as {
        pids: { current: number };
        memory: { usage: { usage: number } };
      };
      expect(j.pids.current).toBeGreaterThanOrEqual(1);
      expect(j.memory.usage.usage).toBeGreaterThan(0);
    });

    it('pause and resume, as ctr sees them', async () => {
      await s.ok(['tasks', 'pause', 'svc']);
      expect(await taskStatus('svc')).toBe('PAUSED');
      expect((await ctrOk(address, ['tasks', 'ls'])).stdout).toMatch(/^svc\s+\d+\s+PAUSED$/m);
      await s.ok(['tasks', 'resume', 'svc']);
      expect(await taskStatus('svc')).toBe('RUNNING');
    });

    it('start runs a created container and follows its output to its exit status', async () => {
      await createOnly(address, 'once', ['sh', '-c', 'echo to-out; echo to-err >&2; exit 5']);
      const r = await s.cli(['tasks', 'start', 'once']);
      expect(r.stdout).toBe('to-out\n');
      expect(r.stderr).toBe('to-err\n');
      expect(r.code).toBe(5);
      expect(await taskStatus('once')).toBe('STOPPED');
      // The output went to the container's log as well.
      expect((await s.ok(['logs', 'once'])).stdout).toBe('to-out\n');
      await s.ok(['tasks', 'rm', 'once']);
      await s.ok(['containers', 'rm', 'once']);
    });

    it('start -d, exec, kill with a signal, delete', async () => {
      await createOnly(address, 'bg', ['sleep', '1000']);
      await s.ok(['tasks', 'start', '-d', 'bg']);
      expect(await taskStatus('bg')).toBe('RUNNING');
      // A short exec: the CLI attaches to it before starting it, so its output is all there.
      const ex = await s.cli(['tasks', 'exec', '--exec-id', 'e1', 'bg', 'sh', '-c', 'echo in-bg; exit 4']);
      expect(ex.stdout).toBe('in-bg\n');
      expect(ex.code).toBe(4);
      const early = await s.cli(['tasks', 'rm', 'bg']);
      expect(early.code).toBe(1);
      await s.ok(['tasks', 'kill', '-s', 'SIGKILL', 'bg']);
      await waitFor(async () => ((await taskStatus('bg')) === 'STOPPED' ? true : undefined), {
        timeoutMs: 10_000,
        what: 'bg to stop',
      });
      const info = JSON.parse((await s.ok(['inspect', 'bg'])).stdout) as { State: { ExitCode: number } }[];
      expect(info[0]!.State.ExitCode).toBe(137);
      await s.ok(['tasks', 'delete', 'bg']);
      expect(await taskStatus('bg')).toBeUndefined();
      await s.ok(['containers', 'rm', 'bg']);
    });

    it('kill defaults to SIGTERM and rm -f kills first', async () => {
      // PID 1 ignores SIGTERM unless it handles it: this shell does, and says so.
      await runDetached(address, 'term', [
        'sh',
        '-c',
        'trap "echo got-term; exit 7" TERM; echo ready; sleep 1000 & wait',
      ]);
      await waitFor(async () => ((await s.ok(['logs', 'term'])).stdout === 'ready\n' ? true : undefined), {
        timeoutMs: 10_000,
        what: 'term to set its trap',
      });
      await s.ok(['tasks', 'kill', 'term']);
      await waitTask(address, 'term', 'STOPPED');
      expect((await s.ok(['logs', 'term'])).stdout).toBe('ready\ngot-term\n');
      const info = JSON.parse((await s.ok(['inspect', 'term'])).stdout) as { State: { ExitCode: number } }[];
      expect(info[0]!.State.ExitCode).toBe(7);
      await runDetached(address, 'forced', ['sleep', '1000']);
      await s.ok(['tasks', 'rm', '-f', 'forced']);
      expect(await taskStatus('forced')).toBeUndefined();
      const gone = await ctr(address, ['tasks', 'ls']);
      expect(gone.stdout).not.toMatch(/^forced\s/m);
      const bad = await s.cli(['tasks', 'kill', '-s', 'SIGNOPE', 'svc']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/Invalid signal: SIGNOPE/);
    });
  });
});
