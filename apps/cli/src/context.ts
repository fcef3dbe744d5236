/**
 * What every command handler gets: the resolved global options, the output
 * streams, call options for @berth/grpc, and a place to register cleanup
 * (closing gRPC channels) that runs however the command ends.
 */
import type { CallOpts } from '@berth/grpc';
import { parseDuration } from '@berth/cli-kit';
import { asUsage } from './usage.js';

/** The global options as commander parsed them (see main.ts). */
export interface GlobalOptions {
  address: string;
  namespace: string;
  debug?: boolean;
  timeout?: string;
}

export interface Context {
  /** The gateway socket (or any socket serving the called API). */
  readonly address: string;
  readonly namespace: string;
  readonly debug: boolean;
  /** `--timeout` in milliseconds; undefined when not given. */
  readonly timeoutMs: number | undefined;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Options for unary calls: namespace header, deadline, and `berth` in Unavailable messages. */
  callOpts(): CallOpts;
  /** Registers `fn` to run when the command ends (last registered runs first). */
  defer(fn: () => void): void;
  /** Runs the deferred functions; called once by the runner. */
  close(): void;
}

/** Builds the context; throws UsageError for a bad `--timeout`. */
export function createContext(g: GlobalOptions): Context {
  const timeoutMs = g.timeout === undefined ? undefined : asUsage(() => parseDuration(g.timeout ?? ''));
  const deferred: (() => void)[] = [];
  return {
    address: g.address,
    namespace: g.namespace,
    debug: g.debug === true,
    timeoutMs,
    stdout: process.stdout,
    stderr: process.stderr,
    callOpts: () => ({ ns: g.namespace, service: 'berth', ...(timeoutMs ? { timeoutMs } : {}) }),
    defer: (fn) => deferred.push(fn),
    close() {
      for (const fn of deferred.splice(0).reverse()) {
        try {
          fn();
        } catch {
          // Cleanup is best effort: the process is about to exit.
        }
      }
    },
  };
}
