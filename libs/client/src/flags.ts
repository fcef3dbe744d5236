/**
 * Pure helpers for docker-style flags: `KEY=value` lists, `--tmpfs`, `-e KEY` taking the
 * client's environment, `--env-file`, and the exit status docker gives a run that failed.
 */
import { invalidArgument } from '@berth/errdefs';
import { parseEnvFile } from '@berth/oci-spec';

/** `-l a=b -l c` → `{a: 'b', c: ''}` (docker: a label without `=` has an empty value). */
export function parseLabels(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    if (key === '') throw invalidArgument(`invalid label '${l}': empty name`);
    out[key] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return out;
}

/** `--sysctl a.b=c` → `{'a.b': 'c'}`; a value is required. */
export function parseKeyValues(list: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw invalidArgument(`invalid ${what} '${s}': expected key=value`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/** `--tmpfs /run:size=64m,mode=1777 --tmpfs /tmp` → `{'/run': 'size=64m,mode=1777', '/tmp': ''}`. */
export function parseTmpfs(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list) {
    const colon = s.indexOf(':');
    const dest = colon < 0 ? s : s.slice(0, colon);
    if (!dest.startsWith('/')) throw invalidArgument(`invalid tmpfs mount '${s}': the path must be absolute`);
    out[dest] = colon < 0 ? '' : s.slice(colon + 1);
  }
  return out;
}

/**
 * `-e KEY=value` is kept; `-e KEY` takes KEY's value from the client's environment, as docker
 * does, and is kept bare (unsetting KEY in the container) when the client has no such variable.
 */
export function expandEnv(list: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  return list.map((e) => {
    if (e.includes('=')) return e;
    if (e === '') throw invalidArgument('invalid environment variable: empty name');
    const v = env[e];
    return v === undefined ? e : `${e}=${v}`;
  });
}

/** `--env-file` contents in order, bare `KEY`s taken from the client's environment. */
export function envFromFiles(texts: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  return texts.flatMap((t) => parseEnvFile(t, (k) => env[k]));
}

/**
 * The exit status of a `run` whose container could not start, as docker's: 127 when the command
 * was not found, 126 when it could not be executed, 125 for any other engine failure.
 */
export function exitStatusForStartError(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|exec format error|is a directory/i.test(message)) return 126;
  return 125;
}

/** `-t 5` for stop/restart: a whole number of seconds, -1 meaning no timeout. */
export function parseTimeoutSeconds(s: string): number {
  if (!/^-?\d+$/.test(s.trim()) || Number(s) < -1)
    throw invalidArgument(`invalid timeout ${JSON.stringify(s)}: expected whole seconds (or -1)`);
  return Number(s);
}
