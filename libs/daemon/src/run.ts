/**
 * The process shell every berth service shares: flags → layered config →
 * logger → the service's own start() → serve on its socket → graceful stop on
 * SIGTERM/SIGINT. A service's main.ts is then only its wiring.
 */
import { Command } from 'commander';
import { loadConfig, type ConfigObject } from '@berth/config';
import { createLogger, type Logger } from '@berth/log';
import type { Server } from '@grpc/grpc-js';
import { serve, type Registration } from '@berth/grpc';

export interface Started {
  /** Socket path to serve on. */
  socket: string;
  services: Registration[];
  /** A server with extra handlers already registered (the gateway's proxy routes). */
  server?: Server;
  /** Socket file mode (default 0660). */
  mode?: number;
  /** Releases what start() opened (db, bus); called after the server stopped. */
  close(): Promise<void>;
}

export interface ServiceSpec<C> {
  /** Process name, e.g. `berth-content`; also the pino `service` field. */
  name: string;
  /** TOML table for this service, e.g. `content`. */
  section: string;
  defaults: C;
  parseConfig(obj: ConfigObject): C;
  start(config: C, log: Logger): Promise<Started>;
}

/** Runs a service process until it is signalled. Exits 1 with one clear line on a start-up failure. */
export async function runService<C extends { logLevel: string }>(
  spec: ServiceSpec<C>,
  argv = process.argv,
): Promise<void> {
  const program = new Command(spec.name)
    .option(
      '-c, --config <file>',
      'config file (TOML)',
      process.env['BERTH_CONFIG'] ?? '/etc/berth/config.toml',
    )
    .option('--root <dir>', 'state root (data goes in <root>/<service>)')
    .option('--state <dir>', 'runtime dir for sockets')
    .option('--nats <url>', 'NATS server URL')
    .option('--log-level <level>', 'trace|debug|info|warn|error')
    .parse(argv);
  const o = program.opts<{
    config: string;
    root?: string;
    state?: string;
    nats?: string;
    logLevel?: string;
  }>();
  let log: Logger | undefined;
  try {
    const config = spec.parseConfig(
      loadConfig({
        defaults: spec.defaults as unknown as ConfigObject,
        file: o.config,
        fileOptional: true,
        section: spec.section,
        env: process.env,
        flags: { root: o.root, state: o.state, nats: o.nats, logLevel: o.logLevel },
      }),
    );
    log = createLogger({ service: spec.name, level: config.logLevel });
    const started = await spec.start(config, log);
    const server = await serve(started.socket, started.services, log, {
      ...(started.server ? { server: started.server } : {}),
      ...(started.mode !== undefined ? { mode: started.mode } : {}),
    });
    log.info({ socket: started.socket }, 'serving');
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log!.info({ signal }, 'stopping');
      await server.stop();
      await started.close();
      log!.flush();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (log) log.fatal({ err }, 'start-up failed');
    process.stderr.write(`${spec.name}: ${msg}\n`);
    process.exit(1);
  }
}
