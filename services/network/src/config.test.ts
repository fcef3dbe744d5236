import { describe, expect, it } from 'vitest';
import { loadConfig } from '@berth/config';
import { isInvalidArgument } from '@berth/errdefs';
import { defaults, parseConfig, paths } from './config.js';

const load = (env: Record<string, string>) =>
  parseConfig(loadConfig({ defaults: defaults as never, section: 'network', env }));

describe('network config', () => {
  it('has docker-like defaults and derives its paths from state', () => {
    const c = load({ BERTH_STATE: '/run/x' });
    expect([c.defaultBridge, c.defaultSubnet, c.subnetPool, c.subnetSize]).toEqual([
      'berth0',
      '172.30.0.0/16',
      '172.31.0.0/16',
      24,
    ]);
    expect([c.portRangeStart, c.portRangeEnd]).toEqual([49153, 60999]);
    expect(c.runtimeSocket).toBe('/run/x/runtime.sock');
    expect(paths(c)).toEqual({
      socket: '/run/x/network.sock',
      netns: '/run/x/network/netns',
      ipam: '/run/x/network/ipam',
      containers: '/run/x/network/containers',
    });
  });

  it('reads BERTH_NETWORK_* overrides', () => {
    const c = load({
      BERTH_NETWORK_DEFAULT_BRIDGE: 'bt9',
      BERTH_NETWORK_DEFAULT_SUBNET: '10.9.0.0/16',
      BERTH_NETWORK_SUBNET_POOL: '10.10.0.0/16',
      BERTH_NETWORK_CNI_PATH: '/a,/b',
    });
    expect([c.defaultBridge, c.defaultSubnet, c.subnetPool, c.cniPath]).toEqual([
      'bt9',
      '10.9.0.0/16',
      '10.10.0.0/16',
      ['/a', '/b'],
    ]);
  });

  it('refuses bad values', () => {
    for (const env of [
      { BERTH_NETWORK_DEFAULT_BRIDGE: 'a-name-far-too-long' },
      { BERTH_NETWORK_DEFAULT_SUBNET: '10.0.0.1/8' },
      { BERTH_NETWORK_SUBNET_SIZE: '8' },
      { BERTH_NETWORK_PORT_RANGE_END: '70000' },
    ]) {
      let err: unknown;
      try {
        load(env);
      } catch (e) {
        err = e;
      }
      expect(isInvalidArgument(err)).toBe(true);
    }
  });
});
