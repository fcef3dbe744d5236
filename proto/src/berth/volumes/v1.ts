// berth.volumes.v1: Volumes (create, get, list, delete, prune; volume events).
export * from '../../gen/berth/volumes/v1/volumes.js';
