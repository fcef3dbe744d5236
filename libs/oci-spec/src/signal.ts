import { invalidArgument } from '@berth/errdefs';

/** Linux signal numbers by name (x86_64), without the `SIG` prefix. */
export const SIGNALS: Readonly<Record<string, number>> = Object.freeze({
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
  RTMIN: 34,
  RTMAX: 64,
});

/** A parsed signal: its number and canonical `SIG…` name. */
export interface Signal {
  readonly number: number;
  readonly name: string;
}

/**
 * Parses a signal given as a number (`9`), a name with or without `SIG` in any case
 * (`SIGKILL`, `kill`), or `RTMIN+n`/`RTMAX-n`.
 *
 * @throws InvalidArgument `Invalid signal: x`.
 */
export function parseSignal(raw: string | number): Signal {
  const s = String(raw).trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > 64) throw invalidArgument(`Invalid signal: ${s}`);
    return { number: n, name: nameOf(n) };
  }
  const upper = s.toUpperCase().replace(/^SIG/, '');
  const rt = /^RT(MIN|MAX)([+-]\d+)?$/.exec(upper);
  if (rt) {
    const n = (rt[1] === 'MIN' ? 34 : 64) + Number(rt[2] ?? 0);
    if (n < 34 || n > 64) throw invalidArgument(`Invalid signal: ${s}`);
    return { number: n, name: nameOf(n) };
  }
  const n = SIGNALS[upper];
  if (n === undefined) throw invalidArgument(`Invalid signal: ${s}`);
  return { number: n, name: `SIG${upper}` };
}

function nameOf(n: number): string {
  if (n > 34 && n < 64) return n <= 48 ? `SIGRTMIN+${n - 34}` : `SIGRTMAX-${64 - n}`;
  const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
  return name ? `SIG${name}` : `SIG${n}`;
}
