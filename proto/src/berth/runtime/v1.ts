// berth.runtime.v1: Runtime (resolve, list, inspect, rename, logs, attach, top).
export * from '../../gen/berth/runtime/v1/runtime.js';
