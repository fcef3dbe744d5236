import { describe, expect, it } from 'vitest';
import {
  decodeHeader,
  decodeMessage,
  DnsFormatError,
  encodeMessage,
  encodeName,
  foldName,
  header,
  readName,
  RRClass,
  RRType,
} from './message.js';
import type { Message } from './message.js';
import { formatIp, ipBytes, isLoopback, reverseName } from './ip.js';
import { dnsQuery } from '../testing.js';

const query = (name: string, type = RRType.A, id = 0x1234): Buffer => dnsQuery(name, type, id);

/** Builds raw bytes: numbers are bytes, strings are length-prefixed labels. */
const raw = (...parts: Array<number | string>) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Buffer.from([p.length, ...Buffer.from(p)]))),
  );
const hdr = (qd: number, an = 0, ns = 0, ar = 0) =>
  Buffer.from([0xab, 0xcd, 0x01, 0x00, 0, qd, 0, an, 0, ns, 0, ar]);

describe('DNS message codec', () => {
  it('round-trips a query with every header flag', () => {
    const msg: Message = {
      header: header({
        id: 0xbeef,
        qr: true,
        opcode: 2,
        aa: true,
        tc: true,
        rd: true,
        ra: true,
        ad: true,
        cd: true,
        rcode: 3,
      }),
      questions: [{ name: 'Web.Example', type: RRType.AAAA, class: RRClass.IN }],
      answers: [],
      authorities: [],
      additionals: [],
    };
    const buf = encodeMessage(msg);
    expect(buf.subarray(0, 4)).toEqual(
      Buffer.from([0xbe, 0xef, 0x80 | (2 << 3) | 0x07, 0x80 | 0x20 | 0x10 | 3]),
    );
    expect(decodeMessage(buf)).toEqual(msg);
  });

  it('compresses repeated owner names (case-insensitively) and expands them when decoding', () => {
    const msg: Message = {
      header: header({ id: 1, qr: true }),
      questions: [{ name: 'WEB.net', type: RRType.A, class: RRClass.IN }],
      answers: [
        { name: 'web.net', type: RRType.A, class: RRClass.IN, ttl: 600, data: Buffer.from([10, 0, 0, 1]) },
        { name: 'x.web.net', type: RRType.A, class: RRClass.IN, ttl: 600, data: Buffer.from([10, 0, 0, 2]) },
      ],
      authorities: [],
      additionals: [],
    };
    const buf = encodeMessage(msg);
    // question: 12 + (1+3+1+3+1) + 4 = 25; answer 1 owner is a pointer to offset 12.
    expect(buf.subarray(25, 27)).toEqual(Buffer.from([0xc0, 12]));
    // answer 2 owner: label "x" then a pointer to offset 12.
    expect(buf.subarray(41, 45)).toEqual(Buffer.from([1, 0x78, 0xc0, 12]));
    const back = decodeMessage(buf);
    // The pointer carries the first spelling, as on the wire.
    expect(back.answers.map((a) => a.name)).toEqual(['WEB.net', 'x.WEB.net']);
    expect(back.answers[1]?.ttl).toBe(600);
  });

  it('expands compressed names inside PTR rdata', () => {
    const buf = Buffer.concat([
      hdr(1, 1),
      raw('2', '0', '18', '172', 'in-addr', 'arpa', 0, 0, 12, 0, 1),
      raw(0xc0, 12, 0, 12, 0, 1, 0, 0, 2, 0x58, 0, 6, 'web', 0xc0, 12 + 2 + 2), // → "18.172.in-addr.arpa"
    ]);
    const msg = decodeMessage(buf);
    expect(msg.answers[0]?.data).toEqual(encodeName('web.18.172.in-addr.arpa'));
    expect(readName(msg.answers[0]!.data, 0).name).toBe('web.18.172.in-addr.arpa');
  });

  it('ignores bytes after the last section', () => {
    expect(decodeMessage(Buffer.concat([query('a'), Buffer.from([1, 2, 3])])).questions[0]?.name).toBe('a');
  });

  it('keeps dots and backslashes inside labels distinct from separators', () => {
    const buf = Buffer.concat([hdr(1), raw('a.b', 'c\\d', 0, 0, 1, 0, 1)]);
    const name = decodeMessage(buf).questions[0]!.name;
    expect(name).toBe('a\\.b.c\\\\d');
    expect(encodeName(name)).toEqual(raw('a.b', 'c\\d', 0));
    expect(foldName(name)).not.toBe(foldName('a.b.c\\\\d'));
  });

  it('folds names: ASCII case and the trailing dot', () => {
    expect(foldName('Web.EXAMPLE.')).toBe('web.example');
    expect(foldName('')).toBe('');
    expect(foldName('.')).toBe('');
    expect(encodeName('web.')).toEqual(encodeName('web'));
    expect(encodeName('')).toEqual(Buffer.from([0]));
  });

  it('refuses names it cannot encode', () => {
    expect(() => encodeName('a..b')).toThrow(DnsFormatError);
    expect(() => encodeName('.a')).toThrow(DnsFormatError);
    expect(() => encodeName('x'.repeat(64))).toThrow(/bad label length/);
    expect(() => encodeName(Array(64).fill('abc').join('.'))).toThrow(/longer than 255/);
    expect(encodeName('x'.repeat(63)).length).toBe(65);
  });

  it('decodes headers only when there are 12 bytes', () => {
    expect(decodeHeader(Buffer.alloc(11))).toBeUndefined();
    expect(decodeHeader(query('a', RRType.A, 7))).toMatchObject({ id: 7, rd: true, qr: false });
  });

  describe('malformed input', () => {
    const bad: Array<[string, Buffer, RegExp]> = [
      ['empty', Buffer.alloc(0), /shorter than a header/],
      ['short header', Buffer.alloc(11), /shorter than a header/],
      ['question count without a question', hdr(1), /truncated name/],
      ['label past the end', Buffer.concat([hdr(1), Buffer.from([5, 0x61, 0x62])]), /runs past the message/],
      ['missing type and class', Buffer.concat([hdr(1), raw('a', 0, 0)]), /truncated message/],
      [
        'reserved label type 0x40',
        Buffer.concat([hdr(1), raw(0x41, 0, 0, 1, 0, 1)]),
        /unsupported label type/,
      ],
      [
        'reserved label type 0x80',
        Buffer.concat([hdr(1), raw(0x81, 0, 0, 1, 0, 1)]),
        /unsupported label type/,
      ],
      ['pointer to itself', Buffer.concat([hdr(1), raw(0xc0, 12, 0, 1, 0, 1)]), /does not point backwards/],
      ['pointer forwards', Buffer.concat([hdr(1), raw(0xc0, 14, 0, 0, 1, 0, 1)]), /does not point backwards/],
      [
        'two-pointer loop',
        // record 1's rdata (offset 23) points at record 2 (offset 25), whose owner points back at 23.
        Buffer.concat([
          hdr(0, 2),
          raw(0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 2, 0xc0, 25),
          raw(0xc0, 23, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0),
        ]),
        /does not point backwards/,
      ],
      ['pointer cut in half', Buffer.concat([hdr(1), raw(0xc0)]), /truncated compression pointer/],
      ['rdata past the end', Buffer.concat([hdr(0, 1), raw(0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 9, 1, 2)]), /rdata/],
      [
        'PTR rdata with junk after the name',
        Buffer.concat([hdr(0, 1), raw(0, 0, 12, 0, 1, 0, 0, 0, 0, 0, 4, 'a', 0, 9)]),
        /not one name/,
      ],
      [
        'name over 255 bytes',
        Buffer.concat([hdr(1), ...Array(5).fill(raw('x'.repeat(63))), raw(0, 0, 1, 0, 1)]),
        /longer than 255/,
      ],
      ['huge counts', Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /truncated/],
    ];
    it.each(bad)('%s → DnsFormatError', (_what, buf, message) => {
      expect(() => decodeMessage(buf)).toThrow(DnsFormatError);
      expect(() => decodeMessage(buf)).toThrow(message);
    });

    it('never throws anything but DnsFormatError on random or mutated input', () => {
      let seed = 42;
      const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 0) / 0x80000000;
      const valid = query('www.example.com');
      for (let i = 0; i < 5000; i++) {
        const buf =
          i % 2 === 0
            ? Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)))
            : Buffer.from(valid.map((b) => (rand() < 0.1 ? Math.floor(rand() * 256) : b)));
        try {
          decodeMessage(buf);
        } catch (err) {
          expect(err).toBeInstanceOf(DnsFormatError);
        }
      }
    });
  });
});

describe('IP helpers', () => {
  it('turns addresses into bytes and back', () => {
    expect(ipBytes('172.18.0.2')).toEqual(Buffer.from([172, 18, 0, 2]));
    expect(ipBytes('::ffff:1.2.3.4')).toEqual(
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]),
    );
    expect(ipBytes('fe80::1%eth0')?.[15]).toBe(1);
    expect(ipBytes('nope')).toBeUndefined();
    for (const ip of [
      '::',
      '::1',
      '1::',
      '2001:db8::1',
      '2001:db8:0:1:0:0:0:1',
      'fd00:1:2:3:4:5:6:7',
      '1:0:0:2::3',
      '1:0:0:2:0:0:3:4',
    ])
      expect(formatIp(ipBytes(ip)!)).toBe(
        { '2001:db8:0:1:0:0:0:1': '2001:db8:0:1::1', '1:0:0:2:0:0:3:4': '1::2:0:0:3:4' }[ip] ?? ip,
      );
  });

  it('recognises loopback addresses', () => {
    for (const ip of ['127.0.0.1', '127.0.0.53', '127.255.255.254', '::1', '0:0::1', '::ffff:127.0.0.1'])
      expect(isLoopback(ip)).toBe(true);
    for (const ip of ['10.0.0.1', '128.0.0.1', '::', '::2', 'fe80::1', 'x'])
      expect(isLoopback(ip)).toBe(false);
  });

  it('builds reverse names', () => {
    expect(reverseName('172.18.0.2')).toBe('2.0.18.172.in-addr.arpa');
    expect(reverseName('2001:db8::1')).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
    expect(reverseName('x')).toBeUndefined();
  });
});
