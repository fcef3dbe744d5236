/**
 * IPv4 address and CIDR arithmetic for IPAM decisions: parsing, overlap,
 * the gateway and range of a subnet, and picking a free subnet from a pool.
 */
import { invalidArgument } from '@berth/errdefs';

export interface Cidr {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  base: number;
  prefix: number;
}

/** Parses a dotted quad; throws InvalidArgument. */
export function parseIp(s: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m || m.slice(1).some((p) => Number(p) > 255))
    throw invalidArgument(`invalid IPv4 address ${JSON.stringify(s)}`);
  return m.slice(1).reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const maskOf = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** Parses `a.b.c.d/n` (host bits must be zero unless `loose`); a bare address is a /32. */
export function parseCidr(s: string, loose = false): Cidr {
  const [addr, len, extra] = s.trim().split('/');
  const prefix = len === undefined ? 32 : Number(len);
  if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32 || len === '')
    throw invalidArgument(`invalid IPv4 CIDR ${JSON.stringify(s)}`);
  const ip = parseIp(addr ?? '');
  const base = (ip & maskOf(prefix)) >>> 0;
  if (!loose && base !== ip)
    throw invalidArgument(`invalid IPv4 CIDR ${JSON.stringify(s)}: host bits are set`);
  return { base, prefix };
}

export const formatCidr = (c: Cidr): string => `${formatIp(c.base)}/${c.prefix}`;

/** Number of addresses in the block. */
export const sizeOf = (c: Cidr): number => 2 ** (32 - c.prefix);

/** Last address of the block (the broadcast address for prefixes under 31). */
export const lastOf = (c: Cidr): number => c.base + sizeOf(c) - 1;

export const contains = (c: Cidr, ip: number): boolean => ip >= c.base && ip <= lastOf(c);

export const overlaps = (a: Cidr, b: Cidr): boolean => a.base <= lastOf(b) && b.base <= lastOf(a);

/** The conventional gateway: the first host address. */
export function defaultGateway(c: Cidr): number {
  if (c.prefix > 30) throw invalidArgument(`subnet ${formatCidr(c)} is too small for a bridge network`);
  return c.base + 1;
}

/**
 * Returns the first block of `/prefix` inside `pool` that overlaps none of `used`, or
 * undefined when the pool has none left.
 */
export function pickSubnet(pool: Cidr, prefix: number, used: readonly Cidr[]): Cidr | undefined {
  if (prefix < pool.prefix) throw invalidArgument(`subnet size /${prefix} is larger than the pool`);
  const step = 2 ** (32 - prefix);
  for (let base = pool.base; base + step - 1 <= lastOf(pool); base += step) {
    const c = { base, prefix };
    if (!used.some((u) => overlaps(u, c))) return c;
  }
  return undefined;
}

/** IPAM settings after validation: subnet, gateway and the allocation range (host-local's rangeStart/End). */
export interface Ipam {
  subnet: string;
  gateway: string;
  /** Empty when the whole subnet is used. */
  ipRange: string;
  rangeStart?: string;
  rangeEnd?: string;
}

/** Validates a requested IPAM block (docker's --subnet/--gateway/--ip-range) and fills in the gateway. */
export function resolveIpam(req: { subnet: string; gateway?: string; ipRange?: string }): Ipam {
  const subnet = parseCidr(req.subnet);
  const gw = req.gateway ? parseIp(req.gateway) : defaultGateway(subnet);
  if (!contains(subnet, gw) || gw === subnet.base || gw === lastOf(subnet))
    throw invalidArgument(`gateway ${formatIp(gw)} is not a host address of subnet ${formatCidr(subnet)}`);
  const out: Ipam = { subnet: formatCidr(subnet), gateway: formatIp(gw), ipRange: '' };
  if (req.ipRange) {
    const r = parseCidr(req.ipRange);
    if (!contains(subnet, r.base) || !contains(subnet, lastOf(r)))
      throw invalidArgument(`ip range ${formatCidr(r)} is not inside subnet ${formatCidr(subnet)}`);
    out.ipRange = formatCidr(r);
    // Keep the network and broadcast addresses of the subnet out of the range.
    out.rangeStart = formatIp(Math.max(r.base, subnet.base + 1));
    out.rangeEnd = formatIp(Math.min(lastOf(r), lastOf(subnet) - 1));
  }
  return out;
}

/** `a.b.c.d/n` → the address part. */
export const addressOf = (cidr: string): string => cidr.split('/')[0] ?? '';

/** `a.b.c.d/n` → n. */
export const prefixOf = (cidr: string): number => Number(cidr.split('/')[1] ?? 32);
