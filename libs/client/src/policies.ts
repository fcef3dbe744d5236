/**
 * docker's `--restart` and health-check flags, checked as docker checks them and turned into
 * the labels berth-runtime acts on: `io.berth.restart` (the policy as typed, `on-failure:3`)
 * and `io.berth.healthcheck` (the effective check — the flags over the image's HEALTHCHECK —
 * as JSON in milliseconds, docker's defaults applied).
 */
import { invalidArgument } from '@berth/errdefs';
import type { ImageConfig } from '@berth/image';

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

/**
 * Validates a `--restart` value (docker's ParseRestartPolicy and ValidateRestartPolicy) and
 * returns it as the label keeps it; undefined for `no`.
 *
 * @throws InvalidArgument with docker's message.
 */
export function parseRestartPolicy(value: string): string | undefined {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  const count = colon < 0 ? '' : value.slice(colon + 1);
  if (colon >= 0 && name === '')
    throw invalidArgument('invalid restart policy format: no policy provided before colon');
  let max = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count))
      throw invalidArgument('invalid restart policy format: maximum retry count must be an integer');
    max = Number(count);
  }
  switch (name) {
    case 'no':
    case 'always':
    case 'unless-stopped':
      if (max !== 0)
        throw invalidArgument(
          "invalid restart policy: maximum retry count can only be used with 'on-failure'" +
            (max < 0 ? ' and cannot be negative' : ''),
        );
      return name === 'no' ? undefined : name;
    case 'on-failure':
      if (max < 0) throw invalidArgument('invalid restart policy: maximum retry count cannot be negative');
      return max ? `on-failure:${max}` : 'on-failure';
    default:
      throw invalidArgument(
        `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
      );
  }
}

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Go's time.ParseDuration (`1m30s`, `500ms`, `1.5h`, `-2s`, `0`) in nanoseconds.
 *
 * @throws InvalidArgument docker's flag error: `invalid argument "5" for "--health-interval"
 *   flag: time: missing unit in duration "5"`.
 */
export function parseGoDuration(s: string, flag: string): number {
  const fail = (why: string): never => {
    throw invalidArgument(`invalid argument "${s}" for "${flag}" flag: time: ${why} "${s}"`);
  };
  let rest = s;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') fail('invalid duration');
  let total = 0;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (m[0] === '' || m[0] === '.') fail('invalid duration');
    rest = rest.slice(m[0].length);
    const u = /^[^\d.]+/.exec(rest)?.[0];
    if (!u) fail('missing unit in duration');
    const unit = UNITS[u!];
    if (unit === undefined)
      throw invalidArgument(
        `invalid argument "${s}" for "${flag}" flag: time: unknown unit "${u}" in duration "${s}"`,
      );
    rest = rest.slice(u!.length);
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * unit!;
  }
  return sign * Math.round(total);
}

/** The health-check flags of `run`/`create`, as typed. */
export interface HealthFlags {
  cmd?: string;
  interval?: string;
  timeout?: string;
  retries?: string;
  startPeriod?: string;
  /** `--no-healthcheck` */
  none?: boolean;
}

/** The label's JSON: docker's HealthConfig in milliseconds. */
export interface HealthcheckLabel {
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** docker's HealthConfig (nanoseconds), from the flags or the image. */
interface HealthConfig {
  Test?: readonly string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

const MIN_NS = 1e6; // docker's MinimumDuration, 1ms
const DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 };

function flagConfig(f: HealthFlags): HealthConfig | undefined {
  const duration = (v: string | undefined, flag: string) => (v === undefined ? 0 : parseGoDuration(v, flag));
  const interval = duration(f.interval, '--health-interval');
  const timeout = duration(f.timeout, '--health-timeout');
  const startPeriod = duration(f.startPeriod, '--health-start-period');
  let retries = 0;
  if (f.retries !== undefined) {
    if (!/^[+-]?\d+$/.test(f.retries.trim()))
      throw invalidArgument(
        `invalid argument "${f.retries}" for "--health-retries" flag: strconv.ParseInt: parsing "${f.retries}": invalid syntax`,
      );
    retries = Number(f.retries);
  }
  const any = !!f.cmd || interval !== 0 || timeout !== 0 || startPeriod !== 0 || retries !== 0;
  if (f.none) {
    if (any) throw invalidArgument('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!any) return undefined;
  if (interval < 0) throw invalidArgument('--health-interval cannot be negative');
  if (timeout < 0) throw invalidArgument('--health-timeout cannot be negative');
  if (retries < 0) throw invalidArgument('--health-retries cannot be negative');
  if (startPeriod < 0) throw invalidArgument('--health-start-period cannot be negative');
  // The daemon's checks (validateHealthCheck).
  if (interval !== 0 && interval < MIN_NS)
    throw invalidArgument('Interval in Healthcheck cannot be less than 1ms');
  if (timeout !== 0 && timeout < MIN_NS)
    throw invalidArgument('Timeout in Healthcheck cannot be less than 1ms');
  if (startPeriod !== 0 && startPeriod < MIN_NS)
    throw invalidArgument('StartPeriod in Healthcheck cannot be less than 1ms');
  return {
    Test: f.cmd ? ['CMD-SHELL', f.cmd] : undefined,
    Interval: interval,
    Timeout: timeout,
    StartPeriod: startPeriod,
    Retries: retries,
  };
}

/**
 * The effective health check as the `io.berth.healthcheck` label value: the flags merged over
 * the image's HEALTHCHECK field by field (docker's merge), docker's defaults for what neither
 * sets; undefined when there is nothing to run (no check, `NONE`, `--no-healthcheck`).
 *
 * @throws InvalidArgument for bad flags, in docker's words.
 */
export function healthcheckLabel(f: HealthFlags, image?: ImageConfig): string | undefined {
  const user = flagConfig(f);
  const img = image?.config?.Healthcheck ?? undefined;
  const c: HealthConfig = !user
    ? (img ?? {})
    : !img
      ? user
      : {
          Test: user.Test?.length ? user.Test : img.Test,
          Interval: user.Interval || img.Interval,
          Timeout: user.Timeout || img.Timeout,
          StartPeriod: user.StartPeriod || img.StartPeriod,
          Retries: user.Retries || img.Retries,
        };
  const test = [...(c.Test ?? [])];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  if (test[0] !== 'CMD' && test[0] !== 'CMD-SHELL')
    throw invalidArgument(`unknown healthcheck type ${JSON.stringify(test[0])} (expected CMD or CMD-SHELL)`);
  if (test.length < 2) return undefined;
  const ms = (ns: number | undefined, dflt: number) =>
    ns && ns > 0 ? Math.max(1, Math.round(ns / 1e6)) : dflt;
  const label: HealthcheckLabel = {
    test,
    intervalMs: ms(c.Interval, DEFAULTS.intervalMs),
    timeoutMs: ms(c.Timeout, DEFAULTS.timeoutMs),
    retries: c.Retries && c.Retries > 0 ? c.Retries : DEFAULTS.retries,
    startPeriodMs: ms(c.StartPeriod, DEFAULTS.startPeriodMs),
  };
  return JSON.stringify(label);
}
