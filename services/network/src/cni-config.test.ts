import { describe, expect, it } from 'vitest';
import {
  bridgeConflist,
  cniContainerId,
  endpointFromResult,
  endpointRuntime,
  nextIfName,
} from './cni-config.js';
import type { NetworkRecord } from './records.js';

const net: NetworkRecord = {
  id: 'a'.repeat(64),
  name: 'web',
  driver: 'bridge',
  bridge: 'br-aaaaaaaaaaaa',
  ipam: [
    {
      subnet: '10.9.0.0/24',
      gateway: '10.9.0.1',
      ipRange: '10.9.0.128/25',
      rangeStart: '10.9.0.128',
      rangeEnd: '10.9.0.254',
    },
  ],
  internal: false,
  mtu: 1400,
  labels: {},
  createdAt: '2024-01-01T00:00:00.000Z',
};

describe('bridgeConflist', () => {
  it('chains bridge (host-local with the range, ips capability), portmap and firewall', () => {
    const l = bridgeConflist(net, '/run/berth/network/ipam');
    expect(l.cniVersion).toBe('1.0.0');
    expect(l.name).toBe('br-aaaaaaaaaaaa');
    expect(l.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap', 'firewall']);
    expect(l.plugins[0]).toEqual({
      type: 'bridge',
      bridge: 'br-aaaaaaaaaaaa',
      isGateway: true,
      ipMasq: true,
      hairpinMode: true,
      mtu: 1400,
      capabilities: { ips: true },
      ipam: {
        type: 'host-local',
        dataDir: '/run/berth/network/ipam',
        ranges: [
          [{ subnet: '10.9.0.0/24', gateway: '10.9.0.1', rangeStart: '10.9.0.128', rangeEnd: '10.9.0.254' }],
        ],
        routes: [{ dst: '0.0.0.0/0' }],
      },
    });
    expect(l.plugins[1]).toEqual({ type: 'portmap', snat: true, capabilities: { portMappings: true } });
    expect(l.plugins[2]).toEqual({ type: 'firewall', backend: 'iptables' });
  });

  it('gives an internal network no masquerade and no default route', () => {
    const b = bridgeConflist({ ...net, internal: true, mtu: 0 }, '/x').plugins[0]!;
    expect(b['ipMasq']).toBe(false);
    expect(b).not.toHaveProperty('mtu');
    expect((b['ipam'] as { routes: unknown[] }).routes).toEqual([]);
  });
});

describe('endpointRuntime', () => {
  it('carries the ports, a static address with the prefix, and a host-unique container id', () => {
    const rt = endpointRuntime({
      ns: 'prod',
      containerId: 'c1',
      netns: '/n',
      ifName: 'eth0',
      ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      ip: '10.9.0.200',
      subnet: '10.9.0.0/24',
    });
    expect(rt).toEqual({
      containerId: 'prod--c1',
      netns: '/n',
      ifName: 'eth0',
      args: [['IgnoreUnknown', '1']],
      capabilityArgs: {
        portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' }],
        ips: ['10.9.0.200/24'],
      },
    });
    expect(cniContainerId('a-b', 'c')).not.toBe(cniContainerId('a', 'b-c'));
  });
});

describe('endpointFromResult', () => {
  it('reads the container interface address, gateway and mac', () => {
    const r = {
      cniVersion: '1.0.0',
      interfaces: [
        { name: 'br0', mac: 'b' },
        { name: 'veth1', mac: 'v' },
        { name: 'eth1', mac: '02:aa', sandbox: '/n' },
      ],
      ips: [{ address: '10.9.0.130/24', gateway: '10.9.0.1', interface: 2 }],
    };
    expect(endpointFromResult(r, 'eth1')).toEqual({
      ip: '10.9.0.130',
      prefixLen: 24,
      gateway: '10.9.0.1',
      mac: '02:aa',
    });
  });
});

describe('nextIfName', () => {
  it('takes the lowest free ethN', () => {
    expect(nextIfName([])).toBe('eth0');
    expect(nextIfName(['eth0', 'eth2'])).toBe('eth1');
  });
});
