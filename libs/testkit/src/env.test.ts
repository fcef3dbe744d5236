import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv } from './env.js';

describe('cleanEnv', () => {
  afterEach(() => {
    delete process.env['BERTH_TESTKIT_PROBE'];
  });

  it('drops inherited BERTH_* variables and applies extras last', () => {
    process.env['BERTH_TESTKIT_PROBE'] = 'leak';
    const env = cleanEnv({ BERTH_ROOT: '/r', PATH: undefined });
    expect(env['BERTH_TESTKIT_PROBE']).toBeUndefined();
    expect(env['BERTH_ROOT']).toBe('/r');
    expect('PATH' in env).toBe(false);
  });
});
