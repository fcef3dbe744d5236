import { join } from 'node:path';
import { reapContainers, umountAll } from './containers.js';
import { freePort } from './free-port.js';
import { startNats, type NatsServer } from './nats.js';
import { socketPath } from './paths.js';
import { startService, type ServiceProcess } from './service.js';
import { tempRoot } from './temp-root.js';

/** Options for {@link startSuite}. */
export interface StartSuiteOptions {
  /** Services to start, in order, before the gateway (default `['content']`). */
  services?: string[];
  /** Start a nats-server (default true). When false, services get a NATS URL nobody listens on. */
  withNats?: boolean;
  /** Extra environment for every service. */
  env?: Record<string, string | undefined>;
}

/** A running suite under a private temporary root, started by {@link startSuite}. */
export interface Suite {
  /** BERTH_ROOT of every service (inside the temporary directory). */
  root: string;
  /** BERTH_STATE: where the sockets are. */
  state: string;
  /** The gateway's socket, to pass as `--address`. */
  address: string;
  /** The NATS server, or undefined when started with `withNats: false`. */
  nats: NatsServer | undefined;
  /** The NATS URL the services were given. */
  natsUrl: string;
  /** Started services by name, the gateway included. */
  services: Record<string, ServiceProcess>;
  /** Stops every service (reverse order), then NATS, then removes the temporary directory; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts nats-server (unless `withNats` is false), the given services and the gateway, each
 * under one fresh temporary root. If any start fails, everything already started is stopped
 * and the directory removed before the error is rethrown.
 */
export async function startSuite(opts: StartSuiteOptions = {}): Promise<Suite> {
  const tmp = tempRoot('berth-');
  const root = join(tmp.dir, 'root');
  const state = join(tmp.dir, 'run');
  const started: ServiceProcess[] = [];
  let nats: NatsServer | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const errors: unknown[] = [];
    for (const svc of [...started].reverse()) await svc.stop().catch((e: unknown) => errors.push(e));
    await nats?.stop().catch((e: unknown) => errors.push(e));
    // Containers outlive berth-runtime by design; a suite must not.
    await reapContainers(state).catch((e: unknown) => errors.push(e));
    await umountAll(tmp.dir);
    await tmp.cleanup().catch((e: unknown) => errors.push(e));
    if (errors.length) throw new AggregateError(errors, 'startSuite: stop failed');
  };
  try {
    if (opts.withNats ?? true) nats = await startNats({ dir: join(root, 'nats') });
    const natsUrl = nats?.url ?? `nats://127.0.0.1:${await freePort()}`;
    const names = (opts.services ?? ['content']).filter((n) => n !== 'gateway');
    for (const name of [...names, 'gateway']) {
      started.push(await startService(name, { root, state, nats: natsUrl, env: opts.env ?? {} }));
    }
    const services = Object.fromEntries(started.map((s) => [s.name, s]));
    return { root, state, address: socketPath(state, 'gateway'), nats, natsUrl, services, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
