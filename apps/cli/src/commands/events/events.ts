/**
 * `berth events [filters...]`: subscribes to the event stream and prints each
 * envelope as `<RFC3339 time> <namespace> <topic> <payload JSON>`, or with
 * `--format json` one JSON object per line. Runs until Ctrl-C (exit 0).
 */
import { EventsClient, SubscribeRequest, type Envelope } from '@berth/proto/events/v1';
import { serverStream, type CallOpts } from '@berth/grpc';
import { AuditClient, ReplayRequest } from '@berth/proto/berth/events/v1';
import { parseDuration } from '@berth/cli-kit';
import { UsageError, asUsage } from '../../usage.js';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { decodePayload } from './decode.js';

export async function run(
  ctx: Context,
  [filters]: [string[]],
  opts: { format: 'text' | 'json'; since?: string; follow?: boolean },
): Promise<void> {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  // A subscription has no per-call deadline (--timeout still bounds the whole command).
  const callOpts = { ns: ctx.namespace, service: 'berth', signal: stop.signal };
  const envelopes = opts.since
    ? replay(ctx, parseSince(opts.since), filters, opts.follow === true, callOpts)
    : subscribe(ctx, filters, callOpts);
  try {
    for await (const env of envelopes) ctx.stdout.write(formatEnvelope(env, opts.format) + '\n');
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  }
}

function subscribe(ctx: Context, filters: string[], o: CallOpts): AsyncIterable<Envelope> {
  const client = openClient(ctx, EventsClient);
  return serverStream(client, client.subscribe, SubscribeRequest.fromPartial({ filters }), o);
}

function replay(
  ctx: Context,
  since: Date,
  filters: string[],
  follow: boolean,
  o: CallOpts,
): AsyncIterable<Envelope> {
  const client = openClient(ctx, AuditClient);
  return serverStream(client, client.replay, ReplayRequest.fromPartial({ since, filters, follow }), o);
}

/** `10m`, `2h30m` (ago) or an RFC 3339 time. */
function parseSince(s: string): Date {
  if (/^\d/.test(s) && !s.includes('-')) return new Date(Date.now() - asUsage(() => parseDuration(s)));
  const t = new Date(s);
  if (Number.isNaN(t.getTime()))
    throw new UsageError(`--since ${JSON.stringify(s)}: expected a duration (10m) or a time (RFC 3339)`);
  return t;
}

/** Returns one line for `env`. */
export function formatEnvelope(env: Envelope, format: 'text' | 'json'): string {
  const timestamp = env.timestamp?.toISOString() ?? '';
  const event = decodePayload(env.event);
  if (format === 'json')
    return JSON.stringify({
      timestamp,
      namespace: env.namespace,
      topic: env.topic,
      typeUrl: env.event?.typeUrl ?? '',
      event,
    });
  return `${timestamp} ${env.namespace} ${env.topic} ${JSON.stringify(event)}`;
}
