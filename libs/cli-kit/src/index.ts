/**
 * @module @berth/cli-kit — small, pure helpers for berth's command-line tools:
 * aligned tables, human sizes and ages, durations, label rendering, a
 * terminal progress bar, binary sniffing and one-line error messages.
 */
export { renderTable } from './table.js';
export { humanSize } from './human-size.js';
export { humanAge, humanDuration } from './human-age.js';
export { parseDuration } from './duration.js';
export { formatLabels } from './labels.js';
export { looksBinary } from './binary.js';
export { ProgressBar, formatEta } from './progress.js';
export type { ProgressBarOptions, ProgressOutput } from './progress.js';
export { formatError, formatErrorDebug, describeError } from './format-error.js';
export type { FormatErrorOptions } from './format-error.js';
