/**
 * @module @berth/labels — label validation and containerd field-mask updates.
 */
export { validateLabels, applyLabelMask, parseLabelArgs, labelPaths } from './labels.js';
export type { Labels } from './labels.js';
