/**
 * `berth logs [-f] [--tail N|all] [-t] [--since T] [--until T] [--details] CONTAINER`:
 * the container's json-file log through Runtime.Logs, stdout lines on stdout and
 * stderr lines on stderr; with -f until the container exits (or ^C).
 */
import { serverStream } from '@berth/grpc';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { openRuntime, writeAll } from './runtime.js';
import { parseTimestamp, rfc3339NanoFixed } from './since.js';

export interface LogsOptions {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  details?: boolean;
}

export function parseTail(s: string | undefined): number {
  if (s === undefined || s === 'all' || s === '') return -1;
  if (!/^-?\d+$/.test(s))
    throw new Error(`invalid value for --tail: ${JSON.stringify(s)} (a number or "all")`);
  const n = Number(s);
  return n < 0 ? -1 : n;
}

export async function run(ctx: Context, [ref]: [string], opts: LogsOptions): Promise<void> {
  const now = new Date();
  const tail = asUsage(() => parseTail(opts.tail));
  const since = opts.since ? asUsage(() => parseTimestamp(opts.since ?? '', now)) : undefined;
  const until = opts.until ? asUsage(() => parseTimestamp(opts.until ?? '', now)) : undefined;
  const rt = openRuntime(ctx);
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const req = { id: ref, follow: !!opts.follow, tail, since, until, stdout: false, stderr: false };
  // No deadline when following: the stream lasts as long as the container.
  const o = { ...ctx.callOpts(), signal: ac.signal };
  if (opts.follow) delete o.timeoutMs;
  try {
    for await (const e of serverStream(rt, rt.logs, req, o)) {
      const out = e.stream === 2 ? ctx.stderr : ctx.stdout;
      let prefix = '';
      if (opts.timestamps && e.time) prefix += rfc3339NanoFixed(e.time) + ' ';
      // docker --details: the log's extra attributes (berth records none), then a space.
      if (opts.details) prefix += ' ';
      const chunk = prefix ? Buffer.concat([Buffer.from(prefix), e.data]) : e.data;
      await writeAll(out, chunk);
    }
  } catch (err) {
    if (ac.signal.aborted) return;
    throw err;
  }
}
