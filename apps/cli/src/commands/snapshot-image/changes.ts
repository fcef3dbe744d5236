/**
 * `--change` / `-c` for `commit` and `import`: Dockerfile instructions applied to
 * an image's run defaults (`config` in the image config), as docker applies them
 * with its Dockerfile dispatcher:
 *
 *   CMD, ENTRYPOINT   JSON array (exec form) or a shell command (`/bin/sh -c …`);
 *                     ENTRYPOINT resets CMD unless an earlier change set CMD
 *   ENV               `K=V [K2="v 2"]…` or the legacy `K value with spaces`
 *   LABEL             `k=v […]` or the legacy `k value`
 *   EXPOSE            `80 443/tcp 53/udp 8000-8002`
 *   USER, WORKDIR (relative to the previous one), STOPSIGNAL, VOLUME (JSON array or words)
 *
 * Words are split on unquoted blanks; "…" and '…' quote, a backslash escapes, and
 * `$V`, `${V}`, `${V:-default}`, `${V:+alt}` expand from the image's Env (including
 * earlier ENV changes), except in CMD and ENTRYPOINT, which docker never expands.
 * Pure: no I/O. Errors are plain Errors meant to be shown as usage errors.
 */
import { posix } from 'node:path';
import type { ContainerConfig } from '@berth/image';

/** The instructions `-c` accepts (docker's list, minus ONBUILD and HEALTHCHECK). */
export const CHANGE_INSTRUCTIONS = [
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
] as const;

export type Instruction = (typeof CHANGE_INSTRUCTIONS)[number];

/** One `-c` argument, split into its instruction and the text after it. */
export interface Change {
  readonly instruction: Instruction;
  readonly args: string;
  /** The argument as given, for messages. */
  readonly source: string;
}

/** A mutable copy of the run defaults. */
type Config = {
  -readonly [K in keyof ContainerConfig]: ContainerConfig[K] extends readonly (infer T)[] | null | undefined
    ? T[] | null
    : ContainerConfig[K] extends Readonly<Record<string, infer V>> | null | undefined
      ? Record<string, V> | null
      : ContainerConfig[K];
};

/**
 * Parses one `-c` argument.
 * @throws Error naming the argument when the instruction is unknown or has no arguments.
 */
export function parseChange(source: string): Change {
  const m = /^\s*(\S+)(?:\s+([\s\S]*))?$/.exec(source);
  if (!m) throw new Error(`invalid change ${JSON.stringify(source)}: empty`);
  const word = m[1]!.toUpperCase();
  if (!(CHANGE_INSTRUCTIONS as readonly string[]).includes(word))
    throw new Error(`${m[1]} is not a valid change command (supported: ${CHANGE_INSTRUCTIONS.join(', ')})`);
  const args = (m[2] ?? '').trim();
  if (args === '') throw new Error(`invalid change ${JSON.stringify(source)}: ${word} requires an argument`);
  return { instruction: word as Instruction, args, source };
}

/** Parses every `-c` argument (usage errors first, before any server call). */
export const parseChanges = (sources: readonly string[]): Change[] => sources.map(parseChange);

/**
 * Returns `config` with `changes` applied in order (the input is not modified). Returns
 * null/undefined-free arrays and maps only where a change touched them.
 * @throws Error naming the change when its arguments are invalid.
 */
export function applyChanges(
  config: ContainerConfig | null | undefined,
  changes: readonly Change[],
): ContainerConfig {
  const c = structuredClone((config ?? {}) as Config);
  let cmdSet = false;
  for (const ch of changes) {
    try {
      cmdSet = applyOne(c, ch, cmdSet);
    } catch (err) {
      throw new Error(`invalid change ${JSON.stringify(ch.source)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return c as ContainerConfig;
}

function applyOne(c: Config, ch: Change, cmdSet: boolean): boolean {
  const env = envMap(c.Env);
  const args = ch.args;
  switch (ch.instruction) {
    case 'CMD':
      c.Cmd = commandForm(args);
      return true;
    case 'ENTRYPOINT':
      c.Entrypoint = commandForm(args);
      if (!cmdSet) c.Cmd = null;
      return cmdSet;
    case 'ENV': {
      const list = c.Env ? [...c.Env] : [];
      for (const [k, v] of pairs(args, env, 'ENV')) {
        const i = list.findIndex((e) => e === k || e.startsWith(`${k}=`));
        if (i >= 0) list[i] = `${k}=${v}`;
        else list.push(`${k}=${v}`);
        env.set(k, v);
      }
      c.Env = list;
      return cmdSet;
    }
    case 'LABEL': {
      const labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of pairs(args, env, 'LABEL')) labels[k] = v;
      c.Labels = labels;
      return cmdSet;
    }
    case 'EXPOSE': {
      const ports = { ...(c.ExposedPorts ?? {}) };
      for (const w of words(args, env)) for (const p of exposedPorts(w)) ports[p] = {};
      c.ExposedPorts = ports;
      return cmdSet;
    }
    case 'USER':
      c.User = single(args, env, 'USER');
      return cmdSet;
    case 'STOPSIGNAL':
      c.StopSignal = single(args, env, 'STOPSIGNAL');
      return cmdSet;
    case 'WORKDIR': {
      const dir = words(args, env, { split: false })[0] ?? '';
      if (dir === '') throw new Error('WORKDIR requires a path');
      c.WorkingDir = posix.resolve(c.WorkingDir || '/', dir);
      return cmdSet;
    }
    case 'VOLUME': {
      const list = jsonArray(args) ?? words(args, env);
      if (list.length === 0 || list.some((v) => v.trim() === ''))
        throw new Error('VOLUME paths must not be empty');
      const volumes = { ...(c.Volumes ?? {}) };
      for (const v of list) volumes[v] = {};
      c.Volumes = volumes;
      return cmdSet;
    }
  }
}

/** The JSON array of strings `s` is, or undefined when it is not one (then: shell form). */
function jsonArray(s: string): string[] | undefined {
  if (!s.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** CMD/ENTRYPOINT: exec form as is, shell form through `/bin/sh -c` (never expanded). */
const commandForm = (s: string): string[] => jsonArray(s) ?? ['/bin/sh', '-c', s];

function single(args: string, env: Map<string, string>, what: string): string {
  const w = words(args, env);
  if (w.length !== 1) throw new Error(`${what} takes exactly one argument`);
  return w[0]!;
}

function envMap(list: readonly string[] | null | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of list ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) m.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return m;
}

const NAME_RE = /^[^\s=]+$/;

/** `K=V …` pairs, or the legacy `K value with spaces` (one pair). */
function pairs(args: string, env: Map<string, string>, what: string): [string, string][] {
  const first = /^(\S+)/.exec(args)![1]!;
  if (!first.includes('=')) {
    // Legacy form: the rest of the line is the value, blanks included.
    const rest = args.slice(first.length).trim();
    if (rest === '') throw new Error(`${what} ${first} needs a value (${what} ${first}=VALUE)`);
    return [[first, words(rest, env, { split: false })[0] ?? '']];
  }
  // All substitutions in one instruction see the values from before it, as in a Dockerfile.
  return words(args, env).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new Error(`${what} expects KEY=VALUE pairs, got ${JSON.stringify(w)}`);
    const k = w.slice(0, eq);
    if (!NAME_RE.test(k)) throw new Error(`invalid ${what} name ${JSON.stringify(k)}`);
    return [k, w.slice(eq + 1)];
  });
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** `80`, `80/udp`, `8000-8002/tcp` → docker's `port/proto` keys. */
export function exposedPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/([a-zA-Z]+))?$/.exec(spec);
  const bad = () => new Error(`invalid port ${JSON.stringify(spec)}: expected PORT[-PORT][/tcp|udp|sctp]`);
  if (!m) throw bad();
  const proto = (m[3] ?? 'tcp').toLowerCase();
  if (!PROTOCOLS.has(proto)) throw bad();
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || hi > 65535 || hi < lo) throw bad();
  const out: string[] = [];
  for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  return out;
}

interface WordOptions {
  /** Split on unquoted blanks (default true); false keeps the whole text as one word. */
  split?: boolean;
}

/**
 * Shell-like words of `s`: quotes removed, backslash escapes applied, variables
 * expanded from `env` (outside single quotes).
 */
export function words(s: string, env: ReadonlyMap<string, string>, o: WordOptions = {}): string[] {
  const split = o.split ?? true;
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const finish = () => {
    if (!inWord) return;
    out.push(cur);
    cur = '';
    inWord = false;
  };
  while (i < s.length) {
    const ch = s[i]!;
    if (split && /\s/.test(ch)) {
      finish();
      i++;
      continue;
    }
    inWord = true;
    if (ch === '\\') {
      cur += s[i + 1] ?? '';
      i += 2;
    } else if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      cur += s.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('unterminated double quote');
        const q = s[i]!;
        if (q === '"') break;
        if (q === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === '$')) {
          cur += s[i + 1];
          i += 2;
        } else if (q === '$') {
          const [value, next] = expand(s, i, env);
          cur += value;
          i = next;
        } else {
          cur += q;
          i++;
        }
      }
      i++;
    } else if (ch === '$') {
      const [value, next] = expand(s, i, env);
      cur += value;
      i = next;
    } else {
      cur += ch;
      i++;
    }
  }
  finish();
  return out;
}

/** Expands the variable at s[i] === '$'; returns its value and the index after it. */
function expand(s: string, i: number, env: ReadonlyMap<string, string>): [string, number] {
  if (s[i + 1] === '{') {
    const end = s.indexOf('}', i + 2);
    if (end < 0) throw new Error('missing "}" in variable substitution');
    const body = s.slice(i + 2, end);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([\s\S]*))?$/.exec(body);
    if (!m) throw new Error(`bad substitution \${${body}}`);
    const v = env.get(m[1]!) ?? '';
    if (m[2] === '-') return [v !== '' ? v : m[3]!, end + 1];
    if (m[2] === '+') return [v !== '' ? m[3]! : '', end + 1];
    return [v, end + 1];
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
  if (!m) return ['$', i + 1];
  return [env.get(m[0]) ?? '', i + 1 + m[0].length];
}
