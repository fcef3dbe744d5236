/**
 * berth-network's events: /networks/create|delete|connect|disconnect with the
 * payloads of berth.network.v1 (Any type_url = the full message name).
 */
import { packAny, type EventPublisher } from '@berth/events';
import {
  NetworkConnect,
  NetworkCreate,
  NetworkDelete,
  NetworkDisconnect,
} from '@berth/proto/berth/network/v1';
import type { NetworkRecord } from './records.js';

export interface NetworkEvents {
  created(ns: string, net: NetworkRecord): void;
  deleted(ns: string, net: NetworkRecord): void;
  connected(ns: string, e: { networkId: string; network: string; containerId: string; ip: string }): void;
  disconnected(ns: string, e: { networkId: string; network: string; containerId: string }): void;
}

export function networkEvents(bus: EventPublisher): NetworkEvents {
  return {
    created(ns, net) {
      bus.publish(
        ns,
        '/networks/create',
        packAny('berth.network.v1.NetworkCreate', NetworkCreate, {
          id: net.id,
          name: net.name,
          driver: net.driver,
        }),
      );
    },
    deleted(ns, net) {
      bus.publish(
        ns,
        '/networks/delete',
        packAny('berth.network.v1.NetworkDelete', NetworkDelete, { id: net.id, name: net.name }),
      );
    },
    connected(ns, e) {
      bus.publish(ns, '/networks/connect', packAny('berth.network.v1.NetworkConnect', NetworkConnect, e));
    },
    disconnected(ns, e) {
      bus.publish(
        ns,
        '/networks/disconnect',
        packAny('berth.network.v1.NetworkDisconnect', NetworkDisconnect, e),
      );
    },
  };
}
