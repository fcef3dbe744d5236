/**
 * IP address helpers shared by the DNS server (A/AAAA rdata, reverse names) and the
 * /etc files (loopback filtering). Validation is node:net's; this only adds byte forms.
 */
import { isIP } from 'node:net';

/** Returns 4 or 16 bytes for a valid IPv4/IPv6 address (an IPv6 zone is ignored), else undefined. */
export function ipBytes(ip: string): Buffer | undefined {
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  if (family === 6) return ipv6Bytes(ip.replace(/%.*$/, ''));
  return undefined;
}

function ipv6Bytes(ip: string): Buffer {
  const out = Buffer.alloc(16);
  // A trailing dotted quad (::ffff:1.2.3.4) stands for the last two groups.
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (v4?.[1]) {
    tail = v4[1].split('.').map(Number);
    ip = ip.slice(0, -v4[1].length) + '0:0';
  }
  const [head = '', rest] = ip.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/** Formats 4 or 16 bytes as an address (IPv6 in its canonical compressed form). */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // RFC 5952: compress the longest run (>1) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Reports whether `ip` is a loopback address (127.0.0.0/8, ::1, or ::ffff:127.x.y.z). */
export function isLoopback(ip: string): boolean {
  const b = ipBytes(ip);
  if (!b) return false;
  if (b.length === 4) return b[0] === 127;
  if (b.subarray(0, 15).every((x) => x === 0) && b[15] === 1) return true;
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped && b[12] === 127;
}

/** The reverse-lookup name of `ip`: d.c.b.a.in-addr.arpa or the nibble form under ip6.arpa. */
export function reverseName(ip: string): string | undefined {
  const b = ipBytes(ip);
  if (!b) return undefined;
  if (b.length === 4) return `${Array.from(b).reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const x of b) nibbles.push((x >> 4).toString(16), (x & 15).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}
