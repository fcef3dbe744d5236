/**
 * A minimal DNS wire-format codec (RFC 1035): header, questions and resource records.
 * It decodes whatever arrives on a socket, so every read is bounds-checked and malformed
 * input becomes a DnsFormatError, never an exception of another kind or a hang.
 *
 * Names are kept in presentation form without the trailing dot ("web.example"); a label
 * holding a '.' or '\' has it escaped with '\'. Rdata is kept as bytes; for the types
 * whose rdata is a single name (PTR, CNAME, NS) the decoder expands compression so that
 * `data` stands on its own.
 */

export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
  ANY: 255,
};
export const RRClass = { IN: 1 };
export const Opcode = { QUERY: 0 };
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

export const HEADER_SIZE = 12;
/** The largest UDP answer a client accepts when it does not say otherwise (RFC 1035 §4.2.1). */
export const UDP_DEFAULT_SIZE = 512;

const MAX_NAME = 255;
const MAX_LABEL = 63;

export interface Header {
  id: number;
  /** True in responses. */
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  rcode: number;
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface ResourceRecord {
  name: string;
  type: number;
  /** For OPT records this is the sender's UDP payload size. */
  class: number;
  ttl: number;
  data: Buffer;
}

export interface Message {
  header: Header;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

/** Raised for input that is not a well-formed DNS message. */
export class DnsFormatError extends Error {
  override name = 'DnsFormatError';
}

/** Decodes the 12-byte header, or returns undefined when `buf` is shorter than that. */
export function decodeHeader(buf: Uint8Array): Header | undefined {
  if (buf.length < HEADER_SIZE) return undefined;
  const b2 = buf[2] ?? 0;
  const b3 = buf[3] ?? 0;
  return {
    id: ((buf[0] ?? 0) << 8) | (buf[1] ?? 0),
    qr: (b2 & 0x80) !== 0,
    opcode: (b2 >> 3) & 0x0f,
    aa: (b2 & 0x04) !== 0,
    tc: (b2 & 0x02) !== 0,
    rd: (b2 & 0x01) !== 0,
    ra: (b3 & 0x80) !== 0,
    ad: (b3 & 0x20) !== 0,
    cd: (b3 & 0x10) !== 0,
    rcode: b3 & 0x0f,
  };
}

/** A header with every flag clear, for building messages. */
export function header(fields: Partial<Header> = {}): Header {
  return {
    id: 0,
    qr: false,
    opcode: Opcode.QUERY,
    aa: false,
    tc: false,
    rd: false,
    ra: false,
    ad: false,
    cd: false,
    rcode: Rcode.NOERROR,
    ...fields,
  };
}

/** Decodes a whole message. Bytes after the last record are ignored. */
export function decodeMessage(buf: Buffer): Message {
  const h = decodeHeader(buf);
  if (!h) throw new DnsFormatError(`message of ${buf.length} bytes is shorter than a header`);
  const r = new Reader(buf, HEADER_SIZE);
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o)) as [number, number, number, number];
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  const records = (n: number) => {
    const out: ResourceRecord[] = [];
    for (let i = 0; i < n; i++) out.push(r.record());
    return out;
  };
  return { header: h, questions, answers: records(an), authorities: records(ns), additionals: records(ar) };
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
  ) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length)
      throw new DnsFormatError(`truncated message: ${what} at offset ${this.pos}`);
  }

  u16(): number {
    this.need(2, '16-bit field');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4, '32-bit field');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  name(): string {
    const { name, end } = readName(this.buf, this.pos);
    this.pos = end;
    return name;
  }

  record(): ResourceRecord {
    const name = this.name();
    const type = this.u16();
    const cls = this.u16();
    const ttl = this.u32();
    const len = this.u16();
    this.need(len, 'rdata');
    const start = this.pos;
    this.pos += len;
    let data: Buffer = Buffer.from(this.buf.subarray(start, this.pos));
    if (type === RRType.PTR || type === RRType.CNAME || type === RRType.NS) {
      const target = readName(this.buf, start);
      if (target.end !== this.pos) throw new DnsFormatError(`rdata of type ${type} is not one name`);
      data = encodeName(target.name);
    }
    return { name, type, class: cls, ttl, data };
  }
}

/**
 * Reads a possibly compressed name at `offset`; `end` is the offset just after it in the
 * original position. Pointers must point strictly backwards (RFC 1035 §4.1.4 "a prior
 * occurrence"), which alone rules out loops; the 255-byte name limit bounds the work.
 */
export function readName(buf: Uint8Array, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  let floor = offset; // a pointer must land before the start of the segment holding it
  let wire = 1; // the root label's length byte
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError(`truncated name at offset ${pos}`);
    const len = buf[pos] ?? 0;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError(`truncated compression pointer at offset ${pos}`);
      const target = ((len & 0x3f) << 8) | (buf[pos + 1] ?? 0);
      if (target >= floor)
        throw new DnsFormatError(`compression pointer at offset ${pos} does not point backwards`);
      if (end < 0) end = pos + 2;
      pos = floor = target;
      continue;
    }
    if ((len & 0xc0) !== 0)
      throw new DnsFormatError(`unsupported label type 0x${len.toString(16)} at offset ${pos}`);
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { name: labels.join('.'), end };
    }
    if (pos + 1 + len > buf.length) throw new DnsFormatError(`label at offset ${pos} runs past the message`);
    wire += len + 1;
    if (wire > MAX_NAME)
      throw new DnsFormatError(`name at offset ${offset} is longer than ${MAX_NAME} bytes`);
    const raw = Buffer.from(buf.subarray(pos + 1, pos + 1 + len)).toString('latin1');
    labels.push(raw.replace(/[.\\]/g, (c) => `\\${c}`));
    pos += 1 + len;
  }
}

/** Splits a presentation-form name into raw labels, honouring '\' escapes. */
function splitName(name: string): string[] {
  const labels: string[] = [];
  let cur = '';
  let open = false; // whether `cur` holds a label in progress (possibly an empty, invalid one)
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '.') {
      labels.push(cur);
      cur = '';
      open = false;
      continue;
    }
    cur += c === '\\' && i + 1 < name.length ? name[++i] : c;
    open = true;
  }
  // A trailing dot (absolute name) ends the last label; "" and "." are the root.
  if (open) labels.push(cur);
  if (name === '.') labels.pop();
  return labels;
}

/** Encodes a name without compression. Throws DnsFormatError for empty or oversized labels. */
export function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of splitName(name)) {
    const b = Buffer.from(label, 'latin1');
    if (b.length === 0 || b.length > MAX_LABEL)
      throw new DnsFormatError(`bad label length in name "${name}"`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > MAX_NAME) throw new DnsFormatError(`name "${name}" is longer than ${MAX_NAME} bytes`);
  return out;
}

/** Lower-cases ASCII letters only: DNS names compare case-insensitively in ASCII (RFC 4343). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The form names are compared in: ASCII lower case, without a trailing (unescaped) dot. */
export function foldName(name: string): string {
  return splitName(name)
    .map((l) => asciiLower(l).replace(/[.\\]/g, (c) => `\\${c}`))
    .join('.');
}

/**
 * Encodes a message. Owner names of questions and records are compressed against earlier
 * ones (whole names and suffixes); rdata is written as given.
 */
export function encodeMessage(msg: Message): Buffer {
  const w = new Writer();
  const h = msg.header;
  w.u16(h.id);
  w.byte(
    (h.qr ? 0x80 : 0) | ((h.opcode & 0x0f) << 3) | (h.aa ? 0x04 : 0) | (h.tc ? 0x02 : 0) | (h.rd ? 0x01 : 0),
  );
  w.byte((h.ra ? 0x80 : 0) | (h.ad ? 0x20 : 0) | (h.cd ? 0x10 : 0) | (h.rcode & 0x0f));
  for (const n of [msg.questions, msg.answers, msg.authorities, msg.additionals]) w.u16(n.length);
  for (const q of msg.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of [...msg.answers, ...msg.authorities, ...msg.additionals]) {
    w.name(rr.name);
    w.u16(rr.type);
    w.u16(rr.class);
    w.u32(rr.ttl);
    if (rr.data.length > 0xffff) throw new DnsFormatError('rdata longer than 65535 bytes');
    w.u16(rr.data.length);
    w.bytes(rr.data);
  }
  return w.done();
}

class Writer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** Folded labels of a name suffix → offset where it was written, for compression pointers. */
  private readonly seen = new Map<string, number>();

  bytes(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  byte(v: number): void {
    this.bytes(Buffer.from([v & 0xff]));
  }

  u16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff);
    this.bytes(b);
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.bytes(b);
  }

  name(name: string): void {
    encodeName(name); // validates label and name lengths
    const labels = splitName(name);
    for (let i = 0; i < labels.length; i++) {
      const key = JSON.stringify(labels.slice(i).map(asciiLower));
      const at = this.seen.get(key);
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.size < 0x4000) this.seen.set(key, this.size);
      const b = Buffer.from(labels[i] ?? '', 'latin1');
      this.byte(b.length);
      this.bytes(b);
    }
    this.byte(0);
  }

  done(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
