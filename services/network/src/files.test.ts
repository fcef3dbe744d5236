import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { hostnameFile, hostResolvers, hostsFile, resolvConf } from './files.js';

const header = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

const invalid = (fn: () => unknown, message: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isInvalidArgument(caught)).toBe(true);
  expect((caught as Error).message).toMatch(message);
};

describe('hostsFile', () => {
  const base = { hostname: 'c0ffee', ips: [] as string[], extraHosts: [] as string[], links: [] };

  it('writes only the loopback and IPv6 names without addresses (host/none modes)', () => {
    expect(hostsFile(base)).toBe(header.join('\n') + '\n');
  });

  it('ends with the container’s own addresses, with the domain name when there is one', () => {
    expect(
      hostsFile({ ...base, ips: ['172.18.0.2', 'fd00::2'] })
        .split('\n')
        .slice(6),
    ).toEqual(['172.18.0.2\tc0ffee', 'fd00::2\tc0ffee', '']);
    expect(hostsFile({ ...base, domainname: 'example.org', ips: ['10.0.0.5'] }).split('\n')[6]).toBe(
      '10.0.0.5\tc0ffee.example.org c0ffee',
    );
  });

  it('puts --add-host entries, then links, before the own addresses', () => {
    const text = hostsFile({
      ...base,
      ips: ['172.18.0.2'],
      extraHosts: ['db:10.1.1.1', 'v6:::1', 'eq=192.168.0.9', 'br:[2001:db8::1]'],
      links: [
        { alias: 'cache', name: 'redis1', ip: '172.18.0.3' },
        { alias: 'same', name: 'same', ip: '172.18.0.4' },
      ],
    });
    expect(text.split('\n').slice(6)).toEqual([
      '10.1.1.1\tdb',
      '::1\tv6',
      '192.168.0.9\teq',
      '2001:db8::1\tbr',
      '172.18.0.3\tcache redis1',
      '172.18.0.4\tsame',
      '172.18.0.2\tc0ffee',
      '',
    ]);
  });

  it('refuses bad --add-host values', () => {
    invalid(() => hostsFile({ ...base, extraHosts: ['nocolon'] }), /expected host:ip/);
    invalid(() => hostsFile({ ...base, extraHosts: [':1.2.3.4'] }), /bad host name ""/);
    invalid(() => hostsFile({ ...base, extraHosts: ['bad host:1.2.3.4'] }), /bad host name/);
    invalid(() => hostsFile({ ...base, extraHosts: ['h:1.2.3'] }), /"1.2.3" is not an IP address/);
    invalid(() => hostsFile({ ...base, extraHosts: ['h:'] }), /is not an IP address/);
    invalid(() => hostsFile({ ...base, extraHosts: ['h:host-gateway'] }), /host-gateway is not supported/);
  });

  it('refuses bad hostnames, domain names, links and own addresses', () => {
    invalid(() => hostsFile({ ...base, hostname: '' }), /invalid hostname ""/);
    invalid(() => hostsFile({ ...base, hostname: 'a b' }), /invalid hostname/);
    invalid(() => hostsFile({ ...base, hostname: '-x' }), /invalid hostname/);
    invalid(() => hostsFile({ ...base, domainname: 'a..b' }), /invalid domain name/);
    invalid(() => hostsFile({ ...base, links: [{ alias: 'a\nb', name: 'n', ip: '1.2.3.4' }] }), /link alias/);
    invalid(() => hostsFile({ ...base, links: [{ alias: 'a', name: '', ip: '1.2.3.4' }] }), /link name/);
    invalid(() => hostsFile({ ...base, links: [{ alias: 'a', name: 'n', ip: 'x' }] }), /address of link "a"/);
    invalid(() => hostsFile({ ...base, ips: ['300.1.1.1'] }), /container address/);
  });
});

describe('resolvConf', () => {
  it('writes nameservers, search and options in that order', () => {
    expect(
      resolvConf({
        nameservers: ['10.0.0.1', '2001:4860:4860::8888', '1.1.1.1', '9.9.9.9'],
        search: ['example.org', 'corp.example.'],
        options: ['ndots:2', 'timeout:1', 'edns0'],
      }),
    ).toBe(
      [
        'nameserver 10.0.0.1',
        'nameserver 2001:4860:4860::8888',
        'nameserver 1.1.1.1',
        'nameserver 9.9.9.9',
        'search example.org corp.example.',
        'options ndots:2 timeout:1 edns0',
        '',
      ].join('\n'),
    );
  });

  it('leaves out empty sections, and "." alone means no search domains', () => {
    expect(resolvConf({ nameservers: ['8.8.8.8'], search: [], options: [] })).toBe('nameserver 8.8.8.8\n');
    expect(resolvConf({ nameservers: ['8.8.8.8'], search: ['.'], options: [] })).toBe('nameserver 8.8.8.8\n');
    expect(resolvConf({ nameservers: [], search: [], options: [] })).toBe('');
  });

  it('allows six search domains, not seven', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(resolvConf({ nameservers: [], search: six, options: [] })).toBe(`search ${six.join(' ')}\n`);
    invalid(() => resolvConf({ nameservers: [], search: [...six, 'g'], options: [] }), /at most 6/);
  });

  it('refuses bad nameservers, search domains and options', () => {
    invalid(
      () => resolvConf({ nameservers: ['dns.example'], search: [], options: [] }),
      /invalid nameserver/,
    );
    invalid(() => resolvConf({ nameservers: ['1.2.3.4:53'], search: [], options: [] }), /invalid nameserver/);
    for (const d of ['-a.com', 'a..b', 'a b', '.', 'x_y.com', 'a'.repeat(64)])
      invalid(
        () => resolvConf({ nameservers: [], search: ['ok.com', d], options: [] }),
        /invalid search domain/,
      );
    for (const o of ['', 'nd ots', 'ndots:x', 'x\nnameserver 1.2.3.4'])
      invalid(() => resolvConf({ nameservers: [], search: [], options: [o] }), /invalid resolver option/);
  });
});

describe('hostResolvers', () => {
  it('reads nameservers, search and options, ignoring comments', () => {
    const text = [
      '# Generated by NetworkManager',
      '; another comment',
      'nameserver 192.168.1.1',
      '  nameserver\t2001:db8::53  ',
      'domain old.example',
      'search corp.example example.org',
      'options ndots:3',
      'options rotate edns0',
      'sortlist 130.155.160.0/255.255.240.0',
      '',
    ].join('\n');
    expect(hostResolvers(text)).toEqual({
      nameservers: ['192.168.1.1', '2001:db8::53'],
      search: ['corp.example', 'example.org'],
      options: ['ndots:3', 'rotate', 'edns0'],
    });
  });

  it('lets the last search or domain line win', () => {
    expect(hostResolvers('search a.example b.example\ndomain c.example\n').search).toEqual(['c.example']);
  });

  it('drops loopback nameservers, which a container cannot reach', () => {
    const text = 'nameserver 127.0.0.53\nnameserver ::1\nnameserver 127.1.2.3\nnameserver 10.0.0.2\n';
    expect(hostResolvers(text).nameservers).toEqual(['10.0.0.2']);
  });

  it("falls back to docker's defaults when no nameserver is left", () => {
    expect(hostResolvers('nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n')).toEqual({
      nameservers: ['8.8.8.8', '8.8.4.4'],
      search: ['lan'],
      options: ['edns0', 'trust-ad'],
    });
    expect(hostResolvers('').nameservers).toEqual(['8.8.8.8', '8.8.4.4']);
  });

  it('drops entries resolvConf would refuse, so host files never block a container', () => {
    const text =
      'nameserver bogus\nnameserver 0:0:0:0:0:0:0:1\nsearch ok.example bad_domain a b c d e f\noptions x:y\n';
    const r = hostResolvers(text);
    expect(r).toEqual({
      nameservers: ['8.8.8.8', '8.8.4.4'],
      search: ['ok.example', 'a', 'b', 'c', 'd', 'e'],
      options: [],
    });
    expect(() => resolvConf(r)).not.toThrow();
  });
});

describe('hostnameFile', () => {
  it('is the name and a newline', () => {
    expect(hostnameFile('c0ffee')).toBe('c0ffee\n');
    expect(hostnameFile('web.example')).toBe('web.example\n');
  });

  it('refuses bad or over-long names', () => {
    invalid(() => hostnameFile(''), /invalid hostname/);
    invalid(() => hostnameFile('a/b'), /invalid hostname/);
    invalid(() => hostnameFile('x\n'), /invalid hostname/);
    invalid(() => hostnameFile(`${'a'.repeat(40)}.${'b'.repeat(30)}`), /longer than 64/);
  });
});
