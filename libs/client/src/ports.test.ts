import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import {
  displayablePorts,
  displayPortsOf,
  imageExposedPorts,
  parseExpose,
  parsePublish,
  portLines,
  portPlan,
  type DisplayPort,
} from './ports.js';

const tcp = (hostIp: string, hostPort: number, containerPort: number) => ({
  hostIp,
  hostPort,
  containerPort,
  protocol: 'tcp' as const,
});

describe('parsePublish', () => {
  it('reads every docker form', () => {
    expect(parsePublish('8080:80')).toEqual([tcp('', 8080, 80)]);
    expect(parsePublish('127.0.0.1:8080:80')).toEqual([tcp('127.0.0.1', 8080, 80)]);
    expect(parsePublish('127.0.0.1::80')).toEqual([tcp('127.0.0.1', 0, 80)]);
    expect(parsePublish('80')).toEqual([tcp('', 0, 80)]);
    expect(parsePublish('0.0.0.0:8080:80')).toEqual([tcp('', 8080, 80)]);
    expect(parsePublish('8080:80/udp')).toEqual([
      { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'udp' },
    ]);
    expect(parsePublish('53/UDP')).toEqual([{ hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' }]);
    expect(parsePublish('[::1]:8080:80')).toEqual([tcp('::1', 8080, 80)]);
    expect(parsePublish('::1:8080:80')).toEqual([tcp('::1', 8080, 80)]);
  });

  it('expands ranges port by port', () => {
    expect(parsePublish('8000-8001:80-81')).toEqual([tcp('', 8000, 80), tcp('', 8001, 81)]);
    expect(parsePublish('80-82')).toEqual([tcp('', 0, 80), tcp('', 0, 81), tcp('', 0, 82)]);
    expect(parsePublish('127.0.0.1::80-81/sctp').map((p) => p.protocol)).toEqual(['sctp', 'sctp']);
  });

  it("refuses bad specs with docker's messages", () => {
    const msg = (s: string) => {
      try {
        parsePublish(s);
      } catch (err) {
        expect(kindOf(err)).toBe('InvalidArgument');
        return (err as Error).message;
      }
      throw new Error(`${s} was accepted`);
    };
    expect(msg('abc')).toBe('invalid containerPort: abc');
    expect(msg('8080:0')).toBe('invalid containerPort: 0');
    expect(msg('70000:80')).toBe('invalid hostPort: 70000');
    expect(msg('x:80')).toBe('invalid hostPort: x');
    expect(msg('8080:80/icmp')).toBe('invalid proto: icmp');
    expect(msg('1.2.3:8080:80')).toBe('invalid IP address: 1.2.3');
    expect(msg('8080:')).toBe('no port specified: 8080:<empty>');
    expect(msg('8000-8002:80-81')).toBe(
      'invalid ranges specified for container and host Ports: 80-81 and 8000-8002',
    );
    expect(msg('8000-8010:80')).toMatch(/not supported/);
    expect(msg('82-80')).toBe('invalid containerPort: 82-80');
  });
});

describe('exposed ports and -P', () => {
  it('reads --expose and image ExposedPorts', () => {
    expect(parseExpose('53/udp')).toEqual([{ port: 53, protocol: 'udp' }]);
    expect(parseExpose('8000-8001').map((e) => e.port)).toEqual([8000, 8001]);
    expect(() => parseExpose('x')).toThrow(/invalid range format for --expose: x/);
    expect(imageExposedPorts({ '80/tcp': {}, '53/udp': {}, bogus: {} })).toEqual([
      { port: 80, protocol: 'tcp' },
      { port: 53, protocol: 'udp' },
    ]);
    expect(imageExposedPorts(null)).toEqual([]);
  });

  it('-P publishes every exposed port not published yet, on a port the engine picks', () => {
    const plan = portPlan({
      publish: [tcp('', 8080, 80)],
      publishAll: true,
      exposed: [
        { port: 80, protocol: 'tcp' },
        { port: 443, protocol: 'tcp' },
        { port: 53, protocol: 'udp' },
      ],
    });
    expect(plan.publish).toEqual([
      tcp('', 8080, 80),
      tcp('', 0, 443),
      { hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' },
    ]);
    expect(plan.exposed.map((e) => `${e.port}/${e.protocol}`)).toEqual(['80/tcp', '443/tcp', '53/udp']);
  });

  it('without -P only the -p ports are published, and they count as exposed', () => {
    const plan = portPlan({ publish: [tcp('', 9000, 90)], publishAll: false, exposed: [] });
    expect(plan.publish).toEqual([tcp('', 9000, 90)]);
    expect(plan.exposed).toEqual([{ port: 90, protocol: 'tcp' }]);
  });
});

describe('displayablePorts (ps PORTS)', () => {
  const p = (ip: string, publicPort: number, privatePort: number, type = 'tcp'): DisplayPort => ({
    ip,
    publicPort,
    privatePort,
    type,
  });

  it("formats mappings as docker's ps", () => {
    expect(displayablePorts([p('0.0.0.0', 8080, 80), p('127.0.0.1', 49153, 53, 'udp')])).toBe(
      '127.0.0.1:49153->53/udp, 0.0.0.0:8080->80/tcp',
    );
    expect(displayablePorts([p('', 0, 80)])).toBe('80/tcp');
    expect(displayablePorts([])).toBe('');
  });

  it('groups consecutive ports mapped to themselves, and exposed-only ports', () => {
    expect(
      displayablePorts([p('0.0.0.0', 8001, 8001), p('0.0.0.0', 8000, 8000), p('', 0, 90), p('', 0, 91)]),
    ).toBe('90-91/tcp, 0.0.0.0:8000-8001->8000-8001/tcp');
    expect(displayablePorts([p('0.0.0.0', 8000, 80), p('0.0.0.0', 8001, 81)])).toBe(
      '0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/tcp',
    );
    expect(displayablePorts([p('', 0, 80), p('', 0, 82)])).toBe('80/tcp, 82/tcp');
    expect(displayablePorts([p('::1', 8080, 80)])).toBe('[::1]:8080->80/tcp');
  });

  it('lists published ports with the exposed-only ones', () => {
    const ports = displayPortsOf(
      [tcp('', 8080, 80)],
      [
        { port: 80, protocol: 'tcp' },
        { port: 443, protocol: 'tcp' },
      ],
    );
    expect(displayablePorts(ports)).toBe('443/tcp, 0.0.0.0:8080->80/tcp');
  });
});

describe('portLines (berth port)', () => {
  const published = [
    tcp('', 8080, 80),
    { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
    tcp('127.0.0.1', 8081, 80),
  ];

  it('lists every mapping, sorted', () => {
    expect(portLines(published)).toEqual([
      '53/udp -> 127.0.0.1:5353',
      '80/tcp -> 0.0.0.0:8080',
      '80/tcp -> 127.0.0.1:8081',
    ]);
  });

  it('answers one private port (tcp by default)', () => {
    expect(portLines(published, '80')).toEqual(['0.0.0.0:8080', '127.0.0.1:8081']);
    expect(portLines(published, '53/udp')).toEqual(['127.0.0.1:5353']);
    expect(portLines(published, '53')).toEqual([]);
    expect(() => portLines(published, 'x')).toThrow(/invalid port "x"/);
  });
});
