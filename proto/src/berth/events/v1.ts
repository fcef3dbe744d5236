// berth.events.v1: Audit (replay of recorded events).
export * from '../../gen/berth/events/v1/audit.js';
