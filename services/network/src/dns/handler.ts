/**
 * One query in, one answer out: the transport-independent part of the network DNS.
 * Names the network's zone owns are answered here; any other question is forwarded.
 */
import {
  decodeHeader,
  decodeMessage,
  DnsFormatError,
  encodeMessage,
  header,
  Opcode,
  Rcode,
  RRType,
  UDP_DEFAULT_SIZE,
} from './message.js';
import type { Message, Question, ResourceRecord } from './message.js';
import type { Zone } from './zone.js';

/** The UDP payload size we advertise and the most we use of a client's (RFC 6891 §6.2.5). */
export const EDNS_SIZE = 1232;

export interface QueryContext {
  /** The network's names; undefined before its records are set. */
  zone: Zone | undefined;
  transport: 'udp' | 'tcp';
  /** Relays the query bytes upstream; resolves to the answer bytes, or undefined when all upstreams failed. */
  forward: (query: Buffer) => Promise<Buffer | undefined>;
}

/**
 * Returns the bytes to send back for `query`, or undefined to stay silent (too short
 * to carry an id, or itself a response: answering those could start a loop between
 * two servers).
 */
export async function respond(query: Buffer, ctx: QueryContext): Promise<Buffer | undefined> {
  const h = decodeHeader(query);
  if (!h || h.qr) return undefined;
  const reply = (rcode: number, questions: Question[], extra: Partial<Message> = {}) =>
    encodeMessage({
      header: header({ id: h.id, qr: true, opcode: h.opcode, rd: h.rd, ra: true, rcode }),
      questions,
      answers: [],
      authorities: [],
      additionals: [],
      ...extra,
    });

  let msg: Message;
  try {
    msg = decodeMessage(query);
  } catch (err) {
    if (err instanceof DnsFormatError) return reply(Rcode.FORMERR, []);
    throw err;
  }
  if (h.opcode !== Opcode.QUERY) return reply(Rcode.NOTIMP, msg.questions);
  const q = msg.questions[0];
  if (!q || msg.questions.length !== 1) return reply(Rcode.FORMERR, msg.questions);

  const answers = ctx.zone?.answer(q);
  if (answers === undefined) return (await ctx.forward(query)) ?? reply(Rcode.SERVFAIL, [q]);

  // A client that sent OPT speaks EDNS (RFC 6891): it takes larger UDP answers and expects OPT back.
  const clientOpt = msg.additionals.find((rr) => rr.type === RRType.OPT);
  const additionals = clientOpt ? [opt()] : [];
  const limit =
    ctx.transport === 'tcp'
      ? 0xffff
      : clientOpt
        ? Math.max(UDP_DEFAULT_SIZE, Math.min(clientOpt.class, EDNS_SIZE))
        : UDP_DEFAULT_SIZE;
  // Our own names are answered authoritatively.
  const own = { header: header({ id: h.id, qr: true, opcode: h.opcode, rd: h.rd, ra: true, aa: true }) };
  const out = reply(Rcode.NOERROR, [q], { ...own, answers, additionals });
  if (out.length <= limit) return out;
  // Too big for the client's buffer: say so with TC, and the client retries over TCP.
  own.header.tc = true;
  return reply(Rcode.NOERROR, [q], { ...own, additionals });
}

/** Our OPT pseudo-record: root owner, our UDP size in the class field, no options. */
function opt(): ResourceRecord {
  return { name: '', type: RRType.OPT, class: EDNS_SIZE, ttl: 0, data: Buffer.alloc(0) };
}
