import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { pluginEnv, pluginStdin, validateList } from './config.js';
import type { NetworkConfigList, RuntimeConf } from './types.js';
import { catchErr } from './testing.js';

const list: NetworkConfigList = {
  cniVersion: '1.0.0',
  name: 'br-test',
  plugins: [
    {
      type: 'bridge',
      bridge: 'br-test',
      capabilities: { ips: true, mac: false },
      ipam: { type: 'host-local' },
    },
    { type: 'portmap', capabilities: { portMappings: true } },
    { type: 'firewall' },
  ],
};
const rt: RuntimeConf = {
  containerId: 'default--c1',
  netns: '/run/netns/c1',
  ifName: 'eth0',
  args: [
    ['IgnoreUnknown', '1'],
    ['K', 'V'],
  ],
  capabilityArgs: {
    ips: ['10.0.0.5/24'],
    mac: '02:00:00:00:00:01',
    portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  },
};

describe('pluginStdin', () => {
  it('adds the list name and version and only the capabilities the plugin asked for', () => {
    const conf = pluginStdin(list, list.plugins[0]!, rt);
    expect(conf).toMatchObject({ type: 'bridge', name: 'br-test', cniVersion: '1.0.0', bridge: 'br-test' });
    expect(conf['runtimeConfig']).toEqual({ ips: ['10.0.0.5/24'] });
    expect(conf).not.toHaveProperty('prevResult');
    expect(pluginStdin(list, list.plugins[1]!, rt)['runtimeConfig']).toEqual({
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    });
  });

  it('leaves runtimeConfig out when nothing applies, and passes prevResult', () => {
    const prev = { cniVersion: '1.0.0', ips: [{ address: '10.0.0.5/24', interface: 2 }] };
    const conf = pluginStdin(list, list.plugins[2]!, rt, prev);
    expect(conf).not.toHaveProperty('runtimeConfig');
    expect(conf['prevResult']).toBe(prev);
    expect(pluginStdin(list, list.plugins[1]!, { ...rt, capabilityArgs: {} })).not.toHaveProperty(
      'runtimeConfig',
    );
  });
});

describe('pluginEnv', () => {
  it('sets the CNI_* variables, replacing inherited ones, and keeps PATH', () => {
    const env = pluginEnv('DEL', rt, ['/usr/lib/cni', '/opt/cni/bin'], { PATH: '/bin', CNI_IFNAME: 'stale' });
    expect(env).toEqual({
      PATH: '/bin',
      CNI_COMMAND: 'DEL',
      CNI_CONTAINERID: 'default--c1',
      CNI_NETNS: '/run/netns/c1',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'IgnoreUnknown=1;K=V',
      CNI_PATH: '/usr/lib/cni:/opt/cni/bin',
    });
  });
});

describe('validateList', () => {
  it('accepts 0.4.0 and 1.0.0 lists and refuses others, empty lists and path-like types', () => {
    expect(() => validateList(list)).not.toThrow();
    expect(() => validateList({ ...list, cniVersion: '0.4.0' })).not.toThrow();
    for (const bad of [
      { ...list, cniVersion: '0.3.1' },
      { ...list, plugins: [] },
      { ...list, name: '' },
      { ...list, plugins: [{ type: '../bin/sh' }] },
    ])
      expect(isInvalidArgument(catchErr(() => validateList(bad)))).toBe(true);
  });
});
