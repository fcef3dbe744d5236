import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy-enough value', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? n : undefined), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('treats 0 and the empty string as values, not as "not yet"', async () => {
    await expect(waitFor(() => 0)).resolves.toBe(0);
    await expect(waitFor(() => '')).resolves.toBe('');
  });

  it('retries when the function throws or rejects', async () => {
    let n = 0;
    const value = await waitFor(
      async () => {
        if (++n < 3) throw new Error('not yet');
        return 'ok';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ok');
  });

  it('times out with an error naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('refused');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'the socket' },
      ),
    ).rejects.toThrow(/timed out after 30 ms waiting for the socket \(last error: refused\)/);
  });

  it('keeps polling a false result until the deadline', async () => {
    const started = Date.now();
    await expect(waitFor(() => false, { timeoutMs: 40, intervalMs: 5 })).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });
});
