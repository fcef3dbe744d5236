/**
 * Usage errors: bad flags or arguments found before anything reaches the
 * server. They exit with status 2, like commander's own parse errors.
 */

/** An error in how the command was invoked; the message is shown as is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs `parse` and rethrows any failure as a UsageError with the same message. */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}
