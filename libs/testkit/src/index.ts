/**
 * @module @berth/testkit — launches real berth processes for system tests: temporary roots,
 * free ports, nats-server, services, whole suites and the CLI, plus `waitFor` and guards.
 * For tests only: production `src/` must not import it. Every process it starts is
 * SIGKILLed when the test process exits.
 */
export { tempRoot } from './temp-root.js';
export type { TempRoot } from './temp-root.js';
export { freePort } from './free-port.js';
export { waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
export { requiresRoot, hasBinary, findBinary } from './guards.js';
export { canConnect } from './socket.js';
export type { ConnectTarget } from './socket.js';
export { startNats } from './nats.js';
export type { NatsServer, StartNatsOptions } from './nats.js';
export { startService } from './service.js';
export type { ServiceProcess, StartServiceOptions } from './service.js';
export { startSuite } from './suite.js';
export type { Suite, StartSuiteOptions } from './suite.js';
export { runCli, runProcess } from './cli.js';
export type { CliResult, RunCliOptions, RunProcessOptions } from './cli.js';
export { repoRoot, serviceEntry, cliEntry, socketPath } from './paths.js';
export type { ProcessExit } from './child.js';
export { startRegistry, registrySkipReason } from './registry.js';
export type { TestRegistry, StartRegistryOptions } from './registry.js';
export { reapContainers, umountAll, mountsUnder } from './containers.js';
export {
  pickSuiteNetwork,
  detachAllNetworks,
  removeSuiteNetworking,
  dropIdleSharedChains,
  cidrsOverlap,
} from './networks.js';
export type { SuiteNetwork } from './networks.js';
