/**
 * System: docker's container views in the berth CLI — ps, logs, top, rename,
 * inspect — over containers that containerd's `ctr` made and runs through
 * berth-runtime (real runc, busybox).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingImagePrerequisite } from './helpers.js';
import { ctrOk } from './ctr.js';
import { createOnly, runDetached, startContainerSuite, waitTask, type ContainerSuite } from './containers.js';

const skip = missingImagePrerequisite();

/** docker's HumanDuration for the first minutes. */
const RECENT = '(Less than a second|1 second|\\d+ seconds|About a minute|\\d+ minutes)';

/** Lines of a table split on runs of 2+ spaces (cells like "Up 2 seconds" keep their spaces). */
const cells = (stdout: string): string[][] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/ {2,}/));

describe.skipIf(skip !== undefined)(`container views ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let s: ContainerSuite;
  let address: string;

  beforeAll(async () => {
    s = await startContainerSuite('berth-views-');
    address = s.suite.address;
    // One container in each state: running, paused, exited (status 3), created.
    await runDetached(address, 'run1', ['sleep', '1000'], { name: 'web', labels: { app: 'front' } });
    await runDetached(address, 'pause1', ['sleep', '1000'], { name: 'frozen' });
    await ctrOk(address, ['tasks', 'pause', 'pause1']);
    await runDetached(address, 'exit1', ['sh', '-c', 'exit 3'], { name: 'quitter', labels: { app: 'back' } });
    await waitTask(address, 'exit1', 'STOPPED');
    await createOnly(address, 'new1', ['sh', '-c', 'while true; do sleep 1; done'], { name: 'fresh' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  describe('ps', () => {
    it("shows running and paused containers with docker's columns", async () => {
      const r = await s.ok(['ps']);
      const [head, ...rows] = cells(r.stdout);
      expect(head).toEqual(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']);
      expect(r.stdout.split('\n')[0]).toMatch(/^CONTAINER ID {3}IMAGE {5}COMMAND/);
      const byName = new Map(rows.map((c) => [c.at(-1), c]));
      expect([...byName.keys()].sort()).toEqual(['frozen', 'web']);
      const web = byName.get('web')!;
      expect(web[0]).toBe('run1');
      expect(web[1]).toBe('busybox');
      expect(web[2]).toBe('"sleep 1000"');
      expect(web[3]).toMatch(new RegExp(`^${RECENT} ago$`));
      expect(web[4]).toMatch(new RegExp(`^Up ${RECENT}$`));
      expect(byName.get('frozen')![4]).toMatch(/^Up .+ \(Paused\)$/);
    });

    it('-a adds exited (with the exit code) and created containers, newest first; -q prints ids', async () => {
      const r = await s.ok(['ps', '-a']);
      const rows = cells(r.stdout).slice(1);
      expect(rows.map((c) => c.at(-1))).toEqual(['fresh', 'quitter', 'frozen', 'web']);
      const fresh = rows[0]!;
      // Truncated to 20 code points with an ellipsis, then quoted.
      expect(fresh[2]).toBe('"sh -c while true; d…"');
      expect(fresh[3]).toMatch(/ ago$/);
      expect(fresh[4]).toBe('Created');
      expect(rows[1]![4]).toMatch(new RegExp(`^Exited \\(3\\) ${RECENT} ago$`));
      expect((await s.ok(['ps', '-a', '-q'])).stdout).toBe('new1\nexit1\npause1\nrun1\n');
      expect((await s.ok(['ps', '-q'])).stdout).toBe('pause1\nrun1\n');
      expect((await s.ok(['ps', '-l', '-q'])).stdout).toBe('new1\n');
      expect((await s.ok(['ps', '-n', '2', '-q'])).stdout).toBe('new1\nexit1\n');
      const full = await s.ok(['ps', '-a', '--no-trunc']);
      expect(full.stdout).toContain('"sh -c while true; do sleep 1; done"');
    });

    it('filters by status, name, label, id, exited and ancestor', async () => {
      const q = async (...f: string[]) =>
        (await s.ok(['ps', '-q', ...f.flatMap((x) => ['-f', x])])).stdout.trim().split('\n').filter(Boolean);
      expect(await q('status=exited')).toEqual(['exit1']);
      expect(await q('status=created')).toEqual(['new1']);
      expect(await q('status=paused')).toEqual(['pause1']);
      expect(await q('status=running', 'status=paused')).toEqual(['pause1', 'run1']);
      expect(await q('name=web')).toEqual(['run1']);
      expect(await q('label=app')).toEqual(['run1']); // exit1 has the label too, but is not running
      expect((await s.ok(['ps', '-a', '-q', '-f', 'label=app=back'])).stdout).toBe('exit1\n');
      expect(await q('id=pause')).toEqual(['pause1']);
      expect(await q('exited=3')).toEqual(['exit1']);
      expect(await q('exited=0')).toEqual([]);
      expect(await q('ancestor=busybox')).toEqual(['pause1', 'run1']);
      expect(await q('ancestor=alpine')).toEqual([]);
      const bad = await s.cli(['ps', '-f', 'color=red']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe("berth: invalid filter 'color'\n");
    });

    it('--format json gives one object per line; templates give a line per container', async () => {
      const r = await s.ok(['ps', '-a', '--format', 'json']);
      const objs = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, string>);
      expect(objs.map((o) => o.Names)).toEqual(['fresh', 'quitter', 'frozen', 'web']);
      const web = objs.find((o) => o.Names === 'web')!;
      expect(web).toMatchObject({ ID: 'run1', Image: 'busybox', Command: '"sleep 1000"', State: 'running' });
      expect(web.Labels).toBe('app=front');
      expect(web.Status).toMatch(/^Up /);
      expect(objs.find((o) => o.Names === 'quitter')!.State).toBe('exited');
      const t = await s.ok(['ps', '-a', '--format', '{{.Names}}:{{.State}}:{{.Label "app"}}']);
      expect(t.stdout).toBe('fresh:created:\nquitter:exited:back\nfrozen:paused:\nweb:running:front\n');
      const table = await s.ok(['ps', '--format', 'table {{.Names}}\\t{{.Status}}']);
      expect(table.stdout.split('\n')[0]).toBe('NAMES     STATUS');
      expect(table.stdout).toMatch(/\nweb {7}Up /);
    });

    it('-s adds a SIZE column from the snapshots', async () => {
      const r = await s.ok(['ps', '-s']);
      const [head, ...rows] = cells(r.stdout);
      expect(head!.at(-1)).toBe('SIZE');
      expect(rows[0]!.at(-1)).toMatch(/^\d+(\.\d+)?[kMG]?B \(virtual \d+(\.\d+)?[kMG]?B\)$/);
    });
  });

  describe('logs', () => {
    beforeAll(async () => {
      await runDetached(address, 'talk1', [
        'sh',
        '-c',
        'echo out1; echo err1 >&2; echo out2; echo err2 >&2; echo out3',
      ]);
      await runDetached(address, 'seq1', ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done']);
      await waitTask(address, 'talk1', 'STOPPED');
      await waitTask(address, 'seq1', 'STOPPED');
    });

    it('separates stdout and stderr, and --tail keeps the last lines', async () => {
      const r = await s.ok(['logs', 'talk1']);
      expect(r.stdout).toBe('out1\nout2\nout3\n');
      expect(r.stderr).toBe('err1\nerr2\n');
      expect((await s.ok(['logs', '--tail', '2', 'seq1'])).stdout).toBe('line4\nline5\n');
      expect((await s.ok(['logs', '-n', '1', 'seq1'])).stdout).toBe('line5\n');
      expect((await s.ok(['logs', '-n', '0', 'seq1'])).stdout).toBe('');
      expect((await s.ok(['logs', '--tail', 'all', 'seq1'])).stdout).toBe(
        'line1\nline2\nline3\nline4\nline5\n',
      );
      // The two pipes are read independently, so only the count is certain across streams.
      const t = await s.ok(['logs', '--tail', '2', 'talk1']);
      expect((t.stdout + t.stderr).split('\n').filter(Boolean)).toHaveLength(2);
    });

    it('-t prefixes RFC 3339 nano timestamps; --since/--until select by time', async () => {
      const r = await s.ok(['logs', '-t', 'talk1']);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out\d$/);
      const first = new Date(lines[0]!.split(' ')[0]!);
      expect(Math.abs(Date.now() - first.getTime())).toBeLessThan(60_000);
      expect((await s.ok(['logs', '--since', '10m', 'talk1'])).stdout).toBe('out1\nout2\nout3\n');
      expect((await s.ok(['logs', '--until', '10m', 'talk1'])).stdout).toBe('');
      const future = String(Math.floor(Date.now() / 1000) + 3600);
      expect((await s.ok(['logs', '--since', future, 'talk1'])).stdout).toBe('');
      expect((await s.ok(['logs', '--since', '2000-01-01T00:00:00Z', 'talk1'])).stdout).toBe(
        'out1\nout2\nout3\n',
      );
      expect((await s.ok(['logs', '--details', 'talk1'])).stdout).toBe(' out1\n out2\n out3\n');
      const bad = await s.cli(['logs', '--since', 'yesterday', 'talk1']);
      expect(bad.code).toBe(2);
    });

    it('-f streams new lines and ends when the container exits', async () => {
      await runDetached(address, 'tick1', ['sh', '-c', 'for i in 1 2 3; do echo tick$i; sleep 0.5; done']);
      const started = Date.now();
      const r = await s.ok(['logs', '-f', 'tick1'], { timeoutMs: 15_000 });
      expect(r.stdout).toBe('tick1\ntick2\ntick3\n');
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('names an unknown container', async () => {
      const r = await s.cli(['logs', 'nope']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('berth: No such container: nope\n');
    });
  });

  describe('top, rename, inspect', () => {
    it("top lists the container's sleep process, with ps options", async () => {
      const r = await s.ok(['top', 'web']);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^UID {17}PID {17}PPID/);
      expect(lines.slice(1).some((l) => /sleep 1000$/.test(l))).toBe(true);
      const o = await s.ok(['top', 'run1', '-o', 'pid,comm']);
      expect(o.stdout).toMatch(/^PID {17}COMMAND\n\d+ +sleep\n$/);
      const stopped = await s.cli(['top', 'quitter']);
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/is not running/);
    });

    it('rename changes the name ps shows and what resolves', async () => {
      await s.ok(['rename', 'fresh', 'renamed']);
      expect((await s.ok(['ps', '-a', '-f', 'name=renamed', '--format', '{{.ID}}'])).stdout).toBe('new1\n');
      const info = JSON.parse((await s.ok(['inspect', 'renamed'])).stdout) as { Id: string; Name: string }[];
      expect(info[0]).toMatchObject({ Id: 'new1', Name: '/renamed' });
      expect((await s.cli(['inspect', '--type', 'container', 'fresh'])).code).toBe(1);
      const dup = await s.cli(['rename', 'renamed', 'web']);
      expect(dup.code).toBe(1);
      expect(dup.stderr).toMatch(/web/);
      await s.ok(['rename', 'renamed', 'fresh']);
    });

    it('inspect shows State, Name, Config and applies -f templates', async () => {
      const [web] = JSON.parse((await s.ok(['inspect', 'web'])).stdout) as {
        Id: string;
        Name: string;
        State: { Status: string; Running: boolean; Pid: number; ExitCode: number };
        Config: { Cmd: string[]; Labels: Record<string, string> };
      }[];
      expect(web!.Id).toBe('run1');
      expect(web!.Name).toBe('/web');
      expect(web!.State).toMatchObject({ Status: 'running', Running: true, ExitCode: 0 });
      expect(web!.State.Pid).toBeGreaterThan(0);
      expect(web!.Config.Cmd).toEqual(['sleep', '1000']);
      expect(web!.Config.Labels).toMatchObject({ app: 'front' });
      expect((await s.ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'quitter'])).stdout).toBe(
        'exited 3\n',
      );
      expect((await s.ok(['inspect', '-f', '{{json .Config.Cmd}}', 'web', 'frozen'])).stdout).toBe(
        '["sleep","1000"]\n["sleep","1000"]\n',
      );
      expect((await s.ok(['inspect', '--format', '{{.Name}} {{.Config.Cmd}}', 'fresh'])).stdout).toBe(
        '/fresh [sh -c while true; do sleep 1; done]\n',
      );
      expect((await s.ok(['container', 'inspect', '-f', '{{.State.Paused}}', 'frozen'])).stdout).toBe(
        'true\n',
      );
    });

    it('inspect falls back to images, and reports what it cannot find', async () => {
      const [img] = JSON.parse((await s.ok(['inspect', 'busybox'])).stdout) as {
        Id: string;
        RepoTags: string[];
      }[];
      expect(img!.Id).toMatch(/^sha256:/);
      expect(img!.RepoTags).toContain('busybox:latest');
      expect((await s.ok(['inspect', '-f', '{{.Os}}', '--type', 'image', 'busybox'])).stdout).toBe('linux\n');
      const r = await s.cli(['inspect', 'web', 'nothing-here']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('berth: No such object: nothing-here\n');
      expect(JSON.parse(r.stdout)).toHaveLength(1);
      const c = await s.cli(['inspect', '--type', 'container', 'busybox']);
      expect(c.stderr).toBe('berth: No such container: busybox\n');
      const bad = await s.cli(['inspect', '-f', '{{.State.Status', 'web']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/template parsing error/);
    });

    it('container ls is ps', async () => {
      expect((await s.ok(['container', 'ls', '-q'])).stdout).toBe((await s.ok(['ps', '-q'])).stdout);
    });
  });
});
