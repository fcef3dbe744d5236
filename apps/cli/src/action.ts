/**
 * Lazy command actions. main.ts declares every command with its options, but a
 * handler module (and everything it imports: grpc-js, protos, content code) is
 * loaded only when that command runs: `lazy(() => import('./ls.js'))`.
 * This module must stay free of runtime imports other than dynamic ones.
 */
import type { Command } from 'commander';
import type { Context } from './context.js';

/** A command handler module: `run` gets the context, the positional arguments and the command's options. */
export interface CommandModule<A extends unknown[] = unknown[], O = unknown> {
  /** Returns the exit status (default 0). Throws to fail with `berth: <message>`. */
  run(ctx: Context, args: A, opts: O): Promise<number | void>;
}

/** Returns a commander action that loads the handler module on first use and runs it. */
export function lazy(load: () => Promise<CommandModule>) {
  return async (...params: unknown[]): Promise<void> => {
    // commander calls actions with (...positional, options, command).
    const cmd = params[params.length - 1] as Command;
    const opts = params[params.length - 2];
    const args = params.slice(0, -2);
    const { execute } = await import('./execute.js');
    await execute(cmd, load, args, opts);
  };
}
