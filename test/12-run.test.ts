/**
 * System: docker's container lifecycle in the berth CLI — run, create, start, stop, restart,
 * kill, wait, pause, unpause, rm — against real runc through berth-runtime, with the busybox
 * image. Output, exit statuses and messages are docker's; nothing is left behind.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, unary } from '@berth/grpc';
import { RuntimeClient, type ContainerSummary } from '@berth/proto/berth/runtime/v1';
import { ContainersClient } from '@berth/proto/containers/v1';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { TasksClient } from '@berth/proto/tasks/v1';
import { Status } from '@berth/proto/types';
import { registrySkipReason, startRegistry } from '@berth/testkit';
import { missingImagePrerequisite } from './helpers.js';
import {
  activeSnapshotKeys,
  listContainerIds,
  startContainerSuite,
  type ContainerSuite,
} from './containers.js';

const skip = missingImagePrerequisite();
const ID = /^[0-9a-f]{64}$/;

describe.skipIf(skip !== undefined)(
  `berth run and the container lifecycle ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let s: ContainerSuite;
    let rpc: {
      runtime: RuntimeClient;
      containers: ContainersClient;
      tasks: TasksClient;
      snapshots: SnapshotsClient;
    };
    const opts = { ns: 'default' };

    beforeAll(async () => {
      s = await startContainerSuite('berth-run-');
      const a = s.suite.address;
      rpc = {
        runtime: dial(RuntimeClient, a),
        containers: dial(ContainersClient, a),
        tasks: dial(TasksClient, a),
        snapshots: dial(SnapshotsClient, a),
      };
    });
    afterAll(async () => {
      for (const c of Object.values(rpc ?? {})) c.close();
      await s?.stop();
    });

    const berth = (args: string[], o: { input?: string; env?: Record<string, string> } = {}) =>
      s.cli(args, o);
    const summary = async (name: string): Promise<ContainerSummary | undefined> =>
      (await unary(rpc.runtime, rpc.runtime.list, { all: true, filters: [] }, opts)).containers.find(
        (c) => c.name === name,
      );
    const containerIds = () => listContainerIds(rpc.containers, opts);
    const snapshotKeys = () => activeSnapshotKeys(rpc.snapshots, opts);
    const taskStatus = async (id: string) =>
      (await unary(rpc.tasks, rpc.tasks.get, { containerId: id, execId: '' }, opts)).process?.status;

    it('run --rm prints the output, exits 0 and leaves no container or snapshot', async () => {
      const r = await berth(['run', '--rm', 'busybox', 'echo', 'hello']);
      expect(r).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
      expect(await containerIds()).toEqual([]);
      expect(await snapshotKeys()).toEqual([]);
    });

    it("exits with the container's status, and docker's 127/126 when the command cannot run", async () => {
      expect((await berth(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code).toBe(3);
      const missing = await berth(['run', '--rm', 'busybox', 'nope']);
      expect(missing.code).toBe(127);
      expect(missing.stderr).toMatch(/^berth: .*executable file not found.*\n$/);
      expect(missing.stderr.split('\n')).toHaveLength(2); // one line
      const notExecutable = await berth(['run', '--rm', 'busybox', '/etc/passwd']);
      expect(notExecutable.code).toBe(126);
      expect(notExecutable.stderr).toMatch(/permission denied/);
      // --rm removed them although they never started.
      expect(await containerIds()).toEqual([]);
      expect(await snapshotKeys()).toEqual([]);
    });

    it('keeps stdout and stderr apart', async () => {
      const r = await berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; echo out2']);
      expect(r).toMatchObject({ code: 0, stdout: 'out\nout2\n', stderr: 'err\n' });
    });

    it('applies -e (KEY alone from the client), --env-file, -w, -u, -h, --entrypoint and --read-only', async () => {
      const envFile = join(s.tmp.dir, 'env.list');
      writeFileSync(envFile, '# comment\nFROM_FILE=1\nFOO=from-file\n');
      const env = await berth(
        ['run', '--rm', '--env-file', envFile, '-e', 'FOO=bar', '-e', 'CLIENT_VAR', 'busybox', 'env'],
        { env: { CLIENT_VAR: 'passed' } },
      );
      expect(env.code).toBe(0);
      const vars = env.stdout.trim().split('\n');
      expect(vars).toEqual(
        expect.arrayContaining(['FOO=bar', 'FROM_FILE=1', 'CLIENT_VAR=passed', 'PATH=/bin']),
      );
      expect(vars).toContainEqual(expect.stringMatching(/^HOSTNAME=[0-9a-f]{12}$/));
      expect((await berth(['run', '--rm', '-w', '/tmp', 'busybox', 'sh', '-c', 'pwd'])).stdout).toBe(
        '/tmp\n',
      );
      expect(
        (await berth(['run', '--rm', '-u', '1000:1001', 'busybox', 'sh', '-c', 'id -u; id -g'])).stdout,
      ).toBe('1000\n1001\n');
      expect((await berth(['run', '--rm', '-u', 'root', 'busybox', 'id', '-un'])).stdout).toBe('root\n');
      const unknownUser = await berth(['run', '--rm', '-u', 'nobody', 'busybox', 'id']);
      expect(unknownUser.code).toBe(125);
      expect(unknownUser.stderr).toBe(
        'berth: unable to find user nobody: no matching entries in passwd file\n',
      );
      expect((await berth(['run', '--rm', '-h', 'box1', 'busybox', 'hostname'])).stdout).toBe('box1\n');
      expect((await berth(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'a', 'b'])).stdout).toBe(
        'a b\n',
      );
      const ro = await berth(['run', '--rm', '--read-only', 'busybox', 'touch', '/x']);
      expect(ro.code).toBe(1);
      expect(ro.stderr).toMatch(/Read-only file system/);
      // Nothing of all these is left.
      expect(await containerIds()).toEqual([]);
    });

    it('applies the security and resource flags, and runs with crun when asked', async () => {
      const out = async (flags: string[], script: string) => {
        const r = await berth(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script]);
        expect(r.code, r.stderr).toBe(0);
        return r.stdout;
      };
      expect(await out(['--tmpfs', '/scratch:size=1m'], 'grep " /scratch " /proc/mounts')).toMatch(
        /^tmpfs \/scratch tmpfs rw,.*size=1024k/,
      );
      expect(await out(['--shm-size', '2m'], 'grep " /dev/shm " /proc/mounts')).toMatch(/size=2048k/);
      expect(await out(['--ulimit', 'nofile=512:1024'], 'ulimit -n; ulimit -Hn')).toBe('512\n1024\n');
      expect(await out(['--sysctl', 'net.ipv4.ip_forward=1'], 'cat /proc/sys/net/ipv4/ip_forward')).toBe(
        '1\n',
      );
      expect(await out(['--oom-score-adj', '123'], 'cat /proc/self/oom_score_adj')).toBe('123\n');
      expect(await out(['--group-add', '1234'], 'id -G')).toBe('0 1234\n');
      expect(await out(['--security-opt', 'no-new-privileges'], 'grep NoNewPrivs /proc/self/status')).toMatch(
        /NoNewPrivs:\s+1/,
      );
      // CAP_NET_ADMIN (bit 12) is not in docker's default set; --cap-add adds it, --cap-drop ALL empties it.
      const capEff = async (flags: string[]) =>
        BigInt(`0x${(await out(flags, 'grep CapEff /proc/self/status')).trim().split(/\s+/)[1]}`);
      expect((await capEff([])) & (1n << 12n)).toBe(0n);
      expect((await capEff(['--cap-add', 'NET_ADMIN'])) & (1n << 12n)).toBe(1n << 12n);
      expect(await capEff(['--cap-drop', 'ALL'])).toBe(0n);
      expect(await out(['--runtime', 'crun'], 'echo via-crun')).toBe('via-crun\n');
      const bad = await berth(['run', '--rm', '--runtime', 'kata', 'busybox', 'true']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^berth: option '--runtime <runtime>' argument 'kata' is invalid/);
    });

    it('run -d prints the full id; Runtime.List shows it running with its name, labels and image', async () => {
      const r = await berth(['run', '-d', '--name', 'web', '-l', 'app=front', 'busybox', 'sleep', '1000']);
      expect(r.code).toBe(0);
      const id = r.stdout.trim();
      expect(id).toMatch(ID);
      const sum = await summary('web');
      expect(sum).toMatchObject({ id, state: 'running', image: 'busybox', command: 'sleep 1000' });
      expect(sum?.labels.app).toBe('front');
      expect(sum?.pid).toBeGreaterThan(0);
      expect(await taskStatus(id)).toBe(Status.RUNNING);
      // The name is taken now: docker's conflict message, nothing created.
      const before = (await containerIds()).length;
      const dup = await berth(['run', '-d', '--name', 'web', 'busybox', 'true']);
      expect(dup.code).toBe(125);
      expect(dup.stderr).toBe(
        `berth: Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.\n`,
      );
      expect(await containerIds()).toHaveLength(before);
      expect(await snapshotKeys()).toHaveLength(before);
      // A generated name when none is given.
      const anon = (await berth(['run', '-d', 'busybox', 'true'])).stdout.trim();
      const all = (await unary(rpc.runtime, rpc.runtime.list, { all: true, filters: [] }, opts)).containers;
      expect(all.find((c) => c.id === anon)?.name).toMatch(/^[a-z]+_[a-z]+$/);
      expect((await berth(['wait', anon])).stdout).toBe('0\n');
      expect((await berth(['rm', anon])).code).toBe(0);
    });

    it('stop -t 1 kills a container that ignores SIGTERM after the timeout (137)', async () => {
      const t0 = Date.now();
      const r = await berth(['stop', '-t', '1', 'web']);
      const ms = Date.now() - t0;
      expect(r).toMatchObject({ code: 0, stdout: 'web\n' });
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(6000);
      expect((await berth(['wait', 'web'])).stdout).toBe('137\n');
      expect((await summary('web'))?.state).toBe('exited');
      // Stopping a stopped container is a no-op, as in docker.
      expect(await berth(['stop', 'web'])).toMatchObject({ code: 0, stdout: 'web\n' });
    });

    it('stop with --init: tini forwards SIGTERM, so the container ends at once with 143', async () => {
      const id = (
        await berth(['run', '-d', '--init', '--name', 'inited', 'busybox', 'sleep', '1000'])
      ).stdout.trim();
      expect(id).toMatch(ID);
      const t0 = Date.now();
      expect((await berth(['stop', 'inited'])).code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect((await berth(['wait', 'inited'])).stdout).toBe('143\n');
    });

    it('stop sends --stop-signal and waits --stop-timeout', async () => {
      const script = 'trap "exit 9" USR1; while true; do sleep 1; done';
      await s.ok(['run', '-d', '--name', 'sig', '--stop-signal', 'USR1', 'busybox', 'sh', '-c', script]);
      await new Promise((r) => setTimeout(r, 300));
      expect((await berth(['stop', 'sig'])).code).toBe(0);
      expect((await berth(['wait', 'sig'])).stdout).toBe('9\n');
      // A stop timeout of 1 s on a container that ignores its stop signal: killed after it.
      await s.ok(['run', '-d', '--name', 'slow', '--stop-timeout', '1', 'busybox', 'sleep', '1000']);
      const t0 = Date.now();
      expect((await berth(['stop', 'slow'])).code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect((await berth(['wait', 'slow'])).stdout).toBe('137\n');
      await s.ok(['rm', 'sig', 'slow']);
    });

    it('start runs an exited container again; restart stops and starts it', async () => {
      expect((await berth(['start', 'web'])).stdout).toBe('web\n');
      expect(await summary('web')).toMatchObject({ state: 'running', restartCount: 1 });
      expect((await berth(['restart', '-t', '1', 'web'])).stdout).toBe('web\n');
      const sum = await summary('web');
      expect(sum).toMatchObject({ state: 'running', restartCount: 2 });
    });

    it('kill -s delivers the signal (a trap sees it); kill of a stopped container fails', async () => {
      const id = (
        await berth([
          'run',
          '-d',
          '--name',
          'trapper',
          'busybox',
          'sh',
          '-c',
          'trap "exit 5" USR1; while true; do sleep 1; done',
        ])
      ).stdout.trim();
      expect(id).toMatch(ID);
      await new Promise((r) => setTimeout(r, 300)); // the trap is set once sh runs
      expect(await berth(['kill', '-s', 'USR1', 'trapper'])).toMatchObject({ code: 0, stdout: 'trapper\n' });
      expect((await berth(['wait', 'trapper'])).stdout).toBe('5\n');
      const again = await berth(['kill', 'trapper']);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(`berth: Cannot kill container: trapper: Container ${id} is not running\n`);
      const bad = await berth(['kill', '-s', 'NOPE', 'trapper']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('berth: Invalid signal: NOPE\n');
    });

    it('pause and unpause freeze and thaw the task', async () => {
      const id = (await summary('web'))!.id;
      expect(await berth(['pause', 'web'])).toMatchObject({ code: 0, stdout: 'web\n' });
      expect(await taskStatus(id)).toBe(Status.PAUSED);
      expect((await summary('web'))?.state).toBe('paused');
      const twice = await berth(['pause', 'web']);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toBe(`berth: Container ${id} is already paused\n`);
      expect(await berth(['unpause', 'web'])).toMatchObject({ code: 0, stdout: 'web\n' });
      expect(await taskStatus(id)).toBe(Status.RUNNING);
      expect((await berth(['unpause', 'web'])).stderr).toBe('berth: Container web is not paused\n');
    });

    it('create prints the id; start -a runs it attached and exits with its status', async () => {
      const r = await berth(['create', '--name', 'later', 'busybox', 'sh', '-c', 'echo created; exit 7']);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(ID);
      expect((await summary('later'))?.state).toBe('created');
      expect((await berth(['wait', 'later'])).stdout).toBe('0\n'); // not running: answers at once
      const a = await berth(['start', '-a', 'later']);
      expect(a).toMatchObject({ code: 7, stdout: 'created\n' });
      expect((await berth(['wait', 'later'])).stdout).toBe('7\n');
    });

    it('rm refuses a running container without -f; rm -f of several reports each failure', async () => {
      const webId = (await summary('web'))!.id;
      const refused = await berth(['rm', 'web']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `berth: You cannot remove a running container ${webId}. Stop the container before attempting removal or force remove\n`,
      );
      const r = await berth(['rm', '-f', 'web', 'nope', 'trapper', 'later', 'inited']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('web\ntrapper\nlater\ninited\n');
      expect(r.stderr).toBe('berth: No such container: nope\n');
      expect(await containerIds()).toEqual([]);
      expect(await snapshotKeys()).toEqual([]);
    });

    it('rm -f works with every id at once, as `rm -f $(berth ps -aq)` passes them', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await berth(['run', '-d', 'busybox', 'sleep', '1000'])).stdout.trim());
      ids.push((await berth(['create', 'busybox', 'true'])).stdout.trim());
      const r = await berth(['rm', '-f', ...ids]);
      expect(r).toMatchObject({ code: 0, stdout: ids.map((i) => `${i}\n`).join(''), stderr: '' });
      expect(await containerIds()).toEqual([]);
      expect(await snapshotKeys()).toEqual([]);
    });

    it.skipIf(registrySkipReason() !== undefined)(
      'run pulls a missing image first, saying so on stderr (-q: without the progress)',
      async () => {
        const reg = await startRegistry();
        try {
          const remote = `${reg.host}/test/busybox:1`;
          await s.ok(['push', 'busybox', remote]);
          await s.ok(['rmi', remote]).catch(() => undefined); // push may have tagged it locally
          const r = await berth(['run', '--rm', remote, 'echo', 'pulled']);
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout).toBe('pulled\n');
          const lines = r.stderr.trimEnd().split('\n');
          expect(lines[0]).toBe(`Unable to find image '${remote}' locally`);
          expect(lines[1]).toBe(`1: Pulling from test/busybox`);
          expect(lines).toContainEqual(expect.stringMatching(/^Digest: sha256:[0-9a-f]{64}$/));
          expect(lines.at(-1)).toBe(`Status: Downloaded newer image for ${remote}`);
          await s.ok(['rmi', remote]);
          const quiet = await berth(['run', '--rm', '-q', remote, 'true']);
          expect(quiet).toMatchObject({
            code: 0,
            stdout: '',
            stderr: `Unable to find image '${remote}' locally\n`,
          });
          // --pull never does not pull; --pull always pulls although the image is here.
          expect((await berth(['run', '--rm', '--pull', 'always', '-q', remote, 'true'])).stderr).toBe('');
          await s.ok(['rmi', remote]);
          const never = await berth(['run', '--rm', '--pull', 'never', remote, 'true']);
          expect(never).toMatchObject({ code: 125, stderr: `berth: No such image: ${remote}\n` });
        } finally {
          await reg.stop();
        }
      },
    );

    it('fails with one line naming what is wrong', async () => {
      for (const cmd of [
        ['stop', 'nope'],
        ['start', 'nope'],
        ['rm', 'nope'],
        ['wait', 'nope'],
        ['pause', 'nope'],
      ]) {
        const r = await berth(cmd);
        expect(r, cmd.join(' ')).toMatchObject({
          code: 1,
          stdout: '',
          stderr: 'berth: No such container: nope\n',
        });
      }
      const net = await berth(['run', '--rm', '--network', 'bridge', 'busybox', 'true']);
      expect(net.code).toBe(125);
      expect(net.stderr).toMatch(
        /^berth: berth-network is unavailable .*; network mode "bridge" needs berth-network \(use --network none to run without networking\)\n$/,
      );
      const img = await berth(['run', '--rm', '--pull', 'never', 'nosuch/image', 'true']);
      expect(img).toMatchObject({ code: 125, stderr: 'berth: No such image: nosuch/image:latest\n' });
      const opt = await berth(['run', '--rm', '--log-opt', 'mode=fast', 'busybox', 'true']);
      expect(opt).toMatchObject({
        code: 125,
        stderr: "berth: unknown log opt 'mode' for json-file log driver\n",
      });
      expect(await containerIds()).toEqual([]);
      expect(await snapshotKeys()).toEqual([]);
    });
  },
);
