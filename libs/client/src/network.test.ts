import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import type { ImageConfig } from '@berth/image';
import { fileMounts, modeLabel, planNetwork, type NetworkOptions } from './network.js';

const image = (exposed?: Record<string, object>): ImageConfig => ({
  architecture: 'amd64',
  os: 'linux',
  config: exposed ? { ExposedPorts: exposed } : {},
  rootfs: { type: 'layers', diff_ids: [] },
});

const refusal = (o: NetworkOptions, hostname?: string): string => {
  try {
    planNetwork(o, image(), hostname);
  } catch (err) {
    expect(kindOf(err)).toBe('InvalidArgument');
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('planNetwork', () => {
  it('defaults to the default mode, else bridge', () => {
    expect(planNetwork({}).endpoints).toEqual([{ network: 'bridge', aliases: [], ip: '' }]);
    expect(planNetwork({ defaultMode: 'none' }).kind).toBe('none');
    expect(planNetwork({ networks: ['default'] }).endpoints[0]?.network).toBe('bridge');
  });

  it('gives --network-alias and --ip to the first network; more networks follow', () => {
    const plan = planNetwork({ networks: ['a', 'b'], aliases: ['db'], ip: '10.0.0.5' });
    expect(plan.kind).toBe('networks');
    expect(plan.endpoints).toEqual([
      { network: 'a', aliases: ['db'], ip: '10.0.0.5' },
      { network: 'b', aliases: [], ip: '' },
    ]);
    expect(modeLabel(plan)).toBe('a');
  });

  it("reads docker's advanced --network syntax", () => {
    const plan = planNetwork({ networks: ['name=a,alias=x,alias=y,ip=10.1.0.9', 'b'] });
    expect(plan.endpoints[0]).toEqual({ network: 'a', aliases: ['x', 'y'], ip: '10.1.0.9' });
    expect(refusal({ networks: ['alias=x'] })).toMatch(/name is required/);
    expect(refusal({ networks: ['name=a,mtu=1'] })).toMatch(/invalid field key mtu/);
  });

  it('host, none and container: modes stand alone', () => {
    expect(planNetwork({ networks: ['host'] }).kind).toBe('host');
    const shared = planNetwork({ networks: ['container:web'] });
    expect(shared).toMatchObject({ kind: 'container', target: 'web', endpoints: [] });
    expect(modeLabel(shared, 'abc')).toBe('container:abc');
    expect(refusal({ networks: ['host', 'a'] })).toBe(
      'conflicting options: cannot attach both user-defined and non-user-defined network-modes',
    );
  });

  it('refuses what docker refuses with container: mode', () => {
    const c = { networks: ['container:web'] };
    expect(refusal(c, 'h')).toBe('conflicting options: hostname and the network mode');
    expect(refusal({ ...c, links: ['x'] })).toMatch(
      /^conflicting options: container type network can't be used with links/,
    );
    expect(refusal({ ...c, dns: ['1.1.1.1'] })).toBe('conflicting options: dns and the network mode');
    expect(refusal({ ...c, addHosts: ['a:1.2.3.4'] })).toBe(
      'conflicting options: custom host-to-IP mapping and the network mode',
    );
    expect(refusal({ ...c, publish: ['80'] })).toBe(
      'conflicting options: port publishing and the container type network mode',
    );
    expect(refusal({ networks: ['container:'] })).toMatch(/needs a container/);
  });

  it('host and none modes drop published ports with a warning, and refuse aliases, --ip and links', () => {
    const plan = planNetwork({ networks: ['host'], publish: ['8080:80'] });
    expect(plan.publish).toEqual([]);
    expect(plan.warnings).toEqual(['Published ports are discarded when using host network mode']);
    expect(refusal({ networks: ['host'], links: ['a'] })).toMatch(
      /host type networking can't be used with links/,
    );
    expect(refusal({ networks: ['none'], aliases: ['a'] })).toMatch(/network-scoped alias/);
    expect(refusal({ networks: ['none'], ip: '10.0.0.2' })).toMatch(/user defined networks only/);
  });

  it('publishes -p ports, and with -P every port the image exposes', () => {
    const img = image({ '80/tcp': {}, '53/udp': {} });
    expect(planNetwork({ publish: ['8080:80'] }, img).publish).toEqual([
      { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    ]);
    expect(planNetwork({ publishAll: true, expose: ['90'] }, img).publish).toEqual([
      { hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp' },
      { hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' },
      { hostIp: '', hostPort: 0, containerPort: 90, protocol: 'tcp' },
    ]);
    expect(refusal({ publish: ['nope'] })).toBe('invalid containerPort: nope');
  });

  it('refuses a network given twice and alias/ip given twice', () => {
    expect(refusal({ networks: ['a', 'a'] })).toMatch(/network a is given twice/);
    expect(refusal({ networks: ['name=a,alias=x'], aliases: ['y'] })).toMatch(
      /cannot specify both --network-alias and per-network alias/,
    );
  });
});

describe('fileMounts', () => {
  it('bind-mounts the three files where docker does, read-only with --read-only', () => {
    const files = { hostsPath: '/s/h', resolvConfPath: '/s/r', hostnamePath: '/s/n' };
    expect(fileMounts(files, false)).toEqual([
      { destination: '/etc/resolv.conf', type: 'bind', source: '/s/r', options: ['rbind', 'rprivate', 'rw'] },
      { destination: '/etc/hostname', type: 'bind', source: '/s/n', options: ['rbind', 'rprivate', 'rw'] },
      { destination: '/etc/hosts', type: 'bind', source: '/s/h', options: ['rbind', 'rprivate', 'rw'] },
    ]);
    expect(fileMounts(files, true).map((m) => m.options.at(-1))).toEqual(['ro', 'ro', 'ro']);
    expect(fileMounts({ hostsPath: '', resolvConfPath: '', hostnamePath: '' }, false)).toEqual([]);
  });
});
