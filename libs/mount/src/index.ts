/**
 * @module @berth/mount — mounting containerd Mount descriptions (bind, overlay) on the host.
 */
export { mountAll, unmount, withTempMount } from './mount.js';
export { parseOptions, compactLowerdirs } from './options.js';
