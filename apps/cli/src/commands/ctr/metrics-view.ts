/**
 * `tasks metrics` output as containerd's ctr prints it: a table (ID TIMESTAMP,
 * then METRIC VALUE rows for the cgroup v1 or v2 stats) or the decoded stats
 * as JSON with the Go field tags (snake_case, zero values left out). Pure module.
 */
import type { Metrics as V1 } from '@berth/proto/cgroups/v1';
import type { Metrics as V2 } from '@berth/proto/cgroups/v2';
import { tabulate } from '../views/tabwriter.js';
import type { Big } from './decode-big.js';

export type Decoded = { v1: Big<V1> } | { v2: Big<V2> };

/** ctr's tabwriter: minwidth 1, padding 4. */
const CTR_TAB = { minWidth: 1, padding: 4 };

/** Go's time.Time.String() in UTC: `2024-01-02 15:04:05.123 +0000 UTC` (fraction trimmed). */
export function goTimeString(d: Date): string {
  const iso = d.toISOString(); // 2024-01-02T15:04:05.123Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? '.' + frac : ''} +0000 UTC`;
}

const list = (xs: readonly (number | bigint)[]) => `[${xs.join(' ')}]`;

function v1Rows(m: Big<V1>): string[][] {
  const rows: string[][] = [];
  if (m.memory) {
    rows.push(['memory.usage_in_bytes', String(m.memory.usage?.usage ?? 0), '']);
    rows.push(['memory.limit_in_bytes', String(m.memory.usage?.limit ?? 0), '']);
    rows.push(['memory.stat.cache', String(m.memory.totalCache), '']);
  }
  if (m.cpu) {
    rows.push(['cpuacct.usage', String(m.cpu.usage?.total ?? 0), '']);
    rows.push(['cpuacct.usage_percpu', list(m.cpu.usage?.perCpu ?? []), '']);
  }
  if (m.pids) {
    rows.push(['pids.current', String(m.pids.current), '']);
    rows.push(['pids.limit', String(m.pids.limit), '']);
  }
  return rows;
}

function v2Rows(m: Big<V2>): string[][] {
  const rows: string[][] = [];
  if (m.pids) {
    rows.push(['pids.current', String(m.pids.current), '']);
    rows.push(['pids.limit', String(m.pids.limit), '']);
  }
  if (m.cpu) {
    rows.push(['cpu.usage_usec', String(m.cpu.usageUsec), '']);
    rows.push(['cpu.user_usec', String(m.cpu.userUsec), '']);
    rows.push(['cpu.system_usec', String(m.cpu.systemUsec), '']);
    rows.push(['cpu.nr_periods', String(m.cpu.nrPeriods), '']);
    rows.push(['cpu.nr_throttled', String(m.cpu.nrThrottled), '']);
    rows.push(['cpu.throttled_usec', String(m.cpu.throttledUsec), '']);
  }
  if (m.memory) {
    rows.push(['memory.usage', String(m.memory.usage), '']);
    rows.push(['memory.usage_limit', String(m.memory.usageLimit), '']);
    rows.push(['memory.swap_usage', String(m.memory.swapUsage), '']);
    rows.push(['memory.swap_limit', String(m.memory.swapLimit), '']);
  }
  return rows;
}

/** The table `ctr tasks metrics` prints. */
export function metricsTable(id: string, timestamp: Date, d: Decoded): string {
  const head = tabulate(
    [
      ['ID', 'TIMESTAMP', ''],
      [id, goTimeString(timestamp), ''],
    ],
    CTR_TAB,
  );
  const rows = 'v1' in d ? v1Rows(d.v1) : v2Rows(d.v2);
  return head + '\n' + tabulate([['METRIC', 'VALUE', ''], ...rows], CTR_TAB);
}

/** Go JSON names where containerd's field tags differ from snake_case of berth's proto names. */
const RENAMED: Record<string, string> = {
  pg_pg_in: 'pgpgin',
  pg_pg_out: 'pgpgout',
  pg_fault: 'pgfault',
  pg_maj_fault: 'pgmajfault',
  total_pg_pg_in: 'total_pgpgin',
  total_pg_pg_out: 'total_pgpgout',
  total_pg_fault: 'total_pgfault',
  total_pg_maj_fault: 'total_pgmajfault',
};

const snake = (k: string) => {
  const s = k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  return RENAMED[s] ?? s;
};

/** Go's json.Marshal of the gogo structs: snake_case tags with omitempty. */
export function goJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(goJson) : undefined;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const j = goJson(x);
      if (j !== undefined) out[snake(k)] = j;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (v === 0 || v === '' || v === false || v === null || v === undefined) return undefined;
  return v;
}

/** `--format json`: the decoded stats, 2-space indent as ctr. */
export const metricsJson = (d: Decoded): string =>
  JSON.stringify(
    goJson('v1' in d ? d.v1 : d.v2) ?? {},
    (_k, v: unknown) => (typeof v === 'bigint' ? `\0${v}` : v),
    2,
  )
    // bigints were written as marked strings: unquote them into exact JSON numbers.
    .replace(/"\\u0000(\d+)"/g, '$1') + '\n';
