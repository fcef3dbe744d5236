import { invalidArgument } from '@berth/errdefs';

const UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * Returns the byte count of a docker-style memory size: `256m`, `1g`, `64MiB`, `1.5G`, `100`
 * (binary multiples, as go-units `RAMInBytes`). A number is taken as bytes.
 *
 * @throws InvalidArgument `invalid size: '…'` for anything else.
 */
export function parseMemory(size: string | number): number {
  if (typeof size === 'number') {
    if (!Number.isFinite(size) || size < 0) throw invalidArgument(`invalid size: '${size}'`);
    return Math.floor(size);
  }
  const m = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(size.trim());
  if (!m) throw invalidArgument(`invalid size: '${size}'`);
  const unit = UNITS[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * unit);
}
