// berth.images.v1: Transfer (pull, push, import, export, unpack, inspect).
export * from '../../gen/berth/images/v1/images.js';
