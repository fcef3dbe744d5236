import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import type { ImageConfig } from '@berth/image';
import { buildSpec, stopSignalOf, stopTimeoutOf } from './build-spec.js';
import {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  DEFAULT_PATH_ENV,
  MASKED_PATHS,
  READONLY_PATHS,
} from './constants.js';
import type { RunOptions } from './run-options.js';
import type { Spec } from './types.js';

const ctx = { id: '0123456789abcdef0123', namespace: 'default' };
const image = (config: NonNullable<ImageConfig['config']>): ImageConfig => ({
  architecture: 'amd64',
  os: 'linux',
  config,
  rootfs: { type: 'layers', diff_ids: [] },
});
const busybox = image({
  Cmd: ['sh'],
  Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
});
const build = (opts: RunOptions, img: ImageConfig | undefined = busybox) => buildSpec(opts, img, ctx);
const mount = (spec: Spec, dest: string) => spec.mounts.find((m) => m.destination === dest);

function expectInvalid(fn: () => unknown, message: string | RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isInvalidArgument(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected InvalidArgument');
}

describe('buildSpec defaults', () => {
  const spec = build({});

  it('has every field runc requires', () => {
    expect(spec.ociVersion).toMatch(/^1\.0\./);
    expect(spec.root).toEqual({ path: 'rootfs', readonly: false });
    expect(spec.process.args).toEqual(['sh']);
    expect(spec.process.cwd).toBe('/');
    expect(spec.process.user).toEqual({ uid: 0, gid: 0, additionalGids: [0] });
    expect(spec.process.terminal).toBe(false);
    expect(spec.process.noNewPrivileges).toBe(false);
    expect(spec.process.rlimits).toEqual([]);
    expect(spec.hostname).toBe('0123456789ab');
    expect(spec.linux.cgroupsPath).toBe('/berth/default/0123456789abcdef0123');
    expect(spec.linux.namespaces.map((n) => n.type).sort()).toEqual([
      'ipc',
      'mount',
      'network',
      'pid',
      'uts',
    ]);
    expect(spec.annotations).toBeUndefined();
    // Round-trips through JSON unchanged: no undefined values or non-JSON numbers.
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('applies Docker secure defaults', () => {
    expect(spec.process.capabilities?.bounding).toEqual(DEFAULT_CAPABILITIES);
    expect(spec.process.capabilities?.effective).toEqual(DEFAULT_CAPABILITIES);
    expect(spec.process.capabilities?.permitted).toEqual(DEFAULT_CAPABILITIES);
    expect(spec.process.capabilities?.inheritable).toBeUndefined();
    expect(spec.linux.maskedPaths).toEqual(MASKED_PATHS);
    expect(spec.linux.readonlyPaths).toEqual(READONLY_PATHS);
    expect(spec.linux.seccomp?.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(spec.linux.resources.devices[0]).toEqual({ allow: false, access: 'rwm' });
    expect(spec.linux.resources.devices).toContainEqual({
      allow: true,
      type: 'c',
      major: 1,
      minor: 3,
      access: 'rwm',
    });
    expect(spec.mounts.map((m) => m.destination)).toEqual([
      '/proc',
      '/dev',
      '/sys',
      '/dev/pts',
      '/dev/shm',
      '/dev/mqueue',
      '/sys/fs/cgroup',
    ]);
    expect(mount(spec, '/dev/shm')?.options).toContain('size=67108864');
    expect(mount(spec, '/sys')?.options).toContain('ro');
    expect(mount(spec, '/sys/fs/cgroup')?.options).toContain('ro');
  });

  it('sets PATH and HOSTNAME first', () => {
    expect(buildSpec({ cmd: ['sh'] }, undefined, ctx).process.env).toEqual([
      DEFAULT_PATH_ENV,
      'HOSTNAME=0123456789ab',
    ]);
  });
});

describe('command precedence', () => {
  const img = image({ Entrypoint: ['/entry'], Cmd: ['--default'] });

  it('uses Entrypoint + Cmd from the image', () => {
    expect(build({}, img).process.args).toEqual(['/entry', '--default']);
  });
  it('a command replaces the image Cmd only', () => {
    expect(build({ cmd: ['--mine', 'x'] }, img).process.args).toEqual(['/entry', '--mine', 'x']);
  });
  it('--entrypoint replaces Entrypoint and drops the image Cmd', () => {
    expect(build({ entrypoint: '/bin/other' }, img).process.args).toEqual(['/bin/other']);
    expect(build({ entrypoint: '/bin/other', cmd: ['a'] }, img).process.args).toEqual(['/bin/other', 'a']);
  });
  it("--entrypoint '' clears it", () => {
    expect(build({ entrypoint: '', cmd: ['ls'] }, img).process.args).toEqual(['ls']);
    expectInvalid(() => build({ entrypoint: '' }, img), 'no command specified');
  });
  it('rejects a container with no command', () => {
    expectInvalid(() => buildSpec({}, undefined, ctx), 'no command specified');
  });
  it('--init runs the init binary in front, mounted read-only', () => {
    const spec = build({ init: true, initPath: '/usr/bin/tini-static', cmd: ['top'] });
    expect(spec.process.args).toEqual(['/sbin/docker-init', '--', 'top']);
    expect(mount(spec, '/sbin/docker-init')).toEqual({
      destination: '/sbin/docker-init',
      type: 'bind',
      source: '/usr/bin/tini-static',
      options: ['rbind', 'ro'],
    });
    expectInvalid(() => build({ init: true }), /init/);
  });
});

describe('environment', () => {
  const img = image({ Cmd: ['sh'], Env: ['PATH=/img/bin', 'A=image', 'B=image'] });

  it('merges image env with user env by key, user winning', () => {
    expect(build({ env: ['B=user', 'C=user'] }, img).process.env).toEqual([
      'PATH=/img/bin',
      'HOSTNAME=0123456789ab',
      'A=image',
      'B=user',
      'C=user',
    ]);
  });
  it('-e overrides --env-file, which overrides the image; bare KEY unsets', () => {
    const env = build({ envFiles: ['# c\nA=file\nB=file\n'], env: ['B=cli', 'A'] }, img).process.env;
    expect(env).toEqual(['PATH=/img/bin', 'HOSTNAME=0123456789ab', 'B=cli']);
  });
  it('-t allocates a terminal and sets TERM', () => {
    const spec = build({ tty: true });
    expect(spec.process.terminal).toBe(true);
    expect(spec.process.env).toContain('TERM=xterm');
  });
  it('-i leaves the spec unchanged (stdin belongs to the monitor)', () => {
    expect(build({ stdinOpen: true })).toEqual(build({}));
  });
});

describe('flags', () => {
  it('-w sets cwd; the image WorkingDir is the default', () => {
    expect(build({ workdir: '/srv/' }).process.cwd).toBe('/srv');
    expect(build({}, image({ Cmd: ['sh'], WorkingDir: 'app' })).process.cwd).toBe('/app');
    expect(build({ workdir: '/x' }, image({ Cmd: ['sh'], WorkingDir: '/app' })).process.cwd).toBe('/x');
    expectInvalid(
      () => build({ workdir: 'rel' }),
      "the working directory 'rel' is invalid, it needs to be an absolute path",
    );
  });
  it('-h sets the hostname and HOSTNAME', () => {
    const spec = build({ hostname: 'web' });
    expect(spec.hostname).toBe('web');
    expect(spec.process.env).toContain('HOSTNAME=web');
  });
  it('--read-only makes the rootfs read-only', () => {
    expect(build({ readOnly: true }).root.readonly).toBe(true);
    expect(build({ readonlyRootfs: true }).root.readonly).toBe(true);
  });
  it('--tmpfs adds a tmpfs with Docker default options merged', () => {
    const spec = build({ tmpfs: { '/run': 'size=64m,exec', '/dev/shm': 'size=1g' } });
    expect(mount(spec, '/run')).toEqual({
      destination: '/run',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'nodev', 'rprivate', 'size=64m', 'exec'],
    });
    // Replaces the default mount at the same destination.
    expect(spec.mounts.filter((m) => m.destination === '/dev/shm')).toHaveLength(1);
    expect(mount(spec, '/dev/shm')?.options).toContain('size=1g');
    expectInvalid(() => build({ tmpfs: { run: '' } }), /absolute/);
  });
  it('--ulimit sets rlimits, the last one of a type winning', () => {
    expect(build({ ulimits: ['nofile=1:2', 'nofile=1024:2048', 'nproc=100'] }).process.rlimits).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
      { type: 'RLIMIT_NPROC', soft: 100, hard: 100 },
    ]);
    expectInvalid(() => build({ ulimits: ['bogus=1'] }), 'invalid ulimit type: bogus');
    expectInvalid(() => build({ ulimits: ['nofile=2:1'] }), /soft limit must be less than or equal/);
  });
  it('--sysctl sets namespaced sysctls', () => {
    expect(build({ sysctls: ['net.ipv4.ip_forward=1', 'kernel.shmmax=1000'] }).linux.sysctl).toEqual({
      'net.ipv4.ip_forward': '1',
      'kernel.shmmax': '1000',
    });
    expectInvalid(
      () => build({ sysctls: { 'kernel.panic': '1' } }),
      "sysctl 'kernel.panic=1' is not allowed",
    );
  });
  it('--security-opt no-new-privileges', () => {
    expect(build({ securityOpt: ['no-new-privileges'] }).process.noNewPrivileges).toBe(true);
    expect(build({ securityOpt: ['no-new-privileges=false'] }).process.noNewPrivileges).toBe(false);
  });
  it('--security-opt seccomp=unconfined drops the filter only', () => {
    const spec = build({ securityOpt: ['seccomp=unconfined'] });
    expect(spec.linux.seccomp).toBeUndefined();
    expect(spec.linux.maskedPaths).toEqual(MASKED_PATHS);
  });
  it('--security-opt apparmor', () => {
    expect(build({ securityOpt: ['apparmor=my-profile'] }).process.apparmorProfile).toBe('my-profile');
    expect(build({ securityOpt: ['apparmor=unconfined'] }).process.apparmorProfile).toBeUndefined();
  });
  it('--security-opt rejects unknown options', () => {
    expectInvalid(() => build({ securityOpt: ['foo=bar'] }), 'invalid --security-opt 2: "foo=bar"');
    expectInvalid(() => build({ securityOpt: ['bogus'] }), 'invalid --security-opt 1: "bogus"');
    expectInvalid(() => build({ securityOpt: ['seccomp=/tmp/p.json'] }), /not supported/);
    expectInvalid(() => build({ securityOpt: ['no-new-privileges=maybe'] }), /invalid --security-opt 2/);
  });
  it('--shm-size sizes /dev/shm', () => {
    expect(mount(build({ shmSize: '128m' }), '/dev/shm')?.options).toContain('size=134217728');
    expect(mount(build({ shmSize: 1024 }), '/dev/shm')?.options).toContain('size=1024');
    expectInvalid(() => build({ shmSize: 'lots' }), "invalid size: 'lots'");
  });
  it('--label becomes annotations', () => {
    expect(build({ labels: { 'com.example': 'v' } }).annotations).toEqual({ 'com.example': 'v' });
  });
  it('--network host shares only the network namespace', () => {
    const spec = buildSpec({ networkMode: 'host' }, busybox, { ...ctx, hostHostname: 'hosty' });
    const types = spec.linux.namespaces.map((n) => n.type);
    expect(types).not.toContain('network');
    expect(types).toContain('uts');
    expect(spec.hostname).toBe('hosty');
    expectInvalid(
      () => build({ networkMode: 'host', sysctls: ['net.core.somaxconn=1'] }),
      /host network namespace/,
    );
  });
  it('--network none keeps a private network namespace; netnsPath joins a prepared one', () => {
    expect(build({ networkMode: 'none' }).linux.namespaces).toContainEqual({ type: 'network' });
    expect(build({ netnsPath: '/var/run/netns/c1' }).linux.namespaces).toContainEqual({
      type: 'network',
      path: '/var/run/netns/c1',
    });
  });
  it('--cgroupns private adds a cgroup namespace', () => {
    expect(build({ cgroupns: 'private' }).linux.namespaces).toContainEqual({ type: 'cgroup' });
  });
  it('cgroupsPath overrides the default', () => {
    expect(build({ cgroupsPath: '/custom/x' }).linux.cgroupsPath).toBe('/custom/x');
  });
  it('--oom-score-adj', () => {
    expect(build({ oomScoreAdj: 500 }).process.oomScoreAdj).toBe(500);
    expectInvalid(() => build({ oomScoreAdj: 2000 }), /range for oom score adj/);
  });
  it('--cap-add / --cap-drop change every capability set and the seccomp rules', () => {
    const spec = build({ capAdd: ['sys_admin'], capDrop: ['CAP_NET_RAW'] });
    expect(spec.process.capabilities?.bounding).toContain('CAP_SYS_ADMIN');
    expect(spec.process.capabilities?.effective).not.toContain('CAP_NET_RAW');
    expect(spec.linux.seccomp?.syscalls?.some((s) => s.names.includes('mount'))).toBe(true);
    expectInvalid(() => build({ capAdd: ['FOO'] }), 'unknown capability: "CAP_FOO"');
  });
  it('extra mounts replace defaults and are ordered parents first', () => {
    const spec = build({ mounts: [{ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: [] }] });
    const dests = spec.mounts.map((m) => m.destination);
    expect(dests.indexOf('/dev')).toBeLessThan(dests.indexOf('/dev/pts'));
    expect(dests.filter((d) => d === '/dev')).toHaveLength(1);
  });
});

describe('--privileged', () => {
  const spec = buildSpec({ privileged: true }, busybox, {
    ...ctx,
    hostDevices: [{ path: '/dev/sda', type: 'b', major: 8, minor: 0 }],
  });

  it('grants every capability and device, without masks or seccomp', () => {
    expect(spec.process.capabilities?.bounding).toEqual(ALL_CAPABILITIES);
    expect(spec.linux.maskedPaths).toBeUndefined();
    expect(spec.linux.readonlyPaths).toBeUndefined();
    expect(spec.linux.seccomp).toBeUndefined();
    expect(spec.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
    expect(spec.linux.devices).toEqual([{ path: '/dev/sda', type: 'b', major: 8, minor: 0 }]);
    expect(mount(spec, '/sys')?.options).toContain('rw');
  });
  it('ignores cap-drop and apparmor, as Docker does', () => {
    const s = build({ privileged: true, capDrop: ['ALL'], securityOpt: ['apparmor=p'] });
    expect(s.process.capabilities?.bounding).toEqual(ALL_CAPABILITIES);
    expect(s.process.apparmorProfile).toBeUndefined();
  });
});

describe('user', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\n';
  const group = 'root:x:0:\nwww:x:33:\nstaff:x:50:www,other\nadm:x:4:root\n';
  const run = (opts: RunOptions, img = busybox) =>
    buildSpec(opts, img, { ...ctx, passwd, group }).process.user;

  it('-u name resolves through passwd and group files', () => {
    expect(run({ user: 'www' })).toEqual({ uid: 33, gid: 33, additionalGids: [33, 50] });
  });
  it('the image User is the default, -u overrides it', () => {
    const img = image({ Cmd: ['sh'], User: 'www' });
    expect(run({}, img).uid).toBe(33);
    expect(run({ user: '0' }, img)).toEqual({ uid: 0, gid: 0, additionalGids: [0, 4] });
  });
  it('--group-add appends groups', () => {
    expect(run({ user: 'www', groupAdd: ['adm', '1234'] }).additionalGids).toEqual([33, 50, 4, 1234]);
  });
  it('-u uid:gid', () => {
    expect(run({ user: '1000:1000' })).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000] });
  });
});

describe('stop signal and timeout', () => {
  it('defaults to SIGTERM, image StopSignal, then --stop-signal', () => {
    expect(stopSignalOf({}, undefined)).toEqual({ number: 15, name: 'SIGTERM' });
    const img = image({ StopSignal: 'SIGQUIT' });
    expect(stopSignalOf({}, img)).toEqual({ number: 3, name: 'SIGQUIT' });
    expect(stopSignalOf({ stopSignal: 'hup' }, img)).toEqual({ number: 1, name: 'SIGHUP' });
    expect(stopSignalOf({ stopSignal: 9 }, img)).toEqual({ number: 9, name: 'SIGKILL' });
    expect(stopSignalOf({ stopSignal: 'RTMIN+3' }, img)).toEqual({ number: 37, name: 'SIGRTMIN+3' });
    expectInvalid(() => stopSignalOf({ stopSignal: 'SIGBOGUS' }, img), 'Invalid signal: SIGBOGUS');
    expectInvalid(() => stopSignalOf({ stopSignal: 0 }, img), 'Invalid signal: 0');
  });
  it('--stop-timeout defaults to 10', () => {
    expect(stopTimeoutOf({})).toBe(10);
    expect(stopTimeoutOf({ stopTimeout: 3 })).toBe(3);
    expectInvalid(() => stopTimeoutOf({ stopTimeout: -5 }), /invalid stop timeout/);
  });
});
