/**
 * System: docker's resource limits in the berth CLI against real runc and this host's cgroups
 * (v1): `-m` OOM-kills (exit 137, State.OOMKilled, containerd's /tasks/oom), `--cpus` throttles,
 * `--pids-limit` refuses forks, `--cpuset-cpus` pins, block I/O throttles reach the cgroup,
 * validation fails with docker's messages; `berth update` changes limits live and keeps them
 * for restarts; `berth stats` reports docker's columns with sane values.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial } from '@berth/grpc';
import { TaskOOM } from '@berth/proto/events';
import { EventsClient } from '@berth/proto/events/v1';
import { missingImagePrerequisite, subscribe, triggerUntilReceived } from './helpers.js';
import { startContainerSuite, type ContainerSuite } from './containers.js';

const skip = missingImagePrerequisite();
const MiB = 1024 * 1024;
// Allocates ~64 MB in the shell itself (a command substitution is kept in memory).
const ALLOCATE_64MB = 'x=$(head -c 64000000 /dev/zero | tr "\\0" a); echo ${#x}';

describe.skipIf(skip !== undefined)(
  `resource limits, berth update and berth stats ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let s: ContainerSuite;
    let events: EventsClient;

    beforeAll(async () => {
      s = await startContainerSuite('berth-limits-');
      events = dial(EventsClient, s.suite.address);
    });
    afterAll(async () => {
      events?.close();
      await s?.stop();
    });

    const berth = (args: string[], timeoutMs = 60_000) => s.cli(args, { timeoutMs });
    const ok = (args: string[], timeoutMs = 60_000) => s.ok(args, { timeoutMs });
    const idOf = async (name: string) => (await ok(['inspect', '-f', '{{.Id}}', name])).stdout.trim();
    /** A cgroup v1 file of container `name` (runc puts it at /berth/<ns>/<id>). */
    const cgroup = async (ctl: string, name: string, file: string) =>
      readFileSync(`/sys/fs/cgroup/${ctl}/berth/default/${await idOf(name)}/${file}`, 'utf8').trim();
    const run = (flags: string[], cmd: string[]) => ['run', '--network', 'none', ...flags, 'busybox', ...cmd];

    it('-m 16m: a process allocating 64 MB is OOM-killed (137, OOMKilled, /tasks/oom)', async () => {
      const r = await berth(run(['--name', 'oom', '-m', '16m'], ['sh', '-c', ALLOCATE_64MB]));
      expect(r.code).toBe(137);
      expect(r.stdout).toBe('');
      expect((await ok(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}}', 'oom'])).stdout).toBe(
        'true 137\n',
      );
      expect(
        (await ok(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', 'oom'])).stdout,
      ).toBe(`${16 * MiB} ${32 * MiB}\n`);

      // Under the limit: no OOM.
      const fine = await berth(
        run(['--name', 'fits', '-m', '64m'], ['sh', '-c', 'head -c 8000000 /dev/zero | wc -c']),
      );
      expect(fine).toMatchObject({ code: 0, stdout: '8000000\n' });
      expect((await ok(['inspect', '-f', '{{.State.OOMKilled}}', 'fits'])).stdout).toBe('false\n');

      // containerd's TaskOOM event, for the container that was killed.
      const stream = subscribe(events, ['topic=="/tasks/oom"']);
      try {
        let n = 0;
        const env = await triggerUntilReceived(
          stream,
          async () => {
            await berth(run(['--rm', '--name', `oom${n++}`, '-m', '16m'], ['sh', '-c', ALLOCATE_64MB]));
          },
          60_000,
        );
        expect(env.topic).toBe('/tasks/oom');
        expect(env.event?.typeUrl).toBe('containerd.events.TaskOOM');
        expect(TaskOOM.decode(env.event!.value).containerId).toMatch(/^[0-9a-f]{64}$/);
      } finally {
        stream.close();
      }
    });

    it('--cpus 0.5 holds a busy loop near 50 % of one CPU', async () => {
      await ok(run(['-d', '--name', 'busy', '--cpus', '0.5'], ['sh', '-c', 'while :; do :; done']));
      expect(await cgroup('cpu', 'busy', 'cpu.cfs_period_us')).toBe('100000');
      expect(await cgroup('cpu', 'busy', 'cpu.cfs_quota_us')).toBe('50000');
      // The quota caps the share; other work on the host can only lower it, so the best of a
      // few 2 s windows is compared (the cap holds in every one).
      const shares: number[] = [];
      for (let i = 0; i < 3 && !shares.some((x) => x > 0.35); i++) {
        const t0 = process.hrtime.bigint();
        const u0 = Number(await cgroup('cpuacct', 'busy', 'cpuacct.usage'));
        await sleep(2000);
        const u1 = Number(await cgroup('cpuacct', 'busy', 'cpuacct.usage'));
        shares.push((u1 - u0) / Number(process.hrtime.bigint() - t0));
      }
      for (const x of shares) expect(x).toBeLessThan(0.65);
      expect(Math.max(...shares)).toBeGreaterThan(0.35);
      expect(Number(/nr_throttled (\d+)/.exec(await cgroup('cpu', 'busy', 'cpu.stat'))?.[1])).toBeGreaterThan(
        0,
      );
    });

    it('--pids-limit 16 refuses forks beyond the limit', async () => {
      // Attached: the shell's 50 background sleeps hit the limit and it gives up.
      const r = await berth(
        run(['--rm', '--pids-limit', '16'], ['sh', '-c', 'for i in $(seq 50); do sleep 30 & done; wait']),
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/can't fork/);
      // Detached: a child shell forks until refused; pid 1 stays, and so do the sleeps.
      await ok(
        run(
          ['-d', '--name', 'forky', '--pids-limit', '16'],
          ['sh', '-c', "sh -c 'for i in $(seq 50); do sleep 300 & done'; exec sleep 300"],
        ),
      );
      expect(await cgroup('pids', 'forky', 'pids.max')).toBe('16');
      let current = 0;
      for (let i = 0; i < 50 && current < 10; i++) {
        await sleep(100);
        current = Number(await cgroup('pids', 'forky', 'pids.current'));
      }
      expect(current).toBeGreaterThanOrEqual(10);
      expect(current).toBeLessThanOrEqual(16);
      expect((await ok(['logs', 'forky'])).stderr).toMatch(/can't fork/);
    });

    it('--cpuset-cpus 0 pins the container to CPU 0', async () => {
      const r = await ok(
        run(['--rm', '--cpuset-cpus', '0'], ['grep', 'Cpus_allowed_list', '/proc/self/status']),
      );
      expect(r.stdout).toMatch(/^Cpus_allowed_list:\s+0\n$/);
    });

    it('block I/O throttles and other limits reach the cgroup; blkio.weight is warned about', async () => {
      const r = await berth(
        run(
          [
            '-d',
            '--name',
            'io',
            '--device-write-bps',
            '/dev/vda:1mb',
            '--device-read-iops',
            '/dev/vda:100',
            '--blkio-weight',
            '300',
            '--memory-reservation',
            '32m',
            '-c',
            '512',
            '--oom-kill-disable',
            '-m',
            '64m',
          ],
          ['sleep', '300'],
        ),
      );
      expect(r.code).toBe(0);
      if (!readdirHas('/sys/fs/cgroup/blkio', 'blkio.weight'))
        expect(r.stderr).toBe(
          'WARNING: Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.\n',
        );
      expect(await cgroup('blkio', 'io', 'blkio.throttle.write_bps_device')).toBe('254:0 1048576');
      expect(await cgroup('blkio', 'io', 'blkio.throttle.read_iops_device')).toBe('254:0 100');
      expect(await cgroup('memory', 'io', 'memory.soft_limit_in_bytes')).toBe(String(32 * MiB));
      expect(await cgroup('memory', 'io', 'memory.oom_control')).toMatch(/^oom_kill_disable 1$/m);
      expect(await cgroup('cpu', 'io', 'cpu.shares')).toBe('512');
    });

    it('refuses impossible limits with docker’s messages, creating nothing', async () => {
      const n = availableParallelism();
      const cases: [string[], string][] = [
        [['-m', '1m'], 'Minimum memory limit allowed is 6MB'],
        [['--cpus', '99'], `Range of CPUs is from 0.01 to ${n}.00, as there are only ${n} CPUs available`],
        [
          ['--cpus', '1', '--cpu-period', '50000'],
          'Conflicting options: Nano CPUs and CPU Period cannot both be set',
        ],
        [['--cpuset-cpus', '5'], `Requested CPUs are not available - requested 5, available: 0-${n - 1}`],
        [
          ['-m', '32m', '--memory-swap', '16m'],
          'Minimum memoryswap limit should be larger than memory limit, see usage',
        ],
        [
          ['--memory-swap', '32m'],
          'You should always set the Memory limit when using Memoryswap limit, see usage',
        ],
        [
          ['-m', '16m', '--memory-reservation', '32m'],
          'Minimum memory limit can not be less than memory reservation limit, see usage',
        ],
        [
          ['--cpus', 'half'],
          'invalid argument "half" for "--cpus" flag: failed to parse half as a rational number',
        ],
        [['--device-read-bps', '/dev/nope:1mb'], 'stat /dev/nope: no such file or directory'],
      ];
      const before = (await ok(['ps', '-aq'])).stdout;
      for (const [flags, message] of cases) {
        const r = await berth(run(['--rm', ...flags], ['true']));
        expect({ flags, code: r.code, stderr: r.stderr }).toEqual({
          flags,
          code: 125,
          stderr: `berth: ${message}\n`,
        });
      }
      expect((await ok(['ps', '-aq'])).stdout).toBe(before);
    });

    it('berth update changes memory and CPU limits live and keeps them for restarts', async () => {
      await ok(run(['-d', '--name', 'upd'], ['sleep', '300']));
      const u = await berth(['update', '--memory', '64m', '--cpus', '1', 'upd']);
      expect(u).toMatchObject({ code: 0, stdout: 'upd\n', stderr: '' });
      expect(await cgroup('memory', 'upd', 'memory.limit_in_bytes')).toBe(String(64 * MiB));
      expect(await cgroup('cpu', 'upd', 'cpu.cfs_quota_us')).toBe('100000');
      expect(await cgroup('cpu', 'upd', 'cpu.cfs_period_us')).toBe('100000');

      // Kept in the spec: inspect shows it, and a restart (new cgroup) applies it again.
      expect(
        (await ok(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.CpuQuota}}', 'upd'])).stdout,
      ).toBe(`${64 * MiB} 100000\n`);
      await ok(['restart', '-t', '0', 'upd']);
      expect(await cgroup('memory', 'upd', 'memory.limit_in_bytes')).toBe(String(64 * MiB));
      expect(await cgroup('cpu', 'upd', 'cpu.cfs_quota_us')).toBe('100000');

      // docker's rules and messages.
      const above = await berth(['update', '--memory', '256m', 'upd']);
      expect(above).toMatchObject({
        code: 1,
        stderr:
          'berth: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time\n',
      });
      const both = await ok([
        'update',
        '--memory',
        '256m',
        '--memory-swap',
        '-1',
        '--pids-limit',
        '32',
        'upd',
      ]);
      expect(both.stdout).toBe('upd\n');
      expect(await cgroup('memory', 'upd', 'memory.limit_in_bytes')).toBe(String(256 * MiB));
      expect(await cgroup('pids', 'upd', 'pids.max')).toBe('32');
      expect((await berth(['update', 'upd'])).stderr).toBe(
        'berth: You must provide one or more flags when using this command.\n',
      );
      expect((await berth(['update', '--cpus', '99', 'upd'])).stderr).toMatch(
        /^berth: Range of CPUs is from 0\.01/,
      );
      expect(await berth(['update', '-m', '64m', 'nope'])).toMatchObject({
        code: 1,
        stderr: 'berth: No such container: nope\n',
      });

      // A stopped container: its spec changes, for its next start.
      await ok(['stop', '-t', '0', 'upd']);
      await ok(['update', '--cpus', '0.5', 'upd']);
      await ok(['start', 'upd']);
      expect(await cgroup('cpu', 'upd', 'cpu.cfs_quota_us')).toBe('50000');
    });

    it('berth stats reports docker’s columns with sane values', async () => {
      const json = await ok(['stats', '--no-stream', '--format', 'json', 'upd']);
      const lines = json.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const row = JSON.parse(lines[0]!) as Record<string, string>;
      expect(Object.keys(row).sort()).toEqual([
        'BlockIO',
        'CPUPerc',
        'Container',
        'ID',
        'MemPerc',
        'MemUsage',
        'Name',
        'NetIO',
        'PIDs',
      ]);
      expect(row).toMatchObject({ Container: 'upd', Name: 'upd', ID: (await idOf('upd')).slice(0, 12) });
      expect(Number(row['PIDs'])).toBeGreaterThanOrEqual(1);
      const [used, limit] = row['MemUsage']!.split(' / ');
      expect(used).toMatch(/^[\d.]+(B|KiB|MiB)$/);
      expect(parseFloat(used!)).toBeGreaterThan(0);
      expect(limit).toBe('256MiB');
      expect(row['CPUPerc']).toMatch(/^\d+\.\d\d%$/);
      expect(row['NetIO']).toBe('0B / 0B'); // --network none: loopback only
      expect(row['BlockIO']).toMatch(/^\S+ \/ \S+$/);

      // A busy container shows its CPU share; a template picks the fields.
      const cpuPercents: number[] = [];
      for (let i = 0; i < 3 && !cpuPercents.some((x) => x > 30); i++) {
        const busy = await ok(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}}', 'busy']);
        const m = /^busy (\d+\.\d\d)%\n$/.exec(busy.stdout);
        expect(m).not.toBeNull();
        cpuPercents.push(Number(m![1]));
      }
      for (const x of cpuPercents) expect(x).toBeLessThan(70);
      expect(Math.max(...cpuPercents)).toBeGreaterThan(30);

      // The default table: every running container, docker's header.
      const table = await ok(['stats', '--no-stream']);
      const [header, ...rows] = table.stdout.trim().split('\n');
      expect(header!.split(/\s{3,}/)).toEqual([
        'CONTAINER ID',
        'NAME',
        'CPU %',
        'MEM USAGE / LIMIT',
        'MEM %',
        'NET I/O',
        'BLOCK I/O',
        'PIDS',
      ]);
      const names = rows.map((r) => r.split(/\s{3,}/)[1]);
      expect(names).toEqual(expect.arrayContaining(['upd', 'busy', 'forky', 'io']));
      expect(names).not.toContain('oom');
      // -a adds the exited ones, with zeros.
      const all = await ok(['stats', '--no-stream', '-a', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}']);
      expect(all.stdout).toMatch(/^oom 0B \/ 0B 0$/m);
      expect((await berth(['stats', '--no-stream', 'nope'])).stderr).toBe('berth: No such container: nope\n');

      // Live: the screen is cleared and redrawn every second until the client is stopped.
      const streaming = await s.cli(['stats', '--format', '{{.Name}} {{.PIDs}}', 'upd'], { timeoutMs: 3500 });
      expect(streaming.signal).toBe('SIGKILL');
      const frames = streaming.stdout.split('\x1b[2J\x1b[H').filter(Boolean);
      expect(frames.length).toBeGreaterThanOrEqual(2);
      for (const f of frames) expect(f).toMatch(/^upd [1-9]\d*\n$/);
    });
  },
);

function readdirHas(dir: string, name: string): boolean {
  try {
    readFileSync(`${dir}/${name}`);
    return true;
  } catch {
    return false;
  }
}
