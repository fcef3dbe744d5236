/**
 * Decoding protobuf messages whose uint64 fields may exceed 2^53 (cgroup
 * "unlimited" sentinels such as 9223372036854771712). ts-proto's generated
 * decode throws on those; this reader hands it a small negative marker
 * instead (no uint64 is negative), and the markers are then swapped for the
 * exact values as bigints.
 */
import { BinaryReader } from '@bufbuild/protobuf/wire';

class TolerantReader extends BinaryReader {
  readonly big: bigint[] = [];

  override uint64(): bigint | string {
    const v = super.uint64();
    const b = BigInt(v);
    if (b <= BigInt(Number.MAX_SAFE_INTEGER)) return v;
    this.big.push(b);
    return String(-this.big.length);
  }
}

/** What a message may hold once decoded: numbers, or bigints where they did not fit. */
export type Big<T> = T extends number
  ? number | bigint
  : T extends (infer U)[]
    ? Big<U>[]
    : T extends object
      ? { [K in keyof T]: Big<T[K]> }
      : T;

function restore(v: unknown, big: readonly bigint[]): unknown {
  if (typeof v === 'number') return v < 0 && Number.isInteger(v) && -v <= big.length ? big[-v - 1] : v;
  if (Array.isArray(v)) return v.map((x) => restore(x, big));
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restore(x, big)]));
  return v;
}

/** `fns.decode(bytes)`, with uint64 values above 2^53 kept exactly as bigints. */
export function decodeBig<T>(
  fns: { decode(input: BinaryReader | Uint8Array): T },
  bytes: Uint8Array,
): Big<T> {
  const r = new TolerantReader(bytes);
  const msg = fns.decode(r);
  return (r.big.length ? restore(msg, r.big) : msg) as Big<T>;
}
