/**
 * Times for `logs --since/--until`, with docker's rules (timetypes.GetTimestamp):
 * a Go duration (`10m`, `1h30m`, `1.5h`) counts back from now; a number is unix
 * seconds (`1700000000`, `1700000000.5`); otherwise an RFC 3339 time or a prefix
 * of one (`2024-01-02`, `2024-01-02T15:04`, `…Z`, `…+01:00`), local time when no
 * zone is given. Pure module.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds (fractional); undefined when `text` is no duration. */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!m) return text === '0' ? 0 : undefined;
  let ms = 0;
  for (const p of text.slice(m[1]!.length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    ms += Number(p[1]) * UNIT_MS[p[2]!]!;
  return m[1] === '-' ? -ms : ms;
}

const RFC3339ISH =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Parses a --since/--until value relative to `now`; throws an Error naming the value. */
export function parseTimestamp(value: string, now: Date = new Date()): Date {
  const v = value.trim();
  if (v !== '0') {
    const d = parseGoDuration(v);
    if (d !== undefined) return new Date(now.getTime() - d);
  }
  const m = RFC3339ISH.exec(v);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
    const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms] as const;
    let t: number;
    if (!zone) t = new Date(...fields).getTime();
    else {
      t = Date.UTC(...fields);
      if (zone.toUpperCase() !== 'Z') {
        const sign = zone[0] === '-' ? -1 : 1;
        t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
      }
    }
    if (Number.isNaN(t)) throw new Error(`invalid time ${JSON.stringify(value)}`);
    return new Date(t);
  }
  if (v.includes('-'))
    throw new Error(`invalid time ${JSON.stringify(value)}: use RFC 3339, e.g. 2024-01-02T15:04:05Z`);
  if (/^\d+(\.\d{1,9})?$/.test(v)) return new Date(Math.floor(Number(v) * 1000));
  throw new Error(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** docker's RFC3339NanoFixed in UTC: `2024-01-02T15:04:05.123000000Z` (nine fraction digits). */
export function rfc3339NanoFixed(d: Date, nanos?: number): string {
  const frac = nanos !== undefined ? nanos : d.getUTCMilliseconds() * 1_000_000;
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(frac, 9)}Z`
  );
}
