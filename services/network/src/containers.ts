/**
 * What berth-network learns about containers from berth-runtime: whether one
 * still exists (asked over its socket), and that one was deleted (its
 * /containers/delete event on the bus), so a container's networking never
 * outlives it.
 */
import { existsSync } from 'node:fs';
import { connectBus, type EventBus } from '@berth/events';
import { isNotFound } from '@berth/errdefs';
import { dial, unary } from '@berth/grpc';
import type { Logger } from '@berth/log';
import { ContainerDelete } from '@berth/proto/events';
import { ContainersClient } from '@berth/proto/containers/v1';
import type { ContainerExists } from './reconcile.js';

/** Asks berth-runtime; undefined when it is not deployed (no socket) or does not answer. */
export function runtimeContainers(socket: string): { exists: ContainerExists; close(): void } {
  let client: ContainersClient | undefined;
  return {
    async exists(ns, id) {
      if (!existsSync(socket)) return undefined;
      client ??= dial(ContainersClient, socket);
      try {
        await unary(client, client.get, { id }, { ns, timeoutMs: 3_000, service: 'berth-runtime' });
        return true;
      } catch (err) {
        return isNotFound(err) ? false : undefined;
      }
    },
    close() {
      client?.close();
    },
  };
}

/**
 * Calls `onDelete` for every /containers/delete event, in any namespace, until closed.
 * Connecting waits for NATS in the background; start-up never blocks on it.
 */
export function watchContainerDeletes(
  nats: string,
  log: Logger,
  onDelete: (ns: string, id: string) => Promise<void>,
): { close(): Promise<void> } {
  const ac = new AbortController();
  let bus: EventBus | undefined;
  const run = async () => {
    bus = await connectBus(nats, 'berth-network-subscriber');
    if (ac.signal.aborted) return void (await bus.close());
    while (!ac.signal.aborted) {
      try {
        for await (const env of bus.subscribe({ signal: ac.signal })) {
          if (env.topic !== '/containers/delete' || !env.event) continue;
          const { id } = ContainerDelete.decode(env.event.value);
          await onDelete(env.namespace, id).catch((err: unknown) =>
            log.warn({ err, ns: env.namespace, containerId: id }, 'failed to detach a deleted container'),
          );
        }
      } catch (err) {
        if (ac.signal.aborted) break;
        log.warn({ err }, 'container event subscription failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };
  const done = run().catch((err: unknown) => log.error({ err }, 'container event subscription stopped'));
  return {
    async close() {
      ac.abort();
      await bus?.close().catch(() => undefined);
      await Promise.race([done, new Promise((r) => setTimeout(r, 1_000))]);
    },
  };
}
