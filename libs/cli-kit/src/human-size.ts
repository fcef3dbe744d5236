/**
 * Byte counts for people, the way containerd's progress package prints them:
 * binary units with one decimal (`1.2 MiB`), whole bytes below 1 KiB.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** Returns `bytes` as `512 B`, `1.0 KiB`, `1.2 MiB`, … (negative or non-finite input prints as is). */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return `${bytes} B`;
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${Math.trunc(v)} B`;
  // NOTE: 1023.96 KiB would round to "1024.0 KiB"; carry into the next unit instead.
  if (Number(v.toFixed(1)) >= 1024 && i < UNITS.length - 1) return `1.0 ${UNITS[i + 1]}`;
  return `${v.toFixed(1)} ${UNITS[i]}`;
}
