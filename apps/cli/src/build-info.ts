/** What the bundler inlines about this build (see build.mjs `define`). */

declare const __BERTH_VERSION__: string | undefined;

/** The CLI's version (apps/cli/package.json), or `0.0.0-dev` when run from sources. */
export const CLIENT_VERSION: string = typeof __BERTH_VERSION__ === 'string' ? __BERTH_VERSION__ : '0.0.0-dev';
