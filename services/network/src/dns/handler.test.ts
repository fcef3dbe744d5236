import { describe, expect, it, vi } from 'vitest';
import { EDNS_SIZE, respond } from './handler.js';
import type { QueryContext } from './handler.js';
import { formatIp } from './ip.js';
import { decodeMessage, encodeMessage, header, Rcode, readName, RRClass, RRType } from './message.js';
import type { Message, ResourceRecord } from './message.js';
import { RECORD_TTL, Zone } from './zone.js';

const query = (name: string, type = RRType.A, extra: Partial<Message> = {}): Buffer =>
  encodeMessage({
    header: header({ id: 0x4242, rd: true }),
    questions: [{ name, type, class: RRClass.IN }],
    answers: [],
    authorities: [],
    additionals: [],
    ...extra,
  });

const optRecord = (size: number): ResourceRecord => ({
  name: '',
  type: RRType.OPT,
  class: size,
  ttl: 0,
  data: Buffer.alloc(0),
});

const zone = new Zone(
  new Map([
    ['web', ['172.18.0.2', '172.18.0.3', '172.18.0.4']],
    ['Db.Local', ['172.18.0.5', 'fd00::5']],
    ['alias', ['172.18.0.5']],
  ]),
);

function ctx(over: Partial<QueryContext> = {}): QueryContext & { forward: ReturnType<typeof vi.fn> } {
  const forward = vi.fn(async (_q: Buffer): Promise<Buffer | undefined> => undefined);
  return { zone, transport: 'udp', forward, ...over } as QueryContext & { forward: typeof forward };
}

async function ask(q: Buffer, c: QueryContext = ctx()) {
  const out = await respond(q, c);
  expect(out).toBeDefined();
  return decodeMessage(out!);
}

const ips = (m: Message) => m.answers.map((a) => formatIp(a.data));

describe('respond: the network’s own names', () => {
  it('answers A with every address, TTL 600, authoritatively, echoing id, question and RD', async () => {
    const m = await ask(query('web'));
    expect(m.header).toMatchObject({
      id: 0x4242,
      qr: true,
      aa: true,
      rd: true,
      ra: true,
      tc: false,
      rcode: Rcode.NOERROR,
    });
    expect(m.questions).toEqual([{ name: 'web', type: RRType.A, class: RRClass.IN }]);
    expect(new Set(ips(m))).toEqual(new Set(['172.18.0.2', '172.18.0.3', '172.18.0.4']));
    expect(m.answers.every((a) => a.ttl === RECORD_TTL && a.type === RRType.A && a.name === 'web')).toBe(
      true,
    );
    expect(RECORD_TTL).toBe(600);
  });

  it('matches names case-insensitively and with a trailing dot, answering in the asker’s spelling', async () => {
    const m = await ask(query('DB.local.'));
    expect(ips(m)).toEqual(['172.18.0.5']);
    expect(m.answers[0]?.name).toBe('DB.local');
    expect(ips(await ask(query('alias')))).toEqual(['172.18.0.5']);
  });

  it('rotates the addresses from one answer to the next', async () => {
    const z = new Zone(new Map([['rr', ['10.0.0.1', '10.0.0.2', '10.0.0.3']]]));
    const firsts = [];
    for (let i = 0; i < 4; i++) firsts.push(ips(await ask(query('rr'), ctx({ zone: z }))));
    expect(firsts).toEqual([
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      ['10.0.0.2', '10.0.0.3', '10.0.0.1'],
      ['10.0.0.3', '10.0.0.1', '10.0.0.2'],
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    ]);
  });

  it('answers AAAA for an IPv4-only name with NOERROR and no answers, like docker', async () => {
    const c = ctx();
    const m = await ask(query('web', RRType.AAAA), c);
    expect(m.header.rcode).toBe(Rcode.NOERROR);
    expect(m.answers).toEqual([]);
    expect(c.forward).not.toHaveBeenCalled();
    expect(ips(await ask(query('db.local', RRType.AAAA)))).toEqual(['fd00::5']);
  });

  it('answers PTR for the records’ addresses with the first name owning them', async () => {
    const m = await ask(query('5.0.18.172.in-addr.arpa', RRType.PTR));
    expect(m.answers).toHaveLength(1);
    expect(m.answers[0]).toMatchObject({ type: RRType.PTR, ttl: 600, name: '5.0.18.172.in-addr.arpa' });
    expect(readName(m.answers[0]!.data, 0).name).toBe('Db.Local');
    const v6 = `5.0${'.0'.repeat(28)}.d.f.IP6.ARPA`; // fd00::5
    expect(readName((await ask(query(v6, RRType.PTR))).answers[0]!.data, 0).name).toBe('Db.Local');
  });

  it('skips invalid records, reporting them', () => {
    const bad: string[] = [];
    const z = new Zone(
      new Map([
        ['ok', ['10.0.0.1', 'not-an-ip']],
        ['a..b', ['10.0.0.2']],
        ['', ['10.0.0.3']],
      ]),
      (what) => bad.push(what),
    );
    expect(bad).toEqual(['address "not-an-ip" of "ok"', 'name "a..b"', 'the root name']);
    expect(z.answer({ name: 'ok', type: RRType.A, class: RRClass.IN })).toHaveLength(1);
  });
});

describe('respond: forwarding', () => {
  const upstreamAnswer = Buffer.from('upstream bytes, relayed as they are');

  it.each([
    ['an unknown name', query('example.com')],
    ['another type for a known name', query('web', RRType.MX)],
    ['an unknown address', query('9.9.9.9.in-addr.arpa', RRType.PTR)],
    [
      'another class',
      encodeMessage({
        ...decodeMessage(query('web')),
        questions: [{ name: 'web', type: RRType.A, class: 3 }],
      }),
    ],
  ])('forwards %s and relays the answer', async (_what, q) => {
    const c = ctx();
    c.forward.mockResolvedValue(upstreamAnswer);
    expect(await respond(q, c)).toBe(upstreamAnswer);
    expect(c.forward).toHaveBeenCalledWith(q);
  });

  it('forwards everything while the network has no records yet', async () => {
    const c = ctx({ zone: undefined });
    c.forward.mockResolvedValue(upstreamAnswer);
    expect(await respond(query('web'), c)).toBe(upstreamAnswer);
  });

  it('answers SERVFAIL when no upstream answered', async () => {
    const m = await ask(query('example.com'));
    expect(m.header).toMatchObject({ id: 0x4242, qr: true, rcode: Rcode.SERVFAIL, aa: false });
    expect(m.questions[0]?.name).toBe('example.com');
  });
});

describe('respond: bad queries', () => {
  it('stays silent for fewer than 12 bytes and for responses', async () => {
    expect(await respond(Buffer.from([1, 2, 3]), ctx())).toBeUndefined();
    const response = query('web');
    response[2] = (response[2] ?? 0) | 0x80;
    expect(await respond(response, ctx())).toBeUndefined();
  });

  it('answers FORMERR, keeping the id, for a malformed message', async () => {
    const broken = Buffer.concat([query('web').subarray(0, 12), Buffer.from([0xc0, 12])]);
    const m = await ask(broken);
    expect(m.header).toMatchObject({ id: 0x4242, qr: true, rcode: Rcode.FORMERR });
    expect(m.questions).toEqual([]);
  });

  it('answers FORMERR for no question or several', async () => {
    const none = encodeMessage({ ...decodeMessage(query('web')), questions: [] });
    expect((await ask(none)).header.rcode).toBe(Rcode.FORMERR);
    const q = { name: 'web', type: RRType.A, class: RRClass.IN };
    const two = encodeMessage({ ...decodeMessage(query('web')), questions: [q, q] });
    expect((await ask(two)).header.rcode).toBe(Rcode.FORMERR);
  });

  it('answers NOTIMP for opcodes other than QUERY', async () => {
    const m = decodeMessage(query('web'));
    m.header.opcode = 2;
    const r = await ask(encodeMessage(m));
    expect(r.header).toMatchObject({ opcode: 2, rcode: Rcode.NOTIMP });
  });
});

describe('respond: answer size', () => {
  const many = new Zone(new Map([['big', Array.from({ length: 40 }, (_, i) => `10.0.1.${i + 1}`)]]));

  it('sets TC with no answers when a plain UDP answer exceeds 512 bytes', async () => {
    const out = (await respond(query('big'), ctx({ zone: many })))!;
    expect(out.length).toBeLessThanOrEqual(512);
    const m = decodeMessage(out);
    expect(m.header).toMatchObject({ tc: true, rcode: Rcode.NOERROR });
    expect(m.answers).toEqual([]);
  });

  it('sends everything over TCP', async () => {
    const m = await ask(query('big'), ctx({ zone: many, transport: 'tcp' }));
    expect(m.header.tc).toBe(false);
    expect(m.answers).toHaveLength(40);
  });

  it('uses the EDNS size a client offers (capped) and returns an OPT record', async () => {
    const m = await ask(query('big', RRType.A, { additionals: [optRecord(4096)] }), ctx({ zone: many }));
    expect(m.header.tc).toBe(false);
    expect(m.answers).toHaveLength(40);
    expect(m.additionals).toEqual([optRecord(EDNS_SIZE)]);
    const huge = new Zone(new Map([['big', Array.from({ length: 100 }, (_, i) => `10.0.1.${i + 1}`)]]));
    const t = await ask(query('big', RRType.A, { additionals: [optRecord(4096)] }), ctx({ zone: huge }));
    expect(t.header.tc).toBe(true);
  });
});

describe('respond: robustness', () => {
  it('never rejects on random or mutated input', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 0) / 0x80000000;
    const valid = query('web', RRType.A, { additionals: [optRecord(1400)] });
    for (let i = 0; i < 3000; i++) {
      const buf =
        i % 2 === 0
          ? Buffer.from(Array.from({ length: 12 + Math.floor(rand() * 48) }, () => Math.floor(rand() * 256)))
          : Buffer.from(valid.map((b) => (rand() < 0.1 ? Math.floor(rand() * 256) : b)));
      const out = await respond(buf, ctx());
      if (out) expect(() => decodeMessage(out)).not.toThrow();
    }
  });
});
