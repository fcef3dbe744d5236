/**
 * berth.volumes.v1 events: /volumes/create and /volumes/delete (Any type_url = the full
 * message name), as berth-network publishes its own.
 */
import { packAny, type EventPublisher } from '@berth/events';
import { VolumeCreate, VolumeDelete } from '@berth/proto/berth/volumes/v1';
import type { VolumeEvents } from './manager.js';

export function volumeEvents(bus: EventPublisher): VolumeEvents {
  return {
    created(ns, v) {
      bus.publish(
        ns,
        '/volumes/create',
        packAny('berth.volumes.v1.VolumeCreate', VolumeCreate, {
          name: v.name,
          driver: v.driver,
          anonymous: v.anonymous,
        }),
      );
    },
    deleted(ns, name) {
      bus.publish(ns, '/volumes/delete', packAny('berth.volumes.v1.VolumeDelete', VolumeDelete, { name }));
    },
  };
}
