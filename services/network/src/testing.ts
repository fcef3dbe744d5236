/**
 * Helpers for this package's unit tests (not part of its API): catching a thrown error, and
 * the bytes of a DNS query.
 */
import { encodeMessage, header, RRClass } from './dns/message.js';

/** What `fn` throws, or undefined when it returns. */
export const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

/** A recursion-desired query for `name`/`type` (class IN) with `id`. */
export const dnsQuery = (name: string, type: number, id: number): Buffer =>
  encodeMessage({
    header: header({ id, rd: true }),
    questions: [{ name, type, class: RRClass.IN }],
    answers: [],
    authorities: [],
    additionals: [],
  });
