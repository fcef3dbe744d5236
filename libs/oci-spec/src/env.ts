import { invalidArgument } from '@berth/errdefs';

/**
 * Parses `--env-file` contents as Docker does: one `KEY=value` per line, the value kept verbatim
 * (no quote handling); blank lines and `#` comments skipped; a bare `KEY` takes its value from
 * `lookup` and is dropped when `lookup` is absent or has no value.
 *
 * @throws InvalidArgument for a line with no variable name or a name containing whitespace.
 */
export function parseEnvFile(text: string, lookup?: (key: string) => string | undefined): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line.replace(/[ \t]+$/, '') : line.slice(0, eq);
    if (key === '') throw invalidArgument(`no variable name on line '${raw}'`);
    if (/\s/.test(key)) throw invalidArgument(`variable '${key}' contains whitespaces (line ${i + 1})`);
    if (eq >= 0) {
      out.push(line);
      return;
    }
    const value = lookup?.(key);
    if (value !== undefined) out.push(`${key}=${value}`);
  });
  return out;
}

/**
 * Returns `base` with each entry of `overrides` replacing the entry of the same key in place or
 * appended, Docker's `ReplaceOrAppendEnvValues`; an override without `=` removes the key.
 */
export function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  const keyOf = (e: string) => {
    const i = e.indexOf('=');
    return i < 0 ? e : e.slice(0, i);
  };
  for (const e of overrides) {
    const key = keyOf(e);
    if (key === '') throw invalidArgument(`invalid environment variable: ${e}`);
    const at = out.findIndex((x) => keyOf(x) === key);
    if (!e.includes('=')) {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = e;
    else out.push(e);
  }
  return out;
}
