import { describe, it, expect } from 'vitest';
import { notFound, unavailable } from '@berth/errdefs';
import { describeError, formatError, formatErrorDebug } from './format-error.js';

const grpcDown = (path: string, code = 'ENOENT') =>
  unavailable(
    `berth is unavailable: No connection established. Last error: Error: connect ${code} ${path}. Resolution note: `,
  );

describe('formatError', () => {
  it('prints one prefixed line with the message', () => {
    expect(formatError(notFound('content sha256:abc: not found'))).toBe(
      'berth: content sha256:abc: not found',
    );
    expect(formatError(new Error('first\nsecond'))).toBe('berth: first');
    expect(formatError('plain')).toBe('berth: plain');
  });
  it('turns an unreachable gateway socket into advice', () => {
    const address = '/run/berth/berth.sock';
    expect(formatError(grpcDown(address), { address })).toBe(
      'berth: cannot reach berth at /run/berth/berth.sock: is the suite running? (berth-suite start)',
    );
    expect(formatError(grpcDown(address, 'ECONNREFUSED'), { address: `unix://${address}` })).toContain(
      'cannot reach berth at /run/berth/berth.sock',
    );
    expect(describeError(grpcDown(address, 'EACCES'), { address })).toMatch(/permission denied/);
  });
  it('keeps the message of a service that is down behind a reachable gateway', () => {
    const msg = describeError(grpcDown('/run/berth/content.sock'), { address: '/run/berth/berth.sock' });
    expect(msg).toBe(
      'berth is unavailable: No connection established. Last error: Error: connect ENOENT /run/berth/content.sock',
    );
  });
});

describe('formatErrorDebug', () => {
  it('adds the kind, the stack and the causes', () => {
    const err = unavailable('down', new Error('socket gone'));
    const out = formatErrorDebug(err);
    expect(out.split('\n')[0]).toBe('berth: down');
    expect(out).toContain('kind: Unavailable');
    expect(out).toContain('caused by:');
    expect(out).toContain('Error: socket gone');
  });
});
