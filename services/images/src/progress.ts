/**
 * Progress plumbing shared by pull and push: a queue that turns callbacks from
 * concurrent blob transfers into one server stream, and per-blob throttling of
 * offset updates (status changes always go out; offsets at most ~10/s per blob).
 */
import type { Progress } from '@berth/proto/berth/images/v1';

export type Emit = (p: Progress) => void;

/** A Progress message without the final-message fields. */
export const progress = (ref: string, status: string, offset = 0, total = 0): Progress => ({
  ref,
  status,
  offset,
  total,
  image: undefined,
  name: '',
});

/** Collects messages pushed by `work` and yields them in order until `work` settles (then rethrows its error). */
export async function* streamWhile(
  work: (emit: Emit) => Promise<void>,
  signal?: AbortSignal,
): AsyncGenerator<Progress> {
  const queue: Progress[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  let failure: { err: unknown } | undefined;
  const emit: Emit = (p) => {
    if (signal?.aborted) return;
    queue.push(p);
    wake?.();
  };
  void work(emit).then(
    () => {
      settled = true;
      wake?.();
    },
    (err: unknown) => {
      failure = { err };
      settled = true;
      wake?.();
    },
  );
  for (;;) {
    while (queue.length) yield queue.shift()!;
    if (settled) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  if (failure) throw failure.err;
}

/** Wraps `emit` for one blob: offset-only updates are dropped when less than `everyMs` apart. */
export function throttled(emit: Emit, everyMs = 100): Emit {
  let lastStatus = '';
  let lastAt = 0;
  return (p) => {
    const now = Date.now();
    const change = p.status !== lastStatus || p.offset >= p.total;
    if (!change && now - lastAt < everyMs) return;
    lastStatus = p.status;
    lastAt = now;
    emit(p);
  };
}
