/**
 * One HTTP exchange over node:http/https: no retries, no auth, no redirects (the session does
 * those). node:https is used rather than fetch because per-registry CA files and
 * "https without verification" need a custom agent, which fetch only takes from the undici package.
 */
import type { Agent as HttpAgent } from 'node:http';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { dataLoss, deadlineExceeded } from '@berth/errdefs';

/** A request body: bytes, or a factory for a fresh stream (so that a retry can send it again). */
export type Body = Buffer | (() => Readable);

/** What {@link exchange} sends. */
export interface ExchangeRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Body;
  /** Agent for this origin (custom CA, insecure TLS); the global agent when absent. */
  agent?: HttpAgent | HttpsAgent;
  /** Socket idle timeout in ms: no bytes for this long fails the request (and the body stream). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** An answer whose body has not been read yet. Read it, or call `discard()`. */
export interface ExchangeResponse {
  status: number;
  statusText: string;
  headers: IncomingMessage['headers'];
  url: URL;
  body: IncomingMessage;
  /** Drops the body and frees the socket. */
  discard(): void;
}

/** Returns a header value as one string (first of several). */
export function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Sends one request and resolves when the response headers arrive. Rejects with the socket error. */
export function exchange(req: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    const send = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    const r = send(req.url, { method: req.method, headers, agent: req.agent, signal: req.signal });
    r.setTimeout(req.timeoutMs, () => {
      r.destroy(
        Object.assign(deadlineExceeded(`${req.method} ${req.url.href}: no answer for ${req.timeoutMs} ms`), {
          code: 'ETIMEDOUT',
        }),
      );
    });
    r.once('error', reject);
    r.once('response', (res) => {
      // The request's idle timeout keeps watching the socket while the body streams.
      res.once('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        url: req.url,
        body: res,
        discard: () => {
          res.resume();
        },
      });
    });
    if (req.body === undefined || Buffer.isBuffer(req.body)) {
      r.end(req.body);
      return;
    }
    const src = req.body();
    src.once('error', (err) => r.destroy(err));
    src.pipe(r);
  });
}

/** Reads a whole response body as text, refusing more than `limit` bytes. */
export async function readText(res: ExchangeResponse, limit = 4 << 20): Promise<string> {
  return (await readBytes(res, limit)).toString('utf8');
}

/** Reads a whole response body, refusing more than `limit` bytes (a manifest or token, not a blob). */
export async function readBytes(res: ExchangeResponse, limit = 4 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) {
      res.body.destroy();
      throw dataLoss(`${res.url.href}: response larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
