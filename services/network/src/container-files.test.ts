import { describe, expect, it } from 'vitest';
import { containerFiles } from './container-files.js';
import type { AttachmentRecord } from './records.js';

const host = {
  resolvConf: 'nameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch example.test\noptions edns0\n',
  hosts: '127.0.0.1 localhost\n192.0.2.2 myhost\n',
  hostname: 'myhost',
};
const options = {
  hostname: '',
  domainname: '',
  dns: [],
  dnsSearch: [],
  dnsOptions: [],
  extraHosts: [],
  links: [],
};
const base: Pick<AttachmentRecord, 'containerId' | 'mode' | 'endpoints' | 'options'> = {
  containerId: '0123456789abcdef',
  mode: 'web',
  endpoints: [
    {
      networkId: 'n',
      network: 'web',
      ifName: 'eth0',
      aliases: [],
      requestedIp: '',
      conflist: { cniVersion: '1.0.0', name: 'x', plugins: [{ type: 'bridge' }] },
      rt: { containerId: 'c', netns: '/n', ifName: 'eth0' },
      started: 2,
      ip: '10.9.0.2',
      gateway: '10.9.0.1',
    },
  ],
  options,
};

describe('containerFiles', () => {
  it('points a user-network container at the network DNS, with its address in hosts', () => {
    const f = containerFiles(base, host, { links: [], gateways: ['10.9.0.1'] });
    expect(f.resolvConf).toBe('nameserver 10.9.0.1\nsearch example.test\noptions edns0\n');
    expect(f.hosts).toContain('10.9.0.2\t0123456789ab\n');
    expect(f.hostname).toBe('0123456789ab\n');
  });

  it('gives the default bridge the host resolvers without loopback ones, or --dns', () => {
    const f = containerFiles(base, host, {
      links: [{ alias: 'db', name: 'pg', ip: '10.9.0.3' }],
      gateways: [],
    });
    expect(f.resolvConf).toBe('nameserver 192.0.2.1\nsearch example.test\noptions edns0\n');
    expect(f.hosts).toContain('10.9.0.3\tdb pg\n');
    const custom = containerFiles(
      {
        ...base,
        options: { ...options, dns: ['9.9.9.9'], dnsSearch: ['a.test'], hostname: 'h', domainname: 'd.test' },
      },
      host,
      { links: [], gateways: [] },
    );
    expect(custom.resolvConf).toBe('nameserver 9.9.9.9\nsearch a.test\noptions edns0\n');
    expect(custom.hosts).toContain('10.9.0.2\th.d.test h\n');
  });

  it("uses the host's files in host mode, with --add-host appended", () => {
    const f = containerFiles(
      { ...base, mode: 'host', endpoints: [], options: { ...options, extraHosts: ['x.test:192.0.2.9'] } },
      host,
      {
        links: [],
        gateways: [],
      },
    );
    expect(f.resolvConf).toBe(host.resolvConf);
    expect(f.hosts).toBe(`${host.hosts}192.0.2.9\tx.test\n`);
    expect(f.hostname).toBe('myhost\n');
  });
});
