/**
 * Layered configuration: defaults < config file (TOML) < BERTH_* environment < flags.
 * Each service describes its config as a flat-ish object of defaults; this module
 * only merges layers and coerces env strings to the type of the default, so the
 * service's own parseConfig() stays a validation step.
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { invalidArgument } from '@berth/errdefs';

export type ConfigObject = Record<string, unknown>;

export interface LoadOptions<T extends ConfigObject> {
  /** Typed defaults; also the schema used to coerce env values. */
  defaults: T;
  /** TOML file path; a missing file is fine only when `fileOptional` is true. */
  file?: string | undefined;
  fileOptional?: boolean;
  /** Table inside the TOML file holding this service's keys (e.g. `content`), merged over the top level. */
  section?: string;
  /** Environment to read (defaults to none, so that tests never inherit the caller's env by accident). */
  env?: NodeJS.ProcessEnv;
  /** Environment prefix: `BERTH_` + SECTION_ + KEY in SCREAMING_SNAKE_CASE. */
  envPrefix?: string;
  /** Values given on the command line; undefined entries are ignored. */
  flags?: Partial<Record<keyof T, unknown>>;
}

const snake = (k: string) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function coerce(key: string, raw: string, like: unknown): unknown {
  if (typeof like === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw invalidArgument(`config ${key}: ${JSON.stringify(raw)} is not a number`);
    return n;
  }
  if (typeof like === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw invalidArgument(`config ${key}: ${JSON.stringify(raw)} is not a boolean`);
  }
  if (Array.isArray(like)) return raw === '' ? [] : raw.split(',').map((s) => s.trim());
  return raw;
}

function readFile(path: string, optional: boolean): ConfigObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw invalidArgument(`config file ${path}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text) as ConfigObject;
  } catch (err) {
    throw invalidArgument(`config file ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Merges the layers and returns a plain object with the defaults' keys (plus any unknown file keys, for parseConfig to reject). */
export function loadConfig<T extends ConfigObject>(opts: LoadOptions<T>): ConfigObject {
  const out: ConfigObject = { ...opts.defaults };
  if (opts.file) {
    const doc = readFile(opts.file, opts.fileOptional ?? false);
    for (const [k, v] of Object.entries(doc)) {
      if (typeof v !== 'object' || Array.isArray(v) || v instanceof Date) out[k] = v;
    }
    const section = opts.section ? doc[opts.section] : undefined;
    if (section && typeof section === 'object') Object.assign(out, section);
  }
  if (opts.env) {
    const prefix = (opts.envPrefix ?? 'BERTH_') + (opts.section ? `${snake(opts.section)}_` : '');
    for (const key of Object.keys(opts.defaults)) {
      for (const name of [prefix + snake(key), (opts.envPrefix ?? 'BERTH_') + snake(key)]) {
        const raw = opts.env[name];
        if (raw !== undefined) {
          out[key] = coerce(name, raw, opts.defaults[key]);
          break;
        }
      }
    }
  }
  for (const [k, v] of Object.entries(opts.flags ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** Small validators for parseConfig implementations; each throws InvalidArgument naming the field. */
export const field = {
  string(obj: ConfigObject, key: string): string {
    const v = obj[key];
    if (typeof v !== 'string' || v === '')
      throw invalidArgument(`config ${key}: expected a non-empty string`);
    return v;
  },
  number(obj: ConfigObject, key: string, min = -Infinity): number {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      throw invalidArgument(`config ${key}: expected a number >= ${min}`);
    return v;
  },
  boolean(obj: ConfigObject, key: string): boolean {
    const v = obj[key];
    if (typeof v !== 'boolean') throw invalidArgument(`config ${key}: expected true or false`);
    return v;
  },
  strings(obj: ConfigObject, key: string): string[] {
    const v = obj[key];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
      throw invalidArgument(`config ${key}: expected a list of strings`);
    return v as string[];
  },
  /** Rejects keys not in `known`, so typos in config files are caught at start. */
  noUnknown(obj: ConfigObject, known: readonly string[]): void {
    const extra = Object.keys(obj).filter((k) => !known.includes(k) && !isSectionLike(obj[k]));
    if (extra.length) throw invalidArgument(`config: unknown key(s) ${extra.join(', ')}`);
  },
};

const isSectionLike = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
