/**
 * Loading of the compiled addon (build/Release/berth_native.node). It is loaded on
 * first use, not on import, so that packages importing `@berth/native` for its types
 * or constants names still load where the addon is not built.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failedPrecondition } from '@berth/errdefs';
import type { NativeConstants } from './constants.js';

/**
 * The raw functions exported by the C addon. They throw plain system errors
 * (`.code`, `.errno`, `.syscall`, `.path`); the wrappers in this package turn them into
 * BerthErrors.
 *
 * @internal
 */
export interface NativeAddon {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Uint8Array, flags?: number): void;
  lgetxattr(path: string, name: string): Buffer | undefined;
  llistxattr(path: string): string[];
  lremovexattr(path: string, name: string): void;
  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number,
    data: string | null,
  ): void;
  umount2(target: string, flags?: number): void;
  readonly constants: NativeConstants;
}

const require = createRequire(import.meta.url);

/**
 * The addon built by `npm run build`. src/ and dist/ are both one level below the package
 * root, so this resolves the same from the TypeScript sources and from the build output.
 *
 * @internal
 */
export const DEFAULT_ADDON_PATH = join(
  fileURLToPath(new URL('..', import.meta.url)),
  'build',
  'Release',
  'berth_native.node',
);

/**
 * Returns the path the addon is loaded from: `BERTH_NATIVE_ADDON` when set (bundled
 * apps, where import.meta.url no longer points into this package), else DEFAULT_ADDON_PATH.
 *
 * @internal
 */
export function addonPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['BERTH_NATIVE_ADDON'] || DEFAULT_ADDON_PATH;
}

/**
 * Loads the addon at `path` (no caching). Throws FailedPrecondition, with the loader's
 * error as cause, when the file is missing or cannot be loaded.
 *
 * @internal
 */
export function loadAddon(path: string = addonPath()): NativeAddon {
  try {
    return require(path) as NativeAddon;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw failedPrecondition(
      `load native addon ${path} (build it with \`npx nx run @berth/native:build\` or set BERTH_NATIVE_ADDON): ${reason}`,
      err,
    );
  }
}

let loaded: NativeAddon | undefined;

/**
 * Returns the addon, loading it on the first call. A failed load is retried on the next call.
 *
 * @internal
 */
export function addon(): NativeAddon {
  loaded ??= loadAddon();
  return loaded;
}
