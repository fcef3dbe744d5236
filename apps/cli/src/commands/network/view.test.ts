import { describe, expect, it } from 'vitest';
import type { Network } from '@berth/proto/berth/network/v1';
import { compileTemplate } from '../views/template.js';
import {
  createRequest,
  inspectNetwork,
  matchNetwork,
  networkContext,
  networkJsonLine,
  networkTableRows,
  parseNetworkFilters,
} from './view.js';

const net = (o: Partial<Network>): Network => ({
  id: 'ab'.repeat(32),
  name: 'mynet',
  driver: 'bridge',
  bridge: 'br-abababababab',
  ipam: [{ subnet: '10.231.5.0/24', gateway: '10.231.5.1', ipRange: '' }],
  internal: false,
  mtu: 0,
  labels: { team: 'web' },
  createdAt: new Date('2024-01-02T03:04:05.678Z'),
  containers: [],
  enableIpv6: false,
  ...o,
});

describe('createRequest', () => {
  it('pairs subnets with gateways and ranges, and reads driver options', () => {
    const r = createRequest('n1', {
      subnet: ['10.231.5.0/24'],
      gateway: ['10.231.5.254'],
      ipRange: ['10.231.5.128/25'],
      internal: true,
      opt: ['com.docker.network.driver.mtu=1400', 'com.docker.network.bridge.name=bn1'],
      label: ['a=b', 'c'],
    });
    expect(r).toEqual({
      name: 'n1',
      driver: 'bridge',
      ipam: [{ subnet: '10.231.5.0/24', gateway: '10.231.5.254', ipRange: '10.231.5.128/25' }],
      internal: true,
      mtu: 1400,
      labels: { a: 'b', c: '' },
      enableIpv6: false,
      bridge: 'bn1',
    });
    expect(createRequest('n2', { mtu: '9000' })).toMatchObject({ ipam: [], mtu: 9000 });
  });

  it('refuses what docker refuses', () => {
    expect(() => createRequest('n', { gateway: ['10.0.0.1'] })).toThrow(
      'every ip-range or gateway must have a corresponding subnet',
    );
    expect(() => createRequest('n', { opt: ['x.y=1'] })).toThrow(/unsupported network option x.y/);
    expect(() => createRequest('n', { opt: ['novalue'] })).toThrow(/expected key=value/);
    expect(() => createRequest('n', { mtu: '10' })).toThrow(/invalid MTU "10"/);
  });
});

describe('network ls', () => {
  it("filters as docker's network ls", () => {
    const f = (...a: string[]) => parseNetworkFilters(a);
    const user = net({});
    const bridge = net({ name: 'bridge', id: 'cd'.repeat(32), labels: {} });
    expect(matchNetwork(f('type=custom'), user)).toBe(true);
    expect(matchNetwork(f('type=custom'), bridge)).toBe(false);
    expect(matchNetwork(f('type=builtin'), bridge)).toBe(true);
    expect(matchNetwork(f('name=my'), user)).toBe(true);
    expect(matchNetwork(f('name=^net'), user)).toBe(false);
    expect(matchNetwork(f('id=abab'), user)).toBe(true);
    expect(matchNetwork(f('label=team'), user)).toBe(true);
    expect(matchNetwork(f('label=team=db'), user)).toBe(false);
    expect(matchNetwork(f('driver=bridge', 'scope=local'), user)).toBe(true);
    expect(matchNetwork(f('dangling=true'), user)).toBe(true);
    expect(matchNetwork(f('dangling=true'), net({ containers: ['x'] }))).toBe(false);
    expect(matchNetwork(f('dangling=true'), bridge)).toBe(false);
    expect(() => f('colour=red')).toThrow("invalid filter 'colour'");
    expect(() => f('type=other')).toThrow(/invalid filter: 'type'='other'/);
    expect(() => f('name')).toThrow(/bad format of filter/);
  });

  it('gives templates and json the NetworkContext fields', () => {
    const c = networkContext(net({}), true);
    expect(c.ID).toBe('abababababab');
    expect(networkContext(net({}), false).ID).toHaveLength(64);
    expect(compileTemplate('{{.Name}} {{.Driver}} {{.Label "team"}}').execute(c)).toBe('mynet bridge web');
    expect(networkJsonLine(c)).toEqual({
      CreatedAt: '2024-01-02 03:04:05 +0000 UTC',
      Driver: 'bridge',
      ID: 'abababababab',
      IPv6: 'false',
      Internal: 'false',
      Labels: 'team=web',
      Name: 'mynet',
      Scope: 'local',
    });
    expect(networkTableRows([c])).toEqual([
      ['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'],
      ['abababababab', 'mynet', 'bridge', 'local'],
    ]);
  });
});

describe('inspectNetwork', () => {
  it("is docker's NetworkResource", () => {
    const out = inspectNetwork(net({ mtu: 1400 }), [
      {
        id: 'c1',
        name: 'web',
        endpoint: {
          network: 'mynet',
          networkId: 'ab'.repeat(32),
          ip: '10.231.5.2',
          prefixLen: 24,
          gateway: '10.231.5.1',
          mac: '02:42:0a:e7:05:02',
          aliases: [],
          interface: 'eth0',
        },
      },
    ]);
    expect(out).toMatchObject({
      Name: 'mynet',
      Id: 'ab'.repeat(32),
      Created: '2024-01-02T03:04:05.678Z',
      Scope: 'local',
      Driver: 'bridge',
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.231.5.0/24', Gateway: '10.231.5.1' }] },
      Internal: false,
      Containers: { c1: { Name: 'web', MacAddress: '02:42:0a:e7:05:02', IPv4Address: '10.231.5.2/24' } },
      Options: {
        'com.docker.network.bridge.name': 'br-abababababab',
        'com.docker.network.driver.mtu': '1400',
      },
      Labels: { team: 'web' },
    });
  });
});
