/**
 * System: `berth exec`, `berth attach` and the stdio of `berth run` (-i, -t) against real runc
 * through berth-runtime, with the busybox image: output complete and on the right stream, input
 * piped through, exit statuses propagated, exec processes deleted afterwards.
 */
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingImagePrerequisite } from './helpers.js';
import { startContainerSuite, type ContainerSuite } from './containers.js';

const skip = missingImagePrerequisite();
const BUSYBOX_SIZE = skip ? 0 : statSync('/bin/busybox').size;

describe.skipIf(skip !== undefined)(
  `berth exec, attach and run stdio ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let s: ContainerSuite;
    let id: string;

    beforeAll(async () => {
      s = await startContainerSuite('berth-exec-');
      id = (await s.ok(['run', '-d', '--name', 'box', 'busybox', 'sleep', '1000'])).stdout.trim();
    });
    afterAll(async () => {
      await s?.stop();
    });

    const berth = (args: string[], o: { input?: string; env?: Record<string, string> } = {}) =>
      s.cli(args, o);

    /** Exec ids the runtime still keeps for the container (its bundle's execs/ dir). */
    const execDirs = async () => {
      const found: string[] = [];
      const walk = async (dir: string, depth: number): Promise<void> => {
        for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          if (!e.isDirectory()) continue;
          if (e.name === 'execs') found.push(...(await readdir(join(dir, e.name))));
          else if (depth < 6) await walk(join(dir, e.name), depth + 1);
        }
      };
      await walk(s.suite.state, 0);
      return found;
    };

    it('exec relays stdout and stderr apart and exits with the process status; the exec is deleted', async () => {
      const r = await berth(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
      expect(r).toMatchObject({ code: 4, stdout: 'out\n', stderr: 'err\n' });
      expect(await berth(['exec', 'box', 'echo', 'hi'])).toMatchObject({
        code: 0,
        stdout: 'hi\n',
        stderr: '',
      });
      expect(await execDirs()).toEqual([]);
    });

    it('exec output is complete even when it is large and fast', async () => {
      for (let i = 0; i < 3; i++) {
        const r = await berth(['exec', id.slice(0, 12), 'cat', '/bin/busybox']);
        expect(r.code).toBe(0);
        expect(r.stdoutBuffer.length).toBe(BUSYBOX_SIZE);
      }
    });

    it('exec -u, -w and -e change the process, not the container', async () => {
      const r = await berth([
        'exec',
        '-u',
        '1000:1000',
        '-w',
        '/tmp',
        '-e',
        'X=1',
        'box',
        'sh',
        '-c',
        'id -u; pwd; echo $X',
      ]);
      expect(r).toMatchObject({ code: 0, stdout: '1000\n/tmp\n1\n' });
      expect((await berth(['exec', 'box', 'sh', '-c', 'id -u; pwd; echo "[$X]"'])).stdout).toBe('0\n/\n[]\n');
      // Options after the command belong to it.
      expect((await berth(['exec', 'box', 'echo', '-n', 'x'])).stdout).toBe('x');
    });

    it('exec -i passes piped stdin and its end', async () => {
      expect(await berth(['exec', '-i', 'box', 'cat'], { input: 'hi\n' })).toMatchObject({
        code: 0,
        stdout: 'hi\n',
      });
      const wc = await berth(['exec', '-i', 'box', 'busybox', 'wc', '-l'], { input: 'a\nb\nc\n' });
      expect(wc.stdout.trim()).toBe('3');
      // Without -i the process gets no input and does not wait for any.
      expect(await berth(['exec', 'box', 'cat'], { input: 'ignored\n' })).toMatchObject({
        code: 0,
        stdout: '',
      });
    });

    it('exec -t gives the process a terminal', async () => {
      const r = await berth(['exec', '-t', 'box', 'busybox', 'tty']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r\n$/);
    });

    it('exec -d returns at once and leaves the process running', async () => {
      const t0 = Date.now();
      expect(await berth(['exec', '-d', 'box', 'sleep', '30'])).toMatchObject({ code: 0, stdout: '' });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect((await berth(['exec', 'box', 'ps'])).stdout).toMatch(/sleep 30/);
      // A detached exec is not waited for, so it is still known (and shows the check above looks
      // in the right place); the attached ones were deleted.
      expect(await execDirs()).toHaveLength(1);
    });

    it("exec fails like docker's: 127 for a missing command, 1 for a stopped or unknown container", async () => {
      const missing = await berth(['exec', 'box', 'nope']);
      expect(missing.code).toBe(127);
      expect(missing.stderr).toMatch(/^berth: .*executable file not found.*\n$/);
      const stopped = (await berth(['run', '-d', '--name', 'gone', 'busybox', 'true'])).stdout.trim();
      expect((await berth(['wait', 'gone'])).stdout).toBe('0\n');
      const r = await berth(['exec', 'gone', 'echo']);
      expect(r).toMatchObject({ code: 1, stderr: `berth: Container ${stopped} is not running\n` });
      expect(await berth(['exec', 'nope', 'echo'])).toMatchObject({
        code: 1,
        stderr: 'berth: No such container: nope\n',
      });
      await s.ok(['pause', 'box']);
      const paused = await berth(['exec', 'box', 'echo']);
      expect(paused).toMatchObject({
        code: 1,
        stderr: `berth: Container ${id} is paused, unpause the container before exec\n`,
      });
      await s.ok(['unpause', 'box']);
      await s.ok(['rm', 'gone']);
    });

    it('run -i passes piped stdin to the container', async () => {
      const r = await berth(['run', '-i', '--rm', 'busybox', 'busybox', 'wc', '-l'], { input: 'a\nb\n' });
      expect(r).toMatchObject({ code: 0, stdout: '2\n' });
      // Without -i the container's stdin is empty.
      expect(await berth(['run', '--rm', 'busybox', 'cat'], { input: 'x\n' })).toMatchObject({
        code: 0,
        stdout: '',
      });
    });

    it('run -t gives the container a terminal even when stdin is no TTY', async () => {
      const r = await berth(['run', '-t', '--rm', 'busybox', 'busybox', 'tty']);
      expect(r).toMatchObject({ code: 0, stdout: '/dev/pts/0\r\n' });
      // docker's rule: -i with -t needs a terminal on this side.
      const it = await berth(['run', '-it', '--rm', 'busybox', 'true']);
      expect(it).toMatchObject({ code: 1, stderr: 'berth: the input device is not a TTY\n' });
    });

    it('attach joins a running container: input in, output out, its exit status back', async () => {
      await s.ok([
        'run',
        '-d',
        '-i',
        '--name',
        'catter',
        'busybox',
        'sh',
        '-c',
        'cat; echo done >&2; exit 6',
      ]);
      const r = await berth(['attach', 'catter'], { input: 'hello\n' });
      expect(r).toMatchObject({ code: 6, stdout: 'hello\n', stderr: 'done\n' });
      expect((await berth(['wait', 'catter'])).stdout).toBe('6\n');
      const stopped = await berth(['attach', 'catter']);
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/^berth: You cannot attach to a stopped container, start it first.*\n$/);
      // start -a -i runs it again, attached, with this input.
      expect(await berth(['start', '-a', '-i', 'catter'], { input: 'again\n' })).toMatchObject({
        code: 6,
        stdout: 'again\n',
        stderr: 'done\n',
      });
      await s.ok(['rm', 'catter']);
    });

    it('attach --no-stdin only watches: the container keeps its input open', async () => {
      await s.ok(['run', '-d', '-i', '--name', 'watched', 'busybox', 'sh', '-c', 'echo up; cat; echo bye']);
      const attach = berth(['attach', '--no-stdin', 'watched'], { input: 'not sent\n' });
      await new Promise((r) => setTimeout(r, 1000));
      await s.ok(['exec', 'watched', 'sh', '-c', 'kill $(pidof cat)']);
      const r = await attach;
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('bye\n'); // `up` came before the attach; the input never reached cat
      await s.ok(['rm', 'watched']);
    });
  },
);
