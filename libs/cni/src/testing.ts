/** Helpers for this package's unit tests (not part of its API). */

/** What `fn` throws, or undefined when it returns. */
export function catchErr(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
