/** Plain data exchanged with a snapshotter. */
import type { Labels } from '@berth/labels';

/** active: writable, has a key; view: read-only, has a key; committed: read-only, has a name, can be a parent. */
export type Kind = 'active' | 'view' | 'committed';

export interface Info {
  /** Key (active, view) or name (committed); unique in a namespace. */
  name: string;
  /** Name of the committed parent, '' for none. */
  parent: string;
  kind: Kind;
  createdAt: Date;
  updatedAt: Date;
  labels: Labels;
}

/** A mount as containerd describes it; sources are real host paths. */
export interface Mount {
  type: string;
  source: string;
  target?: string;
  options: string[];
}

export interface Usage {
  /** Bytes used by this snapshot's own layer (not its parents). */
  size: number;
  inodes: number;
}
