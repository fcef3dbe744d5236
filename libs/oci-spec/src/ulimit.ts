import { invalidArgument } from '@berth/errdefs';
import type { Rlimit } from './types.js';

const NAMES = [
  'as',
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
];

/**
 * Parses one `--ulimit` value, `name=soft[:hard]` (hard defaults to soft), into an OCI rlimit.
 *
 * @throws InvalidArgument for an unknown name, a malformed or negative number, or soft > hard.
 */
export function parseUlimit(spec: string): Rlimit {
  const i = spec.indexOf('=');
  if (i < 0) throw invalidArgument(`invalid ulimit argument: ${spec}`);
  const name = spec.slice(0, i);
  if (!NAMES.includes(name)) throw invalidArgument(`invalid ulimit type: ${name}`);
  const parts = spec.slice(i + 1).split(':');
  if (parts.length > 2)
    throw invalidArgument(
      `too many limit value arguments - ${spec.slice(i + 1)}, can only have up to two, \`soft[:hard]\``,
    );
  const [soft, hard] = parts.map((p) => {
    if (!/^\d+$/.test(p)) throw invalidArgument(`invalid ulimit value: ${p}`);
    return Number(p);
  }) as [number, number?];
  const h = hard ?? soft;
  if (soft > h)
    throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${h}`);
  return { type: `RLIMIT_${name.toUpperCase()}`, soft, hard: h };
}
