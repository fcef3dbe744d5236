// berth.network.v1: Networks (networks CRUD, container attach/detach, connect/disconnect, ports).
export * from '../../gen/berth/network/v1/network.js';
