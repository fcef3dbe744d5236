// berth.content.v1: LocalContent (same-host ingest and read shortcuts).
export * from '../../gen/berth/content/v1/local.js';
