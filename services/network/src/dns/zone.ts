/**
 * The names one network answers for itself: container names and aliases → addresses,
 * and the reverse (PTR) names of those addresses. Everything else is not ours and goes
 * to the upstream resolvers.
 */
import { ipBytes, reverseName } from './ip.js';
import { encodeName, foldName, RRClass, RRType } from './message.js';
import type { Question, ResourceRecord } from './message.js';

/** Docker's embedded DNS answers with a 600 s TTL. */
export const RECORD_TTL = 600;

interface Entry {
  v4: Buffer[];
  v6: Buffer[];
  /** Bumped per answer so that successive answers rotate the addresses (round-robin). */
  turn: number;
}

export class Zone {
  readonly #names = new Map<string, Entry>();
  /** Folded reverse name → encoded name of the first record that owns the address. */
  readonly #ptr = new Map<string, Buffer>();

  /**
   * `records` maps a name to its addresses. Invalid names and addresses are skipped and
   * reported through `onInvalid`, so that one bad entry does not take the network's DNS down.
   */
  constructor(records: Map<string, string[]>, onInvalid: (what: string) => void = () => {}) {
    for (const [rawName, ips] of records) {
      let wire: Buffer;
      try {
        wire = encodeName(rawName);
      } catch {
        onInvalid(`name "${rawName}"`);
        continue;
      }
      const name = foldName(rawName);
      if (name === '') {
        onInvalid('the root name');
        continue;
      }
      const entry = this.#names.get(name) ?? { v4: [], v6: [], turn: 0 };
      for (const ip of ips) {
        const bytes = ipBytes(ip);
        if (!bytes) {
          onInvalid(`address "${ip}" of "${rawName}"`);
          continue;
        }
        const list = bytes.length === 4 ? entry.v4 : entry.v6;
        if (!list.some((b) => b.equals(bytes))) list.push(bytes);
        const rev = foldName(reverseName(ip) ?? '');
        if (!this.#ptr.has(rev)) this.#ptr.set(rev, wire);
      }
      this.#names.set(name, entry);
    }
  }

  /**
   * Returns the answers for `q` when the zone owns the name (possibly none, as for AAAA
   * of a name with only IPv4 addresses: NOERROR with an empty answer, like docker), or
   * undefined when the question must be forwarded.
   */
  answer(q: Question): ResourceRecord[] | undefined {
    if (q.class !== RRClass.IN) return undefined;
    const name = foldName(q.name);
    const rr = (type: number, data: Buffer): ResourceRecord => ({
      name: q.name,
      type,
      class: RRClass.IN,
      ttl: RECORD_TTL,
      data,
    });
    if (q.type === RRType.A || q.type === RRType.AAAA) {
      const entry = this.#names.get(name);
      if (!entry) return undefined;
      const ips = q.type === RRType.A ? entry.v4 : entry.v6;
      const turn = entry.turn++ % Math.max(ips.length, 1);
      return [...ips.slice(turn), ...ips.slice(0, turn)].map((b) => rr(q.type, b));
    }
    if (q.type === RRType.PTR) {
      const target = this.#ptr.get(name);
      return target && [rr(RRType.PTR, target)];
    }
    return undefined;
  }
}
