/**
 * The JetStream stream that keeps every event for auditing subscribers.
 * Created idempotently by whoever publishes first.
 */
import type { NatsConnection } from 'nats';
import { SUBJECT_ROOT } from './subject.js';

export const STREAM_NAME = 'BERTH_EVENTS';

const created = new WeakSet<NatsConnection>();

/** Makes sure the events stream exists on this connection's server. */
export async function ensureStream(nc: NatsConnection): Promise<void> {
  if (created.has(nc)) return;
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(STREAM_NAME);
  } catch {
    await jsm.streams
      .add({
        name: STREAM_NAME,
        subjects: [`${SUBJECT_ROOT}.>`],
        // A week or a million events of history, whichever is smaller.
        max_age: 7 * 24 * 3600 * 1e9,
        max_msgs: 1_000_000,
      })
      .catch(async (err: Error) => {
        // Another process created it between our info and add: fine.
        await jsm.streams.info(STREAM_NAME).catch(() => {
          throw err;
        });
      });
  }
  created.add(nc);
}
