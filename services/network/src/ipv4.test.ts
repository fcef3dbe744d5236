import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { formatCidr, overlaps, parseCidr, parseIp, pickSubnet, resolveIpam, formatIp } from './ipv4.js';
import { thrown } from './testing.js';

describe('ipv4', () => {
  it('parses and formats addresses and blocks', () => {
    expect(formatIp(parseIp('172.31.4.255'))).toBe('172.31.4.255');
    expect(formatCidr(parseCidr('10.0.0.0/8'))).toBe('10.0.0.0/8');
    expect(formatCidr(parseCidr('10.1.2.3/16', true))).toBe('10.1.0.0/16');
    expect(formatCidr(parseCidr('10.1.2.3'))).toBe('10.1.2.3/32');
    for (const bad of ['10.1.2.3/16', '300.1.1.1/8', '10.0.0.0/33', '10.0.0/8', '10.0.0.0/', 'x'])
      expect(isInvalidArgument(thrown(() => parseCidr(bad)))).toBe(true);
  });

  it('tells overlapping blocks apart', () => {
    expect(overlaps(parseCidr('10.0.0.0/16'), parseCidr('10.0.255.0/24'))).toBe(true);
    expect(overlaps(parseCidr('10.0.0.0/24'), parseCidr('10.0.1.0/24'))).toBe(false);
  });

  it('picks the first free /24 of a pool, skipping used blocks and host routes', () => {
    const pool = parseCidr('172.31.0.0/16');
    const used = [parseCidr('172.31.0.0/24'), parseCidr('172.31.1.128/25'), parseCidr('172.31.2.7/32')];
    expect(formatCidr(pickSubnet(pool, 24, used)!)).toBe('172.31.3.0/24');
    expect(pickSubnet(parseCidr('172.31.0.0/23'), 24, [parseCidr('172.31.0.0/23')])).toBeUndefined();
    expect(pickSubnet(pool, 24, [parseCidr('0.0.0.0/0')])).toBeUndefined();
  });

  it('resolves IPAM: default gateway, checks, and the allocation range inside the subnet', () => {
    expect(resolveIpam({ subnet: '10.5.0.0/24' })).toEqual({
      subnet: '10.5.0.0/24',
      gateway: '10.5.0.1',
      ipRange: '',
    });
    expect(resolveIpam({ subnet: '10.5.0.0/24', gateway: '10.5.0.254', ipRange: '10.5.0.128/25' })).toEqual({
      subnet: '10.5.0.0/24',
      gateway: '10.5.0.254',
      ipRange: '10.5.0.128/25',
      rangeStart: '10.5.0.128',
      rangeEnd: '10.5.0.254',
    });
    expect(resolveIpam({ subnet: '10.5.0.0/16', ipRange: '10.5.0.0/24' }).rangeStart).toBe('10.5.0.1');
    for (const bad of [
      { subnet: '10.5.0.0/24', gateway: '10.6.0.1' },
      { subnet: '10.5.0.0/24', gateway: '10.5.0.255' },
      { subnet: '10.5.0.0/24', ipRange: '10.5.1.0/25' },
      { subnet: '10.5.0.0/31' },
    ])
      expect(isInvalidArgument(thrown(() => resolveIpam(bad)))).toBe(true);
  });
});
