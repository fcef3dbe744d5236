/**
 * What `berth ps` shows, as docker shows it: the status strings ("Up 2
 * minutes", "Exited (0) 3 seconds ago", "Created"), the quoted and truncated
 * COMMAND, `--filter` matching, and the fields a `--format` template sees.
 * Pure module: the command (ps.ts) fetches, this formats.
 */
import { humanDuration } from '@berth/cli-kit';
import { labelMatch, parseFilters, regexMatch, type Filters } from './filters.js';

/** The part of berth.runtime.v1 ContainerSummary that ps uses. */
export interface Summary {
  id: string;
  name: string;
  image: string;
  command: string;
  createdAt: Date | undefined;
  state: string;
  exitStatus: number;
  startedAt: Date | undefined;
  exitedAt: Date | undefined;
  labels: Readonly<Record<string, string>>;
  /** The health check's status (starting | healthy | unhealthy), '' without one. */
  health?: string;
}

const since = (d: Date | undefined, now: Date) =>
  humanDuration(Math.max(0, now.getTime() - (d?.getTime() ?? 0)));

/** docker's STATUS column. */
export function statusText(s: Summary, now: Date): string {
  switch (s.state) {
    case 'running':
      return `Up ${since(s.startedAt, now)}${healthText(s.health)}`;
    case 'paused':
      return `Up ${since(s.startedAt, now)} (Paused)`;
    case 'created':
      return 'Created';
    case 'restarting':
      return s.exitedAt
        ? `Restarting (${s.exitStatus}) ${since(s.exitedAt, now)} ago`
        : `Restarting (${s.exitStatus})`;
    case 'exited':
      return s.exitedAt
        ? `Exited (${s.exitStatus}) ${since(s.exitedAt, now)} ago`
        : `Exited (${s.exitStatus})`;
    default:
      return s.state ? s.state[0]!.toUpperCase() + s.state.slice(1) : '';
  }
}

/** docker's Health.String() after "Up …": ` (healthy)`, ` (health: starting)`. */
const healthText = (h: string | undefined): string =>
  !h ? '' : h === 'starting' ? ' (health: starting)' : ` (${h})`;

/** docker's formatter.Ellipsis: at most `max` code points, the last one `…` when cut. */
export function ellipsis(s: string, max: number): string {
  const cps = [...s];
  if (cps.length <= max) return s;
  return max <= 1 ? cps.slice(0, max).join('') : cps.slice(0, max - 1).join('') + '…';
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Go's strconv.Quote for the text ps prints (control characters escaped, the rest kept). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const e = ESCAPES[ch];
    const cp = ch.codePointAt(0)!;
    if (e) out += e;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029)
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Go's time.Time.String() in UTC, to the second: `2024-01-02 15:04:05 +0000 UTC`. */
export function goTime(d: Date | undefined): string {
  if (!d) return '0001-01-01 00:00:00 +0000 UTC';
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000 UTC`
  );
}

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** docker's units.HumanSizeWithPrecision(n, 3): `0B`, `4.26MB`, `123kB`. */
export function dockerSize(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < DECIMAL.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${DECIMAL[i]}`;
}

/** docker's TruncateID: the first 12 characters (after any `sha256:`). */
export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** docker's PORTS text, written by the client at create from what berth-network published. */
export const PORTS_LABEL = 'io.berth.ports';

/** Labels berth and containerd keep for themselves; not shown as the user's. */
export const isInternalLabel = (k: string): boolean =>
  k.startsWith('io.berth.') || k.startsWith('io.containerd.image.config.');

export const userLabels = (labels: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).filter(([k]) => !isInternalLabel(k)));

// ---- filters --------------------------------------------------------------------------------

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const FILTER_KEYS = ['id', 'name', 'label', 'status', 'ancestor', 'exited', 'before', 'since'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** `--filter k=v` values grouped by key: the same key ORs, different keys AND (docker's rule). */
export type PsFilters = Filters<FilterKey>;

/** Parses `--filter` arguments; throws an Error with docker's message on a bad one. */
export function parsePsFilters(args: readonly string[]): PsFilters {
  return parseFilters(args, FILTER_KEYS, (key, value) => {
    if (key === 'status' && !STATUSES.includes(value))
      throw new Error(`invalid filter 'status=${value}': Unrecognised filter value for status`);
    if (key === 'exited' && !/^-?\d+$/.test(value)) throw new Error(`invalid filter 'exited=${value}'`);
  });
}

/** Whether the filters can select containers that are not running (then ps lists all). */
export const filtersNeedAll = (f: PsFilters): boolean =>
  ['status', 'exited', 'before', 'since'].some((k) => f.has(k as FilterKey));

export interface MatchContext {
  /** Whether the container's image is (a name of) the image `want` names. */
  ancestor?: (image: string, want: string) => boolean;
  /** Creation times of the containers `before=`/`since=` name (resolved by the caller). */
  before?: Date;
  since?: Date;
}

/** Whether `s` passes every filter. */
export function matchPs(f: PsFilters, s: Summary, m: MatchContext = {}): boolean {
  const any = (key: FilterKey, test: (v: string) => boolean): boolean => {
    const vs = f.get(key);
    return !vs || vs.some(test);
  };
  const created = s.createdAt?.getTime() ?? 0;
  return (
    any('id', (v) => s.id.startsWith(v) || regexMatch(v, s.id)) &&
    any('name', (v) => regexMatch(v, `/${s.name}`)) &&
    (f.get('label') ?? []).every((v) => labelMatch(v, s.labels)) &&
    any('status', (v) => v === s.state) &&
    any('exited', (v) => s.state === 'exited' && s.exitStatus === Number(v)) &&
    any('ancestor', (v) => (m.ancestor ? m.ancestor(s.image, v) : s.image === v)) &&
    (!m.before || created < m.before.getTime()) &&
    (!m.since || created > m.since.getTime())
  );
}

// ---- the fields a template sees ------------------------------------------------------------

export interface PsOptions {
  /** Truncate ids and commands (default, as docker); `--no-trunc` turns it off. */
  trunc: boolean;
  now: Date;
  /** Per container id: bytes written in its rootfs and the image's size below it (`-s`). */
  sizes?: ReadonlyMap<string, { rw: number; virtual: number }>;
}

/** The container as docker's formatter.ContainerContext exposes it to `--format`. */
export interface PsContext {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Ports: string;
  State: string;
  Status: string;
  Size: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Networks: string;
  LocalVolumes: string;
  Label: (key: string) => string;
}

export function psContext(s: Summary, o: PsOptions): PsContext {
  // Getters: the default table reads 7 of these fields, so the rest are computed only on demand.
  const labels = () => userLabels(s.labels);
  const c: PsContext = {
    get ID() {
      return o.trunc ? shortId(s.id) : s.id;
    },
    get Image() {
      return o.trunc && /^sha256:[0-9a-f]{64}$/.test(s.image) ? shortId(s.image) : s.image;
    },
    get Command() {
      return goQuote(o.trunc ? ellipsis(s.command, 20) : s.command);
    },
    get CreatedAt() {
      return goTime(s.createdAt);
    },
    get RunningFor() {
      return `${since(s.createdAt, o.now)} ago`;
    },
    // docker shows ports while the container runs; berth-network keeps them until removal.
    Ports: s.state === 'running' || s.state === 'paused' ? (s.labels[PORTS_LABEL] ?? '') : '',
    State: s.state,
    get Status() {
      return statusText(s, o.now);
    },
    get Size() {
      const size = o.sizes?.get(s.id);
      return size ? `${dockerSize(size.rw)} (virtual ${dockerSize(size.virtual)})` : '0B';
    },
    Names: s.name,
    get Labels() {
      const l = labels();
      return Object.keys(l)
        .sort()
        .map((k) => `${k}=${l[k]}`)
        .join(',');
    },
    Mounts: '',
    Networks: '',
    LocalVolumes: '0',
    Label: (key: string) => labels()[key] ?? '',
  };
  // `{{json .}}` marshals like docker's (sorted keys, no methods).
  Object.defineProperty(c, 'toJSON', { value: () => psJson(c), enumerable: false });
  return c;
}

/** Column headers of docker's ContainerContext, for `table` templates. */
export const PS_HEADERS: Readonly<Record<string, string>> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES',
};

/** What a `table` template's header row is rendered from: each field yields its header. */
export const psHeaderContext = (): Record<string, unknown> => ({
  ...PS_HEADERS,
  Label: (key: string) => key.toUpperCase(),
});

/** `--format json` and `{{json .}}`: docker's ContainerContext as JSON (all strings, sorted keys). */
export function psJson(c: PsContext): Record<string, string> {
  const keys = Object.keys(PS_HEADERS).sort();
  return Object.fromEntries(keys.map((k) => [k, c[k as keyof PsContext] as string]));
}

/** docker ps's default table, by columns (the `-s` SIZE column last). */
export function psTableRows(cs: readonly PsContext[], withSize: boolean): string[][] {
  const header = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
  const row = (c: PsContext) => [c.ID, c.Image, c.Command, c.RunningFor, c.Status, c.Ports, c.Names];
  return withSize ? [[...header, 'SIZE'], ...cs.map((c) => [...row(c), c.Size])] : [header, ...cs.map(row)];
}

/** Newest first, as docker lists. */
export const byCreatedDesc = (a: Summary, b: Summary): number =>
  (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || a.id.localeCompare(b.id);
