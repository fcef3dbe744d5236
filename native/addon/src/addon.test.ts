import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import { DEFAULT_ADDON_PATH, addonPath, loadAddon } from './addon.js';
import { constants } from './index.js';

describe('addon loading', () => {
  it('finds the built addon from the package root', () => {
    expect(DEFAULT_ADDON_PATH).toMatch(/native\/addon\/build\/Release\/berth_native\.node$/);
    expect(existsSync(DEFAULT_ADDON_PATH)).toBe(true);
  });

  it('takes BERTH_NATIVE_ADDON as an override', () => {
    expect(addonPath({ BERTH_NATIVE_ADDON: '/opt/berth/berth_native.node' })).toBe(
      '/opt/berth/berth_native.node',
    );
    expect(addonPath({})).toBe(DEFAULT_ADDON_PATH);
  });

  it('throws FailedPrecondition naming the path when the addon is missing', () => {
    expect(() => loadAddon('/nonexistent/berth_native.node')).toThrow(
      /load native addon \/nonexistent\/berth_native\.node/,
    );
    try {
      loadAddon('/nonexistent/berth_native.node');
    } catch (err) {
      expect(kindOf(err)).toBe('FailedPrecondition');
    }
  });

  it('exports the Linux flag values', () => {
    expect({ ...constants }).toEqual({
      MS_RDONLY: 1,
      MS_NOSUID: 2,
      MS_NODEV: 4,
      MS_NOEXEC: 8,
      MS_REMOUNT: 32,
      MS_BIND: 4096,
      MS_REC: 16384,
      MS_PRIVATE: 1 << 18,
      MS_SLAVE: 1 << 19,
      MS_SHARED: 1 << 20,
      MNT_DETACH: 2,
      MNT_FORCE: 1,
      S_IFCHR: 0o020000,
      S_IFBLK: 0o060000,
      S_IFIFO: 0o010000,
      XATTR_CREATE: 1,
      XATTR_REPLACE: 2,
    });
    expect(Object.isFrozen(constants)).toBe(true);
  });
});
