import { describe, expect, it } from 'vitest';
import { FrameParser } from './attach.js';
import { runtimeError, runtimeMessage, stripLogrus } from './runc.js';
import { parsePs } from './top.js';
import { boundingSet, clampCapabilities } from './capabilities.js';
import { stateOf, summarize } from './describe.js';
import { sinkPath } from './tasks.js';
import type { TaskRecord } from './task-store.js';
import type { Container } from '@berth/proto/containers/v1';

const frame = (stream: number, s: string) => {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(Buffer.byteLength(s), 4);
  return Buffer.concat([h, Buffer.from(s)]);
};

describe('FrameParser', () => {
  it('splits stdcopy frames across arbitrary chunk boundaries', () => {
    const all = Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops'), frame(3, '{"exit_status":3}')]);
    for (const cut of [1, 5, 8, 9, 14, 20, all.length - 1]) {
      const p = new FrameParser();
      const got = [...p.push(all.subarray(0, cut)), ...p.push(all.subarray(cut))];
      expect(got.map((f) => [f.stream, f.data.toString()])).toEqual([
        [1, 'hello\n'],
        [2, 'oops'],
        [3, '{"exit_status":3}'],
      ]);
    }
  });
});

describe('runtime messages', () => {
  it("takes runc's msg=… from its last log line", () => {
    const err = 'time="2026-01-01T00:00:00Z" level=error msg="container \\"x\\" does not exist"\n';
    expect(runtimeMessage(err)).toBe('container "x" does not exist');
    expect(runtimeMessage('crun: plain message\n')).toBe('crun: plain message');
  });

  it('strips logrus framing inside a longer message', () => {
    const m =
      'runc create: time="2026-11-29T16:31:55Z" level=error msg="exec: \\"nope\\": executable file not found in $PATH"';
    expect(stripLogrus(m)).toBe('runc create: exec: "nope": executable file not found in $PATH');
  });

  it('maps messages to error kinds', () => {
    expect(runtimeError('runc', 'kill', 'x', 'container does not exist').kind).toBe('NotFound');
    expect(runtimeError('runc', 'pause', 'x', 'container not running').kind).toBe('FailedPrecondition');
    expect(runtimeError('/usr/bin/runc', 'start', 'x', 'boom').message).toBe('runc start x: boom');
  });
});

describe('parsePs', () => {
  const out = [
    'UID          PID    PPID  C STIME TTY          TIME CMD',
    'root         101       1  0 10:00 ?        00:00:00 sleep 1000',
    'root         102     101  0 10:00 ?        00:00:00 sh -c echo a b',
    'root         999       1  0 10:00 ?        00:00:00 other',
  ].join('\n');

  it('keeps only the container pids and joins the command column', () => {
    const t = parsePs(out, new Set([101, 102]));
    expect(t.titles).toEqual(['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    expect(t.processes.map((p) => p.at(-1))).toEqual(['sleep 1000', 'sh -c echo a b']);
  });

  it('refuses output without a PID column', () => {
    expect(() => parsePs('USER COMMAND\nroot x', new Set())).toThrow(/no PID column/);
  });
});

describe('container state for ps', () => {
  const proc = { execId: '', pid: 7, monitorPid: 8, terminal: false, stdin: '', stdout: '', stderr: '' };
  const rec = (
    over: Partial<TaskRecord>,
    status: TaskRecord['init']['status'],
    exitStatus?: number,
  ): TaskRecord => ({
    ns: 'default',
    id: 'c',
    bundle: '/b',
    runtime: 'runc',
    runtimeRoot: '/r',
    mounted: true,
    createdAt: new Date().toISOString(),
    init: { ...proc, status, exitStatus, stdinOpen: false, dir: '/b', attach: '/s' },
    execs: {},
    restartCount: 0,
    ...over,
  });

  it('follows the task through its life', () => {
    expect(stateOf(undefined)).toBe('created');
    expect(stateOf(rec({}, 'created'))).toBe('created');
    expect(stateOf(rec({ startedAt: 'x' }, 'running'))).toBe('running');
    expect(stateOf(rec({ startedAt: 'x' }, 'paused'))).toBe('paused');
    expect(stateOf(rec({ startedAt: 'x' }, 'stopped', 2))).toBe('exited');
    expect(stateOf(rec({ deleted: true, startedAt: 'x' }, 'stopped', 2))).toBe('exited');
    expect(stateOf(rec({ deleted: true }, 'stopped'))).toBe('created');
  });

  it('summarizes name, command and exit status', () => {
    const spec = { process: { args: ['sh', '-c', 'exit 2'] } };
    const c = {
      id: 'c',
      image: 'docker.io/library/busybox:latest',
      labels: { 'io.berth.name': 'web', 'io.berth.image': 'busybox' },
      spec: { typeUrl: 'x', value: Buffer.from(JSON.stringify(spec)) },
    } as unknown as Container;
    const s = summarize(c, rec({ startedAt: new Date().toISOString() }, 'stopped', 2));
    expect(s).toMatchObject({
      name: 'web',
      image: 'busybox',
      command: 'sh -c exit 2',
      state: 'exited',
      exitStatus: 2,
      pid: 0,
    });
  });
});

describe('capabilities', () => {
  it('reads the bounding set and clamps every set of a spec to it', () => {
    const set = boundingSet('Name:\tx\nCapBnd:\t000001fffeffffff\n');
    expect(set.has('CAP_SYS_RESOURCE')).toBe(false);
    expect(set.has('CAP_SYS_ADMIN')).toBe(true);
    expect(set.has('CAP_CHECKPOINT_RESTORE')).toBe(true);
    const caps = { bounding: ['CAP_CHOWN', 'CAP_SYS_RESOURCE'], effective: ['CAP_SYS_RESOURCE'] };
    expect(clampCapabilities(caps, set)).toEqual(['CAP_SYS_RESOURCE']);
    expect(caps).toEqual({ bounding: ['CAP_CHOWN'], effective: [] });
  });
});

describe('output sinks', () => {
  it('takes FIFO paths as they are and file:// log URIs as paths; refuses other drivers', () => {
    expect(sinkPath('/run/fifo/c1-stdout')).toBe('/run/fifo/c1-stdout');
    expect(sinkPath('file:///var/log/c%201.log')).toBe('/var/log/c 1.log');
    expect(sinkPath('')).toBe('');
    expect(() => sinkPath('binary:///usr/bin/logger?x=1')).toThrow(/only file:\/\/ is supported/);
  });
});
