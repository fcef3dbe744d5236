/**
 * `berth events [filters...]`: subscribes to the event stream and prints each
 * envelope as `<RFC3339 time> <namespace> <topic> <payload JSON>`, or with
 * `--format json` one JSON object per line. Runs until Ctrl-C (exit 0).
 */
import { EventsClient, SubscribeRequest, type Envelope } from '@berth/proto/events/v1';
import { serverStream } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { decodePayload } from './decode.js';

export async function run(
  ctx: Context,
  [filters]: [string[]],
  opts: { format: 'text' | 'json' },
): Promise<void> {
  const client = openClient(ctx, EventsClient);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  // A subscription has no per-call deadline (--timeout still bounds the whole command).
  const callOpts = { ns: ctx.namespace, service: 'berth', signal: stop.signal };
  const req = SubscribeRequest.fromPartial({ filters });
  try {
    for await (const env of serverStream(client, client.subscribe, req, callOpts))
      ctx.stdout.write(formatEnvelope(env, opts.format) + '\n');
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  }
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
