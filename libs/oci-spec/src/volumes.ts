/**
 * docker's volume flags as data: `-v/--volume`, `--mount` and `--volumes-from` strings parsed
 * into mount requests with docker's rules and messages, and the `io.berth.volumes` container
 * label that carries them (with the image's `VOLUME`s) from the client to berth-runtime, which
 * resolves them when the task is created. Pure: nothing here looks at the host, so the CLI
 * (syntax errors before anything is created) and the runtime (the authority) share it.
 */
import { posix } from 'node:path';
import { invalidArgument } from '@berth/errdefs';
import { parseMemory } from './units.js';

/** The container label carrying a container's volume requests, as JSON {@link VolumeRequests}. */
export const VOLUMES_LABEL = 'io.berth.volumes';

/** What the user asked for, as typed: resolved by the runtime at the first task create. */
export interface VolumeRequests {
  /** `-v/--volume` strings. */
  binds: string[];
  /** `--mount` strings. */
  mounts: string[];
  /** `--volumes-from` references (`container[:ro|rw]`). */
  volumesFrom: string[];
  /** The image config's `Volumes` (each becomes an anonymous volume unless mounted over). */
  imageVolumes: string[];
}

export type MountType = 'bind' | 'volume' | 'tmpfs';
export const PROPAGATIONS = ['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate'] as const;
export type Propagation = (typeof PROPAGATIONS)[number];

/** One parsed `-v` or `--mount`. */
export interface MountRequest {
  type: MountType;
  /** bind: an absolute host path; volume: a volume name, '' for a new anonymous volume. */
  source: string;
  /** Absolute, cleaned path in the container. */
  target: string;
  readOnly: boolean;
  /** bind only; default rprivate. */
  propagation?: Propagation;
  /** bind from `-v`: a missing host directory is created (docker); `--mount` refuses instead. */
  createHostPath?: boolean;
  /** volume: do not copy the image's files into an empty new volume. */
  noCopy?: boolean;
  /** volume: how to create it when it does not exist yet (`--mount volume-*`). */
  volume?: { driver?: string; driverOpts: Record<string, string>; labels: Record<string, string> };
  /** tmpfs: `tmpfs-size` (bytes) and `tmpfs-mode`. */
  tmpfs?: { sizeBytes?: number; mode?: number };
  /** The `-v` mode suffix as typed (`ro,z`), shown as docker inspect's Mode. */
  mode: string;
  /** `z`/`Z` (SELinux relabelling) was asked for; berth ignores it (no SELinux). */
  relabel?: 'z' | 'Z';
}

// docker's local driver names (volume/local: "[a-zA-Z0-9][a-zA-Z0-9_.-]").
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MAX_NAME = 255;

/**
 * Returns `name` if docker's local driver accepts it as a volume name.
 *
 * @throws InvalidArgument with docker's message.
 */
export function validateVolumeName(name: string): string {
  if (name.length === 1)
    throw invalidArgument(
      `create ${name}: volume name is too short, names should be at least two alphanumeric characters`,
    );
  if (!NAME_RE.test(name) || name.length > MAX_NAME)
    throw invalidArgument(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  return name;
}

const RW_MODES = new Set(['rw', 'ro']);
const LABEL_MODES = new Set(['z', 'Z']);
const COPY_MODES = new Set(['nocopy']);
// Docker Desktop's consistency hints; meaningless (and accepted) on Linux.
const CONSISTENCY_MODES = new Set(['consistent', 'cached', 'delegated']);
const isPropagation = (s: string): s is Propagation => (PROPAGATIONS as readonly string[]).includes(s);

function cleanTarget(target: string, what: string, raw: string): string {
  if (!target) throw invalidArgument(`invalid ${what} '${raw}': the container path is empty`);
  if (!target.startsWith('/'))
    throw invalidArgument(
      `invalid ${what} '${raw}': invalid mount path: '${target}' mount path must be absolute`,
    );
  const t = posix.normalize(target);
  const clean = t.length > 1 ? t.replace(/\/+$/, '') : t;
  if (clean === '/') throw invalidArgument(`invalid ${what} '${raw}': destination can't be '/'`);
  return clean;
}

const cleanHostPath = (p: string) => {
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
};

/**
 * Parses a `-v/--volume` string as docker does on Linux: `/ctr` (anonymous volume),
 * `name:/ctr[:mode]` (named volume), `/host:/ctr[:mode]` (bind mount of a file or directory).
 * The mode is a comma list of at most one each of `ro|rw`, a propagation
 * (`shared|slave|private|rshared|rslave|rprivate`, binds only), `z|Z` (ignored), `nocopy`
 * (volumes only) and a consistency hint (ignored).
 *
 * @throws InvalidArgument naming the specification and what is wrong with it.
 */
export function parseBind(raw: string): MountRequest {
  const bad = (why: string) => invalidArgument(`invalid volume specification '${raw}': ${why}`);
  const parts = raw.split(':');
  let source = '';
  let target: string;
  let mode = '';
  if (parts.length === 1) target = parts[0]!;
  else if (parts.length === 2) {
    [source, target] = parts as [string, string];
    if (target !== '' && !target.startsWith('/') && validMode(target) === true)
      throw bad('a volume with only a container path cannot have a mode');
  } else if (parts.length === 3) [source, target, mode] = parts as [string, string, string];
  else throw bad('too many colons (expected [source:]target[:mode])');
  if (parts.length > 1 && source === '') throw bad('the source is empty');
  const problem = validMode(mode);
  if (problem !== true) throw bad(problem);
  const t = cleanTarget(target, 'volume specification', raw);
  const opts = mode ? mode.split(',') : [];
  const isBind = source.startsWith('/');
  const propagation = opts.find(isPropagation);
  const relabel = opts.find((o) => LABEL_MODES.has(o)) as 'z' | 'Z' | undefined;
  const noCopy = opts.includes('nocopy');
  const req: MountRequest = {
    type: isBind ? 'bind' : 'volume',
    source: isBind ? cleanHostPath(source) : source,
    target: t,
    readOnly: opts.includes('ro'),
    mode,
    ...(relabel ? { relabel } : {}),
  };
  if (isBind) {
    if (noCopy) throw bad('nocopy applies to volumes, not to bind mounts');
    req.createHostPath = true;
    if (propagation) req.propagation = propagation;
  } else {
    if (propagation) throw bad(`propagation (${propagation}) applies to bind mounts, not to volumes`);
    if (source) validateVolumeName(source);
    if (noCopy) req.noCopy = true;
  }
  return req;
}

/** true, or why the mode is not valid (naming the offending part). */
function validMode(mode: string): true | string {
  if (mode === '') return true;
  const counts = { rw: 0, label: 0, propagation: 0, copy: 0, consistency: 0 };
  for (const o of mode.split(',')) {
    if (RW_MODES.has(o)) counts.rw++;
    else if (LABEL_MODES.has(o)) counts.label++;
    else if (isPropagation(o)) counts.propagation++;
    else if (COPY_MODES.has(o)) counts.copy++;
    else if (CONSISTENCY_MODES.has(o)) counts.consistency++;
    else return `invalid mode: ${o} (supported: ro, rw, z, Z, nocopy, ${PROPAGATIONS.join(', ')})`;
  }
  for (const [k, n] of Object.entries(counts))
    if (n > 1) return `invalid mode: ${mode} (more than one ${k} option)`;
  return true;
}

/** Splits a docker CSV field list: commas separate, double quotes protect commas (`"o=a,b"`). */
function splitCsv(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') {
      if (quoted && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw invalidArgument(`invalid mount '${s}': unterminated quote`);
  out.push(cur);
  return out;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function parseBool(key: string, v: string, raw: string): boolean {
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw invalidArgument(`invalid mount '${raw}': invalid value for ${key}: ${v}`);
}

/** `k=v` into a map (`volume-opt`, `volume-label`); a bare `k` maps to ''. */
function setOnMap(m: Record<string, string>, v: string): void {
  const eq = v.indexOf('=');
  if (eq < 0) m[v] = '';
  else m[v.slice(0, eq)] = v.slice(eq + 1);
}

/**
 * Parses a `--mount` string as docker does: comma-separated `key=value` fields (`type` bind,
 * volume (default) or tmpfs; `source|src`, `target|destination|dst`, `readonly|ro[=bool]`,
 * `bind-propagation`, `volume-nocopy[=bool]`, `volume-driver`, `volume-opt`, `volume-label`,
 * `tmpfs-size`, `tmpfs-mode`; `consistency` is accepted and ignored).
 *
 * @throws InvalidArgument naming the field that is wrong.
 */
export function parseMount(raw: string): MountRequest {
  const bad = (why: string) => invalidArgument(`invalid mount '${raw}': ${why}`);
  let type = 'volume';
  let source = '';
  let target = '';
  let readOnly = false;
  let propagation: string | undefined;
  let noCopy: boolean | undefined;
  let driver: string | undefined;
  let driverOpts: Record<string, string> | undefined;
  let labels: Record<string, string> | undefined;
  let sizeBytes: number | undefined;
  let tmpfsMode: number | undefined;
  let tmpfsSet = false;
  let volumeSet = false;
  let bindSet = false;
  for (const field of splitCsv(raw)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    if (val === undefined) {
      if (key === 'readonly' || key === 'ro') readOnly = true;
      else if (key === 'volume-nocopy') {
        noCopy = true;
        volumeSet = true;
      } else throw bad(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case 'type':
        type = val;
        break;
      case 'source':
      case 'src':
        source = val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        target = val;
        break;
      case 'readonly':
      case 'ro':
        readOnly = parseBool(key, val, raw);
        break;
      case 'consistency':
        break;
      case 'bind-propagation':
        if (!isPropagation(val))
          throw bad(`invalid value for bind-propagation: ${val} (${PROPAGATIONS.join(', ')})`);
        propagation = val;
        bindSet = true;
        break;
      case 'volume-nocopy':
        noCopy = parseBool(key, val, raw);
        volumeSet = true;
        break;
      case 'volume-driver':
        driver = val;
        volumeSet = true;
        break;
      case 'volume-opt':
        setOnMap((driverOpts ??= {}), val);
        volumeSet = true;
        break;
      case 'volume-label':
        setOnMap((labels ??= {}), val);
        volumeSet = true;
        break;
      case 'tmpfs-size':
        try {
          sizeBytes = parseMemory(val);
        } catch {
          throw bad(`invalid value for tmpfs-size: ${val}`);
        }
        tmpfsSet = true;
        break;
      case 'tmpfs-mode':
        if (!/^[0-7]+$/.test(val)) throw bad(`invalid value for tmpfs-mode: ${val} (octal, e.g. 1777)`);
        tmpfsMode = parseInt(val, 8);
        tmpfsSet = true;
        break;
      default:
        throw bad(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs')
    throw bad(`mount type unknown: ${JSON.stringify(type)} (bind, volume, tmpfs)`);
  if (!target) throw bad('target is required');
  if (volumeSet && type !== 'volume') throw bad(`cannot mix 'volume-*' options with mount type '${type}'`);
  if (bindSet && type !== 'bind') throw bad(`cannot mix 'bind-*' options with mount type '${type}'`);
  if (tmpfsSet && type !== 'tmpfs') throw bad(`cannot mix 'tmpfs-*' options with mount type '${type}'`);
  const t = cleanTarget(target, 'mount', raw);
  const req: MountRequest = { type, source, target: t, readOnly, mode: readOnly ? 'ro' : '' };
  if (type === 'bind') {
    if (!source) throw bad(`invalid mount config for type "bind": field Source must not be empty`);
    if (!source.startsWith('/'))
      throw bad(`invalid mount config for type "bind": invalid mount path: '${source}' must be absolute`);
    req.source = cleanHostPath(source);
    if (propagation) req.propagation = propagation as Propagation;
  } else if (type === 'volume') {
    if (source) validateVolumeName(source);
    if (noCopy) req.noCopy = true;
    if (driver !== undefined || driverOpts || labels)
      req.volume = { ...(driver ? { driver } : {}), driverOpts: driverOpts ?? {}, labels: labels ?? {} };
  } else {
    if (source) throw bad(`invalid mount config for type "tmpfs": field Source must not be specified`);
    if (sizeBytes !== undefined || tmpfsMode !== undefined)
      req.tmpfs = {
        ...(sizeBytes !== undefined ? { sizeBytes } : {}),
        ...(tmpfsMode !== undefined ? { mode: tmpfsMode } : {}),
      };
  }
  return req;
}

/** A `--volumes-from container[:ro|rw]`: the container reference and the mode override, if any. */
export function parseVolumesFrom(raw: string): { container: string; mode?: 'ro' | 'rw' } {
  const colon = raw.lastIndexOf(':');
  const container = colon < 0 ? raw : raw.slice(0, colon);
  const mode = colon < 0 ? undefined : raw.slice(colon + 1);
  if (!container) throw invalidArgument(`invalid --volumes-from '${raw}': the container is empty`);
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw')
    throw invalidArgument(`invalid --volumes-from '${raw}': invalid mode: ${mode} (ro or rw)`);
  return { container, ...(mode ? { mode } : {}) };
}

/**
 * docker (23+) resolves a bind source written relative to the client's directory (`.` or
 * `./x`) on the client side; returns `raw` with such a source made absolute against `cwd`.
 */
export function absolutizeBind(raw: string, cwd: string): string {
  const colon = raw.indexOf(':');
  if (colon < 0) return raw;
  const host = raw.slice(0, colon);
  if (host !== '.' && !host.startsWith('./')) return raw;
  return posix.resolve(cwd, host) + raw.slice(colon);
}

/** `--mount` with `src=./x` (or `source=.`), made absolute against `cwd` as docker's client does. */
export function absolutizeMount(raw: string, cwd: string): string {
  return splitCsv(raw)
    .map((f) => {
      const eq = f.indexOf('=');
      const key = f.slice(0, Math.max(eq, 0)).toLowerCase();
      const val = f.slice(eq + 1);
      if (eq > 0 && (key === 'source' || key === 'src') && (val === '.' || val.startsWith('./')))
        return `${f.slice(0, eq)}=${posix.resolve(cwd, val)}`;
      return f.includes(',') || f.includes('"') ? `"${f.replaceAll('"', '""')}"` : f;
    })
    .join(',');
}

/**
 * Every request of a container, parsed and checked together: docker refuses two `-v`/`--mount`
 * at one destination ("Duplicate mount point"). Image volumes and `--volumes-from` are not
 * here: they give way to these instead of conflicting.
 *
 * @throws InvalidArgument for the first bad string or a duplicate destination.
 */
export function parseVolumeRequests(r: {
  readonly binds: readonly string[];
  readonly mounts: readonly string[];
}): MountRequest[] {
  const out = [...r.binds.map(parseBind), ...r.mounts.map(parseMount)];
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.target)) throw invalidArgument(`Duplicate mount point: ${m.target}`);
    seen.add(m.target);
  }
  return out;
}

/**
 * The label value for a container's requests, or undefined when it has none. Every string is
 * parsed first, so a malformed one fails here — before anything is created.
 *
 * @throws InvalidArgument for a malformed request.
 */
export function volumesLabel(r: { readonly [K in keyof VolumeRequests]?: readonly string[] }):
  string | undefined {
  const v: VolumeRequests = {
    binds: [...(r.binds ?? [])],
    mounts: [...(r.mounts ?? [])],
    volumesFrom: [...(r.volumesFrom ?? [])],
    imageVolumes: [...(r.imageVolumes ?? [])],
  };
  parseVolumeRequests(v);
  v.volumesFrom.forEach(parseVolumesFrom);
  if (!v.binds.length && !v.mounts.length && !v.volumesFrom.length && !v.imageVolumes.length)
    return undefined;
  return JSON.stringify(v);
}

/**
 * Reads the label back (written by any client, so checked): undefined when absent.
 *
 * @throws InvalidArgument when it is not the JSON {@link VolumeRequests}.
 */
export function readVolumesLabel(labels: Readonly<Record<string, string>>): VolumeRequests | undefined {
  const s = labels[VOLUMES_LABEL];
  if (s === undefined || s === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw invalidArgument(`label ${VOLUMES_LABEL}: not valid JSON`);
  }
  const list = (k: keyof VolumeRequests): string[] => {
    const x = (v as Record<string, unknown> | null)?.[k];
    if (x === undefined) return [];
    if (!Array.isArray(x) || !x.every((e) => typeof e === 'string'))
      throw invalidArgument(`label ${VOLUMES_LABEL}: ${k} must be a list of strings`);
    return x as string[];
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalidArgument(`label ${VOLUMES_LABEL}: expected a JSON object`);
  return {
    binds: list('binds'),
    mounts: list('mounts'),
    volumesFrom: list('volumesFrom'),
    imageVolumes: list('imageVolumes'),
  };
}

/** The image config's `Volumes` as a list of paths (docker: a set of paths to `{}`). */
export function imageVolumesOf(volumes: Readonly<Record<string, unknown>> | null | undefined): string[] {
  return Object.keys(volumes ?? {});
}
