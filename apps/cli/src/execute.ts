/**
 * Runs one command handler to completion and exits the process: builds the
 * context, applies --timeout, prints errors as one line (or with --debug the
 * kind and stack), closes clients, flushes output. Loaded lazily by action.ts.
 *
 * Exit statuses: 0 ok, 1 failure, 2 usage error, 130 interrupted.
 */
import type { Command } from 'commander';
import { deadlineExceeded, kindOf } from '@berth/errdefs';
import { formatError, formatErrorDebug } from '@berth/cli-kit';
import { createContext, type Context, type GlobalOptions } from './context.js';
import { UsageError } from './usage.js';
import type { CommandModule } from './action.js';

/** Runs the handler `load` provides with `args` and `opts`, then exits with its status. */
export async function execute(
  cmd: Command,
  load: () => Promise<CommandModule>,
  args: unknown[],
  opts: unknown,
): Promise<never> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  // A closed pipe on stdout (`… | head`) arrives as an 'error' event, not a throw.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));
  let ctx: Context | undefined;
  let code: number;
  try {
    ctx = createContext(g);
    const mod = await load();
    code = (await withDeadline(mod.run(ctx, args, opts), ctx.timeoutMs)) ?? 0;
  } catch (err) {
    code = report(err, g);
  } finally {
    ctx?.close();
  }
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  // NOTE: exit explicitly: a gRPC channel or a stdin listener would otherwise keep
  // the process alive, and exiting at once is part of the CLI's latency budget.
  process.exit(code);
}

function withDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (!ms) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineExceeded(`timed out after ${ms} ms (--timeout)`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Prints `err` on stderr and returns the exit status for it. */
export function report(err: unknown, g: Partial<GlobalOptions>): number {
  // The reader went away (`berth content get … | head`): not an error worth a message.
  if ((err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 0;
  const o = g.address ? { address: g.address } : {};
  process.stderr.write((g.debug ? formatErrorDebug(err, o) : formatError(err, o)) + '\n');
  if (err instanceof UsageError) return 2;
  return kindOf(err) === 'Canceled' ? 130 : 1;
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0 || stream.destroyed) return resolve();
    stream.write('', () => resolve());
  });
}
