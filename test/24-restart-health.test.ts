/**
 * System: docker's restart policies and health checks, carried out by berth-runtime against
 * real runc — on-failure:N, always, unless-stopped, a stop by the user never undone, restarts
 * after a kill -9 of berth-runtime (also with the container's monitor and bundle gone, as after
 * a reboot), health probes as execs (healthy, unhealthy, timeouts) shown by ps and inspect and
 * published as /health/* events.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, serverStream, unary } from '@berth/grpc';
import { AuditClient } from '@berth/proto/berth/events/v1';
import { HealthStatus, RuntimeClient, type ContainerSummary } from '@berth/proto/berth/runtime/v1';
import { startService, waitFor, type ServiceProcess } from '@berth/testkit';
import { missingImagePrerequisite } from './helpers.js';
import { startContainerSuite, type ContainerSuite } from './containers.js';

const skip = missingImagePrerequisite();
const NONE = ['--network', 'none'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Inspected {
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    Restarting: boolean;
    ExitCode: number;
    Pid: number;
    Health?: {
      Status: string;
      FailingStreak: number;
      Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
    };
  };
  Config: { Healthcheck?: { Test: string[]; Interval: number; Retries: number } };
  HostConfig: { RestartPolicy: { Name: string; MaximumRetryCount: number } };
}

describe.skipIf(skip !== undefined)(
  `restart policies and health checks ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let s: ContainerSuite;
    let runtime: RuntimeClient;
    let restarted: ServiceProcess | undefined;
    const since = new Date();

    beforeAll(async () => {
      s = await startContainerSuite('berth-restart-');
      runtime = dial(RuntimeClient, s.suite.address);
    });
    afterAll(async () => {
      runtime?.close();
      await restarted?.stop();
      await s?.stop();
    });

    const berth = (args: string[]) => s.cli(args);
    const ok = (args: string[]) => s.ok(args);
    const run = async (args: string[]) => (await ok(['run', '-d', ...NONE, ...args])).stdout.trim();
    const summary = async (name: string): Promise<ContainerSummary | undefined> =>
      (await unary(runtime, runtime.list, { all: true, filters: [] }, { ns: 'default' })).containers.find(
        (c) => c.name === name,
      );
    const inspect = async (name: string) =>
      (JSON.parse((await ok(['inspect', '--type', 'container', name])).stdout) as Inspected[])[0]!;
    const status = async (name: string) =>
      (await ok(['ps', '-a', '--filter', `name=^/${name}$`, '--format', '{{.Status}}'])).stdout.trim();
    const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000) =>
      waitFor(fn, { timeoutMs, intervalMs: 50, what });

    it("refuses bad flags with docker's messages", async () => {
      const cases: Array<[string[], string]> = [
        [['--restart', 'sometimes'], "invalid restart policy: unknown policy 'sometimes'"],
        [['--restart', 'always:3'], "maximum retry count can only be used with 'on-failure'"],
        [['--restart', 'always', '--rm'], 'Conflicting options: --restart and --rm'],
        [['--health-cmd', 'true', '--health-interval', '5'], 'time: missing unit in duration "5"'],
        [['--no-healthcheck', '--health-cmd', 'true'], '--no-healthcheck conflicts with --health-* options'],
        [['--health-cmd', 'true', '--health-retries', '-1'], '--health-retries cannot be negative'],
      ];
      for (const [flags, message] of cases) {
        const r = await berth(['run', '-d', ...NONE, ...flags, 'busybox', 'true']);
        expect(r.code, flags.join(' ')).toBe(125);
        expect(r.stderr).toContain(message);
      }
      expect((await ok(['ps', '-aq'])).stdout).toBe('');
    });

    it('on-failure:2 restarts a failing container twice, then leaves it Exited', async () => {
      await run(['--name', 'fails', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo try; exit 3']);
      await until('two restarts', async () => {
        const c = await summary('fails');
        return c?.state === 'exited' && c.restartCount === 2;
      });
      await sleep(1500); // no third restart: the back-off would have been 400 ms
      const i = await inspect('fails');
      expect(i.RestartCount).toBe(2);
      expect(i.State).toMatchObject({ Status: 'exited', ExitCode: 3, Restarting: false });
      expect(i.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 2 });
      expect((await ok(['logs', 'fails'])).stdout).toBe('try\ntry\ntry\n');
      expect(await status('fails')).toMatch(/^Exited \(3\) /);
      await ok(['rm', 'fails']);
    });

    it('always restarts after a clean exit, backs off ("Restarting (0) …"), and a stop ends it', async () => {
      await run(['--name', 'loop', '--restart', 'always', 'busybox', 'sh', '-c', 'echo run']);
      await until('three restarts', async () => ((await summary('loop'))?.restartCount ?? 0) >= 3);
      // 100, 200, 400, 800, 1600 ms…: a wait long enough for ps to see.
      const st = await until('ps to show the restart back-off', async () => {
        const x = await status('loop');
        return /^Restarting \(0\) /.test(x) ? x : undefined;
      });
      expect(st).toMatch(/^Restarting \(0\) (Less than a second|\d+ seconds?) ago$/);
      const i = await inspect('loop');
      expect(i.State).toMatchObject({ Status: 'restarting', Restarting: true, Running: true });
      expect(i.RestartCount).toBeGreaterThanOrEqual(3);
      // Listed without -a, as docker lists a restarting container.
      expect((await ok(['ps', '--format', '{{.Names}}'])).stdout).toContain('loop');
      // A stop during the back-off calls the restart off.
      await ok(['stop', 'loop']);
      const count = (await summary('loop'))!.restartCount;
      await sleep(3500);
      expect(await summary('loop')).toMatchObject({ state: 'exited', restartCount: count });
      await ok(['rm', 'loop']);
    });

    it('a berth stop of an always container is not undone; an exit it did not ask for is', async () => {
      await run(['--name', 'svc', '--restart', 'always', 'busybox', 'sleep', '1000']);
      await ok(['stop', '-t', '1', 'svc']);
      await sleep(1500);
      expect(await summary('svc')).toMatchObject({ state: 'exited', restartCount: 0 });
      // start clears the mark: the policy applies again.
      await ok(['start', 'svc']);
      const pid = (await summary('svc'))!.pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      const again = await until('svc to be restarted', async () => {
        const c = await summary('svc');
        return c?.state === 'running' && c.pid !== pid ? c : undefined;
      });
      expect(again.restartCount).toBe(2); // the start, then the policy
      // kill by the user counts as a stop too.
      await ok(['kill', 'svc']);
      await sleep(1500);
      expect(await summary('svc')).toMatchObject({ state: 'exited', exitStatus: 137 });
      await ok(['rm', 'svc']);
    });

    it('probes a healthy container: (health: starting), then (healthy), with the log in inspect', async () => {
      await run([
        '--name',
        'fine',
        '--health-cmd',
        'echo probing; true',
        '--health-interval',
        '1500ms',
        'busybox',
        'sleep',
        '1000',
      ]);
      await until('(health: starting)', async () => /\(health: starting\)$/.test(await status('fine')));
      await until('(healthy)', async () => /^Up .* \(healthy\)$/.test(await status('fine')));
      const i = await inspect('fine');
      expect(i.State.Health).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
      expect(i.State.Health!.Log[0]).toMatchObject({ ExitCode: 0, Output: 'probing\n' });
      expect(Date.parse(i.State.Health!.Log[0]!.End)).toBeGreaterThanOrEqual(
        Date.parse(i.State.Health!.Log[0]!.Start),
      );
      expect(i.Config.Healthcheck).toEqual({
        Test: ['CMD-SHELL', 'echo probing; true'],
        Interval: 1_500_000_000,
        Timeout: 30_000_000_000,
        StartPeriod: 0,
        Retries: 3,
      });
      expect((await summary('fine'))!.health).toBe('healthy');
    });

    it('marks a failing container unhealthy after the retries, with the failures in inspect', async () => {
      await run([
        '--name',
        'sick',
        '--health-cmd',
        'echo bad >&2; exit 1',
        '--health-interval',
        '200ms',
        '--health-retries',
        '2',
        'busybox',
        'sleep',
        '1000',
      ]);
      await until('(unhealthy)', async () => /^Up .* \(unhealthy\)$/.test(await status('sick')));
      const h = (await inspect('sick')).State.Health!;
      expect(h.Status).toBe('unhealthy');
      expect(h.FailingStreak).toBeGreaterThanOrEqual(2);
      expect(h.Log.length).toBeGreaterThanOrEqual(2);
      expect(h.Log.length).toBeLessThanOrEqual(5);
      for (const l of h.Log) expect(l).toMatchObject({ ExitCode: 1, Output: 'bad\n' });
      await until('five results kept', async () => (await inspect('sick')).State.Health!.Log.length === 5);
      await ok(['rm', '-f', 'sick']);
    });

    it('kills a probe that outlives its timeout and counts it as a failure', async () => {
      await run([
        '--name',
        'slow',
        '--health-cmd',
        'sleep 10',
        '--health-interval',
        '200ms',
        '--health-timeout',
        '300ms',
        '--health-retries',
        '1',
        'busybox',
        'sleep',
        '1000',
      ]);
      await until('(unhealthy)', async () => /\(unhealthy\)$/.test(await status('slow')));
      const h = (await inspect('slow')).State.Health!;
      expect(h.Log[0]).toMatchObject({ ExitCode: -1, Output: 'Health check exceeded timeout (300ms)' });
      const took = Date.parse(h.Log[0]!.End) - Date.parse(h.Log[0]!.Start);
      expect(took).toBeGreaterThanOrEqual(300);
      expect(took).toBeLessThan(3000);
      await ok(['rm', '-f', 'slow']);
    });

    it('publishes /health/* events, recorded for the audit replay', async () => {
      const fine = (await summary('fine'))!.id;
      const audit = dial(AuditClient, s.suite.address);
      try {
        const seen = await until('the /health/* events', async () => {
          const out: Array<{ topic: string; id: string; status: string }> = [];
          const req = { since, filters: ['topic~="^/health/"'], follow: false };
          for await (const e of serverStream(audit, audit.replay, req)) {
            const m = HealthStatus.decode(e.event!.value);
            expect(e.event!.typeUrl).toBe('berth.runtime.v1.HealthStatus');
            out.push({ topic: e.topic, id: m.containerId, status: m.status });
          }
          return out.some((x) => x.topic === '/health/unhealthy') ? out : undefined;
        });
        const ofFine = seen.filter((x) => x.id === fine).map((x) => x.topic);
        expect(ofFine).toEqual(['/health/starting', '/health/healthy']);
        for (const x of seen) expect(x.topic).toBe(`/health/${x.status}`);
        expect(seen.filter((x) => x.topic === '/health/unhealthy').length).toBeGreaterThanOrEqual(2);
      } finally {
        audit.close();
      }
    });

    it('brings always/unless-stopped containers back after berth-runtime was down, even with their bundle gone', async () => {
      await run(['--name', 'keep', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
      await run(['--name', 'also', '--restart', 'always', 'busybox', 'sleep', '1000']);
      await run(['--name', 'lost', '--restart', 'always', 'busybox', 'sleep', '1000']);
      await run(['--name', 'plain', 'busybox', 'sleep', '1000']);
      await run(['--name', 'halted', '--restart', 'always', 'busybox', 'sleep', '1000']);
      await ok(['stop', '-t', '0', 'halted']);
      const before = new Map<string, ContainerSummary>();
      for (const n of ['keep', 'also', 'lost', 'plain']) before.set(n, (await summary(n))!);

      await s.suite.services.runtime!.kill9();
      for (const n of ['keep', 'also', 'plain']) process.kill(before.get(n)!.pid, 'SIGKILL');
      // `lost`: monitor and container killed, the bundle removed — what a reboot leaves.
      const bundle = join(s.suite.state, 'runtime', 'tasks', 'default', before.get('lost')!.id);
      const monitorPid = Number(readFileSync(join(bundle, 'monitor.pid'), 'utf8'));
      process.kill(monitorPid, 'SIGKILL');
      process.kill(before.get('lost')!.pid, 'SIGKILL');
      await sleep(300);
      execFileSync('umount', [join(bundle, 'rootfs')]);
      rmSync(bundle, { recursive: true, force: true });

      restarted = await startService('runtime', {
        root: s.suite.root,
        state: s.suite.state,
        nats: s.suite.natsUrl,
      });
      for (const n of ['keep', 'also', 'lost']) {
        const c = await until(`${n} to run again`, async () => {
          const x = await summary(n);
          return x?.state === 'running' && x.pid !== before.get(n)!.pid ? x : undefined;
        });
        expect(c.restartCount).toBe(1);
      }
      expect((await ok(['exec', 'lost', 'echo', 'inside'])).stdout).toBe('inside\n');
      expect(await summary('plain')).toMatchObject({ state: 'exited', exitStatus: 137 });
      expect(await summary('halted')).toMatchObject({ state: 'exited', restartCount: 0 });
      // The health state survived the restart, and probing goes on.
      expect(await status('fine')).toMatch(/\(healthy\)$/);
      const last = (await inspect('fine')).State.Health!.Log.at(-1)!.Start;
      await until(
        'another probe',
        async () => (await inspect('fine')).State.Health!.Log.at(-1)!.Start !== last,
      );
      await ok(['rm', '-f', 'keep', 'also', 'lost', 'plain', 'halted', 'fine']);
      expect((await ok(['ps', '-aq'])).stdout).toBe('');
    });
  },
);
