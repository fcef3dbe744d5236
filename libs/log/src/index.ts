/**
 * @module @berth/log — the pino root logger. Only a process's main.ts calls
 * createLogger; everything else receives a Logger (or a child) as an argument.
 */
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** Service name, put on every line as `service`. */
  service: string;
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  level?: string;
  /** Where lines go; stderr by default so stdout stays free for data. */
  destination?: DestinationStream;
}

/** Returns the root logger for one process. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: opts.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that drops everything; for unit tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
