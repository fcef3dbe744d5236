/**
 * Turning any thrown value into what the CLI prints: one line for people, or
 * the kind, the stack and its causes with --debug.
 */
import { kindOf } from '@berth/errdefs';

export interface FormatErrorOptions {
  /** The socket the CLI dialled; lets "cannot connect" errors name it plainly. */
  address?: string;
  /** Program name for the prefix, default `berth`. */
  program?: string;
}

// grpc-js: "No connection established. Last error: Error: connect ENOENT /run/berth/berth.sock. Resolution note: "
const CONNECT = /connect (E[A-Z]+) (\S+?)\.?(?:\s|$)/;

const socketPath = (address: string) => address.replace(/^unix:(\/\/)?/, '');

/** Returns the message to show for `err`, rewriting an unreachable socket into advice. */
export function describeError(err: unknown, o: FormatErrorOptions = {}): string {
  const raw = err instanceof Error ? err.message : String(err);
  const kind = kindOf(err);
  const m = CONNECT.exec(raw);
  if (kind === 'Unavailable' && m && o.address && m[2] === socketPath(o.address)) {
    const why =
      m[1] === 'EACCES' ? 'permission denied (are you root?)' : 'is the suite running? (berth-suite start)';
    return `cannot reach ${o.program ?? 'berth'} at ${socketPath(o.address)}: ${why}`;
  }
  // grpc-js appends an empty "Resolution note" to connection errors; it helps nobody.
  const msg = raw.replace(/\.? Resolution note: ?$/, '').trim();
  return (msg.split('\n')[0] ?? '') || kind;
}

/** Returns `berth: <message>`, a single line. */
export function formatError(err: unknown, o: FormatErrorOptions = {}): string {
  return `${o.program ?? 'berth'}: ${describeError(err, o)}`;
}

/** Returns the one-line message, then the error kind, each stack and its chain of causes. */
export function formatErrorDebug(err: unknown, o: FormatErrorOptions = {}): string {
  const lines = [formatError(err, o), `kind: ${kindOf(err)}`];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (depth > 0) lines.push('caused by:');
    lines.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = (e as { cause?: unknown }).cause;
  }
  return lines.join('\n');
}
