import { describe, expect, it } from 'vitest';
import { httpError, notJson, registryMessage } from './errors.js';
import { backoffDelay, defaultRetryPolicy } from './retry.js';

describe('httpError', () => {
  const s = {
    subject: 'h/test/busybox:nope',
    request: 'GET http://h/v2/test/busybox/manifests/nope',
    fallback: 'manifest unknown',
  };

  it('uses the registry message and maps the status to a kind', () => {
    const body = JSON.stringify({
      errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {} }],
    });
    const err = httpError(404, 'Not Found', body, s);
    expect([err.kind, err.message]).toEqual(['NotFound', 'manifest unknown: h/test/busybox:nope']);
    expect(httpError(403, 'Forbidden', '', s).kind).toBe('PermissionDenied');
    expect(httpError(401, 'Unauthorized', '', s).message).toBe(
      'authentication required: h/test/busybox:nope',
    );
    expect(httpError(503, 'Service Unavailable', '', s).kind).toBe('Unavailable');
    expect(httpError(429, 'Too Many Requests', '', s).kind).toBe('ResourceExhausted');
  });

  it('keeps errors on one line', () => {
    const err = httpError(502, 'Bad Gateway', '<html>\n<body>\nbad\n</body></html>', s);
    expect(err.message).toBe(`${s.request}: 502 Bad Gateway (<html> <body> bad </body></html>)`);
    expect(notJson('GET u', 'text/html; charset=utf-8', '<p>\nx</p>').message).toBe(
      'GET u: expected JSON, got text/html (<p> x</p>)',
    );
    expect(registryMessage('not json')).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially within its cap and honours Retry-After', () => {
    const p = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    for (let i = 0; i < 50; i++) {
      const d1 = backoffDelay(p, 1);
      const d3 = backoffDelay(p, 3);
      expect(d1).toBeGreaterThanOrEqual(50);
      expect(d1).toBeLessThanOrEqual(100);
      expect(d3).toBeGreaterThanOrEqual(200);
      expect(d3).toBeLessThanOrEqual(400);
      expect(backoffDelay(p, 10)).toBeLessThanOrEqual(1000);
    }
    expect(backoffDelay(p, 1, '0')).toBe(0);
    expect(backoffDelay(p, 1, '30')).toBe(1000);
  });
});
