import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { parseBind, parseMount } from '@berth/oci-spec';
import { driverMount, validateDriverOpts } from './local.js';
import { volumeFilter, type VolumeView } from './manager.js';
import { applyMounts, dockerMounts, ociMounts, planMounts } from './plan.js';
import type { ResolvedMount } from './store.js';

const data = (name: string) => `/v/${name}/_data`;

describe('planMounts', () => {
  const from: ResolvedMount[] = [
    { type: 'volume', source: 'shared', destination: '/s', readOnly: false, mode: '' },
    { type: 'volume', source: 'ro', destination: '/r', readOnly: true, mode: 'ro' },
    { type: 'bind', source: '/h', destination: '/b', readOnly: false, mode: '', createHostPath: true },
  ];

  it('volumes-from first (ro kept, never copied into), then -v/--mount over them, then image VOLUMEs', () => {
    const plan = planMounts(
      [parseBind('/host:/b:ro'), parseBind('named:/n'), parseMount('type=tmpfs,dst=/t,tmpfs-size=1k')],
      [{ mounts: from }],
      ['/s', '/img/', 'relative', '/n', '/new'],
    );
    expect(plan).toEqual([
      { type: 'volume', source: 'shared', destination: '/s', readOnly: false, mode: '', noCopy: true },
      { type: 'volume', source: 'ro', destination: '/r', readOnly: true, mode: 'ro', noCopy: true },
      {
        type: 'bind',
        source: '/host',
        destination: '/b',
        readOnly: true,
        mode: 'ro',
        createHostPath: true,
      },
      { type: 'volume', source: 'named', destination: '/n', readOnly: false, mode: '' },
      { type: 'tmpfs', source: '', destination: '/t', readOnly: false, mode: '', tmpfsOptions: 'size=1024' },
      { type: 'volume', source: '', destination: '/img', readOnly: false, mode: '' },
      { type: 'volume', source: '', destination: '/new', readOnly: false, mode: '' },
    ]);
  });

  it(':ro makes every mount read-only; :rw does not make a read-only one writable (docker)', () => {
    expect(planMounts([], [{ mounts: from, mode: 'ro' }], []).every((m) => m.readOnly)).toBe(true);
    expect(planMounts([], [{ mounts: from, mode: 'rw' }], []).map((m) => m.readOnly)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('keeps --mount volume options for a volume still to be made', () => {
    expect(planMounts([parseMount('dst=/d,volume-opt=type=tmpfs,volume-nocopy')], [], [])).toEqual([
      {
        type: 'volume',
        source: '',
        destination: '/d',
        readOnly: false,
        mode: '',
        noCopy: true,
        create: { driverOpts: { type: 'tmpfs' }, labels: {} },
      },
    ]);
  });
});

describe('spec and inspect', () => {
  const mounts: ResolvedMount[] = [
    { type: 'bind', source: '/h', destination: '/b', readOnly: true, mode: 'ro', propagation: 'rslave' },
    { type: 'volume', source: 'vol', destination: '/dev/shm', readOnly: false, mode: '' },
    { type: 'tmpfs', source: '', destination: '/t', readOnly: true, mode: '', tmpfsOptions: 'size=1024' },
  ];

  it('binds and volumes are rbinds; tmpfs gets docker’s defaults', () => {
    expect(ociMounts(mounts, data)).toEqual([
      { destination: '/b', type: 'bind', source: '/h', options: ['rbind', 'rslave', 'ro'] },
      { destination: '/dev/shm', type: 'bind', source: '/v/vol/_data', options: ['rbind', 'rprivate', 'rw'] },
      {
        destination: '/t',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=1024', 'ro'],
      },
    ]);
  });

  it('replaces spec mounts at the same destination, parents first, and sets rootfs propagation', () => {
    const spec = {
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc' },
        { destination: '/dev/shm', type: 'tmpfs', source: 'shm' },
      ],
      linux: {},
    };
    applyMounts(spec, ociMounts(mounts, data));
    expect(spec.mounts.map((m) => [m.destination, m.type])).toEqual([
      ['/proc', 'proc'],
      ['/b', 'bind'],
      ['/t', 'tmpfs'],
      ['/dev/shm', 'bind'],
    ]);
    expect(spec.linux).toEqual({ rootfsPropagation: 'rslave' });
    const shared: { linux?: { rootfsPropagation?: string } } = {};
    applyMounts(shared, [{ destination: '/x', type: 'bind', source: '/x', options: ['rbind', 'rshared'] }]);
    expect(shared.linux?.rootfsPropagation).toBe('shared');
  });

  it("docker inspect's Mounts", () => {
    expect(dockerMounts(mounts, data)).toEqual([
      { Type: 'bind', Source: '/h', Destination: '/b', Mode: 'ro', RW: false, Propagation: 'rslave' },
      {
        Type: 'volume',
        Name: 'vol',
        Source: '/v/vol/_data',
        Destination: '/dev/shm',
        Driver: 'local',
        Mode: '',
        RW: true,
        Propagation: '',
      },
      { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: false, Propagation: '' },
    ]);
  });
});

describe('volume filters and driver options', () => {
  const v = (name: string, o: Partial<VolumeView> = {}): VolumeView => ({
    name,
    driver: 'local',
    labels: {},
    options: {},
    createdAt: '',
    anonymous: false,
    mountpoint: '',
    containers: [],
    ...o,
  });
  const vols = [
    v('alpha', { labels: { a: '1' } }),
    v('beta', { containers: ['c1'], labels: { a: '2', b: '' } }),
  ];
  const names = (filters: string[], allowed = ['dangling', 'name', 'label', 'driver', 'label!']) =>
    vols.filter(volumeFilter(filters, allowed)).map((x) => x.name);

  it('dangling, name (substring, any), label (all), label! and driver', () => {
    expect(names(['dangling=true'])).toEqual(['alpha']);
    expect(names(['dangling=false'])).toEqual(['beta']);
    expect(names(['name=lph', 'name=zzz'])).toEqual(['alpha']);
    expect(names(['label=a'])).toEqual(['alpha', 'beta']);
    expect(names(['label=a=2', 'label=b'])).toEqual(['beta']);
    expect(names(['label!=a=2'])).toEqual(['alpha']);
    expect(names(['driver=local'])).toEqual(['alpha', 'beta']);
  });

  it('refuses unknown filters and bad values', () => {
    for (const f of ['nope=1', 'dangling=maybe', 'name']) {
      let err: unknown;
      try {
        names([f], ['dangling', 'name']);
      } catch (e) {
        err = e;
      }
      expect(isInvalidArgument(err), f).toBe(true);
    }
  });

  it('checks local-driver options as docker, and turns them into a mount', () => {
    expect(() => validateDriverOpts({})).not.toThrow();
    expect(() => validateDriverOpts({ type: 'tmpfs', device: 'tmpfs', o: 'size=1m' })).not.toThrow();
    expect(() => validateDriverOpts({ size: '1g' })).toThrow('invalid option: "size"');
    expect(() => validateDriverOpts({ type: 'tmpfs' })).toThrow('missing required option: "device"');
    expect(driverMount({ type: 'tmpfs', device: 'tmpfs', o: 'size=64m,uid=1000' })).toEqual({
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['size=64m', 'uid=1000'],
    });
    expect(driverMount({ type: 'none', device: '/srv/x', o: 'bind' })).toEqual({
      type: 'bind',
      source: '/srv/x',
      options: ['bind'],
    });
  });
});
