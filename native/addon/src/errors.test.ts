import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BerthError, notFound, wrap } from '@berth/errdefs';
import { errnoOf } from './index.js';
import { toBerthError } from './errors.js';

/** A system error shaped like the addon's. */
function systemError(code: string, errno: number, syscall: string, path: string): Error {
  return Object.assign(new Error(`${syscall} ${path}: reason`), { code, errno, syscall, path });
}

describe('errnoOf', () => {
  it('returns the code of a system error', () => {
    expect(errnoOf(systemError('EXDEV', 18, 'rename', '/a'))).toBe('EXDEV');
  });

  it('walks the cause chain', () => {
    const err = wrap(toBerthError(systemError('ENOTSUP', 95, 'lsetxattr', '/a')), 'copy up /a');
    expect(errnoOf(err)).toBe('ENOTSUP');
  });

  it('understands node:fs errors too', () => {
    let err: unknown;
    try {
      readFileSync('/nonexistent/berth-native');
    } catch (e) {
      err = e;
    }
    expect(errnoOf(err)).toBe('ENOENT');
  });

  it('returns undefined without a system error', () => {
    expect(errnoOf(notFound('x'))).toBeUndefined();
    expect(errnoOf(new TypeError('bad'))).toBeUndefined();
    expect(errnoOf(Object.assign(new Error('m'), { code: 'MODULE_NOT_FOUND' }))).toBeUndefined();
    expect(errnoOf(undefined)).toBeUndefined();
  });
});

describe('toBerthError', () => {
  it.each([
    ['ENOENT', 'NotFound'],
    ['EEXIST', 'AlreadyExists'],
    ['EPERM', 'PermissionDenied'],
    ['EACCES', 'PermissionDenied'],
    ['EXDEV', 'Internal'],
  ])('maps %s to %s and keeps the cause', (code, kind) => {
    const cause = systemError(code, 1, 'mknod', '/x/y');
    const err = toBerthError(cause) as BerthError;
    expect(err).toBeInstanceOf(BerthError);
    expect(err.kind).toBe(kind);
    expect(err.message).toBe('mknod /x/y: reason');
    expect(err.cause).toBe(cause);
  });

  it('leaves errors that are not system errors alone', () => {
    const bug = new TypeError('mode must be a number');
    expect(toBerthError(bug)).toBe(bug);
  });
});
