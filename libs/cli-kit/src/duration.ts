/**
 * Parsing of `--timeout`-style durations in Go's notation (`500ms`, `10s`,
 * `1m30s`, `2h`), plus a bare number meaning seconds.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Returns the duration in milliseconds, or throws a RangeError naming the bad input. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  let ms = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const at = PART.lastIndex;
    const m = PART.exec(t);
    if (!m || m.index !== at) throw badDuration(text);
    ms += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
  }
  if (t === '' || !Number.isFinite(ms)) throw badDuration(text);
  return Math.round(ms);
}

const badDuration = (text: string) =>
  new RangeError(`invalid duration ${JSON.stringify(text)}: use e.g. 500ms, 10s, 1m30s or 2h`);
