/** The containerd clients the ctr-style groups use, and small shared helpers. */
import { ContainersClient } from '@berth/proto/containers/v1';
import { TasksClient } from '@berth/proto/tasks/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

export const openContainers = (ctx: Context): ContainersClient => openClient(ctx, ContainersClient);
export const openTasks = (ctx: Context): TasksClient => openClient(ctx, TasksClient);

/** Go's time.Time JSON (RFC 3339 with the fraction's trailing zeros dropped). */
export function goJsonTime(d: Date | undefined): string {
  if (!d) return '0001-01-01T00:00:00Z';
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : 'Z'));
}
