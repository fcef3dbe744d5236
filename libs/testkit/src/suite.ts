import { join } from 'node:path';
import { reapContainers, umountAll } from './containers.js';
import { freePort } from './free-port.js';
import { startNats, type NatsServer } from './nats.js';
import {
  detachAllNetworks,
  pickSuiteNetwork,
  removeSuiteNetworking,
  suiteNetwork,
  type SuiteNetwork,
} from './networks.js';
import { socketPath } from './paths.js';
import { startService, type ServiceProcess } from './service.js';
import { tempRoot } from './temp-root.js';

/** Options for {@link startSuite}. */
export interface StartSuiteOptions {
  /** Services to start, in order, before the gateway (default `['content']`). */
  services?: string[];
  /** Start a nats-server (default true). When false, services get a NATS URL nobody listens on. */
  withNats?: boolean;
  /**
   * Extra environment for every service. With 'network' among the services, it is merged over
   * the suite's own BERTH_NETWORK_DEFAULT_BRIDGE / _DEFAULT_SUBNET / _SUBNET_POOL.
   */
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
  /**
   * With 'network': the suite's own default bridge device, its subnet and the pool user networks
   * take theirs from (each /16 reserved for this suite; a test may carve /24s out of the pool).
   * The values of `env` win when it sets them. Undefined without 'network'.
   */
  network: SuiteNetwork | undefined;
  /**
   * Environment for CLI runs against this suite: `BERTH_DEFAULT_NETWORK=none` when the suite has
   * no berth-network, so `berth run`/`create` need no networking. `runCli` applies it by itself
   * to every run whose `address` is this suite's (before the run's own `env`).
   */
  cliEnv: Record<string, string>;
  /**
   * Stops every service (reverse order), then NATS, then removes the temporary directory;
   * idempotent. With 'network', every container is first detached and every user network
   * deleted through the gateway, and afterwards the suite's bridges and rules are removed.
   */
  stop(): Promise<void>;
}

/** `cliEnv` of each running suite by gateway socket, for runCli. */
const cliEnvs = new Map<string, Record<string, string>>();

/** The CLI environment of the suite listening on `address` (empty when none is known). @internal */
export const suiteCliEnv = (address: string): Record<string, string> => cliEnvs.get(address) ?? {};

/**
 * Starts nats-server (unless `withNats` is false), the given services and the gateway, each
 * under one fresh temporary root. If any start fails, everything already started is stopped
 * and the directory removed before the error is rethrown.
 */
export async function startSuite(opts: StartSuiteOptions = {}): Promise<Suite> {
  const tmp = tempRoot('berth-');
  const root = join(tmp.dir, 'root');
  const state = join(tmp.dir, 'run');
  const address = socketPath(state, 'gateway');
  const names = (opts.services ?? ['content']).filter((n) => n !== 'gateway');
  const withNetwork = names.includes('network');
  const started: ServiceProcess[] = [];
  let nats: NatsServer | undefined;
  let picked: Awaited<ReturnType<typeof pickSuiteNetwork>> | undefined;
  let network: SuiteNetwork | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    cliEnvs.delete(address);
    const errors: unknown[] = [];
    // Networking first, while berth-network and the runtime still answer.
    if (network && started.some((s) => s.name === 'gateway')) await detachAllNetworks(address);
    for (const svc of [...started].reverse()) await svc.stop().catch((e: unknown) => errors.push(e));
    await nats?.stop().catch((e: unknown) => errors.push(e));
    // Containers outlive berth-runtime by design; a suite must not.
    await reapContainers(state).catch((e: unknown) => errors.push(e));
    if (network) await removeSuiteNetworking(network);
    picked?.release();
    await umountAll(tmp.dir);
    await tmp.cleanup().catch((e: unknown) => errors.push(e));
    if (errors.length) throw new AggregateError(errors, 'startSuite: stop failed');
  };
  try {
    let env: Record<string, string | undefined> = opts.env ?? {};
    if (withNetwork) {
      picked = await pickSuiteNetwork();
      env = { ...picked.net.env, ...env };
      network = suiteNetwork(
        env['BERTH_NETWORK_DEFAULT_BRIDGE'] ?? picked.net.bridge,
        env['BERTH_NETWORK_DEFAULT_SUBNET'] ?? picked.net.subnet,
        env['BERTH_NETWORK_SUBNET_POOL'] ?? picked.net.subnetPool,
      );
    }
    if (opts.withNats ?? true) nats = await startNats({ dir: join(root, 'nats') });
    const natsUrl = nats?.url ?? `nats://127.0.0.1:${await freePort()}`;
    for (const name of [...names, 'gateway']) {
      started.push(await startService(name, { root, state, nats: natsUrl, env }));
    }
    const services = Object.fromEntries(started.map((s) => [s.name, s]));
    const cliEnv: Record<string, string> = withNetwork ? {} : { BERTH_DEFAULT_NETWORK: 'none' };
    cliEnvs.set(address, cliEnv);
    return { root, state, address, nats, natsUrl, services, network, cliEnv, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
