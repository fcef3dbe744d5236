/**
 * Turns registry HTTP answers and socket failures into BerthErrors. Every message is one line
 * and names what was asked for (`host/repo:tag`, `host/repo@digest`) or the URL, so that a CLI
 * can print it as is.
 */
import {
  BerthError,
  canceled,
  dataLoss,
  deadlineExceeded,
  isBerthError,
  unavailable,
  type ErrorKind,
} from '@berth/errdefs';

/** The body of a distribution-spec error response: `{"errors":[{code,message,detail}]}`. */
interface DistributionErrors {
  errors?: { code?: string; message?: string }[];
}

/** Collapses whitespace and cuts `text` to `max` characters, for quoting bodies in one line. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Returns the registry's own error text (`manifest unknown; blob unknown`) from a JSON body, if any. */
export function registryMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as DistributionErrors;
    const msgs = (parsed.errors ?? [])
      .map((e) => e.message || e.code?.toLowerCase().replace(/_/g, ' '))
      .filter((m): m is string => !!m);
    return msgs.length ? oneLine(msgs.join('; '), 300) : undefined;
  } catch {
    return undefined;
  }
}

function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'Unauthenticated';
  if (status === 403) return 'PermissionDenied';
  if (status === 404) return 'NotFound';
  if (status === 405) return 'NotImplemented';
  if (status === 409) return 'Conflict';
  if (status === 416) return 'OutOfRange';
  if (status === 429) return 'ResourceExhausted';
  if (status >= 500) return 'Unavailable';
  if (status >= 400) return 'InvalidArgument';
  return 'Unknown';
}

// For answers without an error body (HEAD): the phrase distribution itself would use.
const STATUS_PHRASE: Record<number, string> = {
  401: 'authentication required',
  403: 'requested access to the resource is denied',
  404: 'not found',
};

/** What an error response is about, for its message. */
export interface ErrorSubject {
  /** `host/repo:tag`, `host/repo@digest` or `host`. */
  subject: string;
  /** The request, `GET http://…`, quoted when the body says nothing useful. */
  request: string;
  /** Used when the registry sends no error body (HEAD requests): `manifest unknown`. */
  fallback?: string;
}

/**
 * Returns the BerthError for a non-success HTTP answer: 401 → Unauthenticated, 403 →
 * PermissionDenied, 404 → NotFound, 5xx → Unavailable, other 4xx → InvalidArgument (see
 * kindForStatus). The registry's message comes first: `manifest unknown: host/repo:tag`.
 */
export function httpError(status: number, statusText: string, body: string, s: ErrorSubject): BerthError {
  const fromRegistry = registryMessage(body);
  const kind = kindForStatus(status);
  let message: string;
  if (fromRegistry) message = `${fromRegistry}: ${s.subject}`;
  else if (STATUS_PHRASE[status])
    message = `${status === 404 ? (s.fallback ?? 'not found') : STATUS_PHRASE[status]}: ${s.subject}`;
  else {
    const text = body.trim() ? ` (${oneLine(body, 80)})` : '';
    message = `${s.request}: ${status} ${statusText}${text}`;
  }
  return new BerthError(kind, message);
}

/** Returns the DataLoss error for a body that should be JSON and is not (an HTML login page, a proxy error). */
export function notJson(request: string, contentType: string | undefined, body: string): BerthError {
  const what = contentType ? contentType.split(';')[0] : 'no content type';
  return dataLoss(`${request}: expected JSON, got ${what} (${oneLine(body, 80)})`);
}

/** Parses `body` as JSON or throws {@link notJson}. */
export function parseJson<T>(request: string, contentType: string | undefined, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch {
    throw notJson(request, contentType, body);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

/** Reports whether `err` is a socket-level failure worth another attempt (not DNS NXDOMAIN, not TLS). */
export function isRetryableNetworkError(err: unknown): boolean {
  if (isBerthError(err)) return err.kind === 'Unavailable' || err.kind === 'DeadlineExceeded';
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && NETWORK_CODES.has(code) && code !== 'ENOTFOUND';
}

/** Reports whether `err` happened in the TLS layer (handshake with a plain-http server, bad certificate). */
export function isTlsError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  return (
    code === 'EPROTO' ||
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('CERT_') ||
    code.includes('SELF_SIGNED') ||
    code.startsWith('UNABLE_TO_') ||
    /ssl|tls/i.test(e?.message ?? '')
  );
}

/** Turns a socket/TLS failure into Unavailable (or DeadlineExceeded) naming the request. */
export function networkError(err: unknown, request: string): BerthError {
  if (isBerthError(err)) return err;
  const e = err as NodeJS.ErrnoException;
  const message = e?.message ?? String(err);
  if (e?.name === 'AbortError') return canceled(`${request}: canceled`, err);
  if (e?.code === 'ETIMEDOUT') return deadlineExceeded(`${request}: ${oneLine(message)}`, err);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') {
    return unavailable(`${request}: cannot resolve host (${e.code})`, err);
  }
  const what = isTlsError(err) ? 'tls' : 'connection failed';
  return unavailable(`${request}: ${what}: ${oneLine(message)}`, err);
}
