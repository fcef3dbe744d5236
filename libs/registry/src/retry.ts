/**
 * Exponential backoff with "equal jitter" (half of base·2^n fixed, half random),
 * capped, and honouring a short Retry-After from the registry.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How often and how patiently a request is repeated. */
export interface RetryPolicy {
  /** Total attempts including the first (default 4). */
  maxAttempts: number;
  /** Delay scale in ms for the first retry (default 200). */
  baseDelayMs: number;
  /** Upper bound for one delay in ms (default 5000). */
  maxDelayMs: number;
}

/** The defaults: 4 attempts, 200 ms base, 5 s cap. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000 };

/** Returns the delay before retry number `retry` (1-based), in ms. */
export function backoffDelay(policy: RetryPolicy, retry: number, retryAfter?: string): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const seconds = retryAfter !== undefined ? Number(retryAfter) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(policy.maxDelayMs, seconds * 1000);
  // Half fixed, half random: spreads clients out while keeping the growth visible.
  return cap / 2 + Math.random() * (cap / 2);
}

/** Waits before retry number `retry`; rejects early when `signal` aborts. */
export function waitBeforeRetry(
  policy: RetryPolicy,
  retry: number,
  retryAfter: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  return sleep(backoffDelay(policy, retry, retryAfter), undefined, { signal });
}
