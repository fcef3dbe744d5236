import { connect } from 'node:net';

/** A unix socket path, or a TCP host and port. */
export type ConnectTarget = string | { host: string; port: number };

/**
 * Resolves true when a connection to `target` is accepted within `timeoutMs`, else false.
 * Never rejects; the connection is closed at once.
 */
export function canConnect(target: ConnectTarget, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const sock = typeof target === 'string' ? connect(target) : connect(target.port, target.host);
    const finish = (ok: boolean): void => {
      sock.destroy();
      done(ok);
    };
    sock.setTimeout(timeoutMs, () => finish(false));
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}
