/** The clients and stores the transfer operations share; built once in main.ts. */
import type { ContentStore, Locator } from '@berth/content';
import type { Snapshotter } from '@berth/snapshots';
import type { EventPublisher } from '@berth/events';
import type { DiffClient } from '@berth/proto/diff/v1';
import type { ImageStore } from './store.js';

export interface TransferDeps {
  /** berth-content, dialled directly on <state>/content.sock. */
  content: ContentStore & Locator;
  /** berth-snapshotter's snapshots and diff APIs on <state>/snapshotter.sock. */
  snapshots: Snapshotter;
  diff: DiffClient;
  images: ImageStore;
  bus: EventPublisher;
  /** docker config.json with registry credentials (`berth login`). */
  authFile: string;
  /** daemon.json-like registry settings: insecure registries, mirrors, certs dir. */
  registries: { insecure: string[]; mirrors: string[]; certsDir: string };
}
