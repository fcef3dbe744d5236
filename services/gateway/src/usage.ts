/**
 * Asks every backend what it still holds in a namespace before the gateway
 * deletes it. A backend whose socket file does not exist is not deployed and
 * holds nothing; one whose socket refuses is down, and deletion must wait
 * (Unavailable) rather than orphan its objects. UNIMPLEMENTED: holds nothing namespaced.
 */
import { access } from 'node:fs/promises';
import { NamespaceUsageClient } from '@berth/proto/berth/namespaces/v1';
import { dial, unary } from '@berth/grpc';
import { isNotImplemented } from '@berth/errdefs';
import type { ResolvedBackend } from './routes.js';
import type { UsageProbe } from './namespaces.js';

export function usageProbe(backends: ResolvedBackend[]): UsageProbe & { close(): void } {
  const clients = backends.map((b) => ({ b, c: dial(NamespaceUsageClient, b.socket) }));
  const probe = async (ns: string) => {
    const held: string[] = [];
    for (const { b, c } of clients) {
      if (
        !(await access(b.socket).then(
          () => true,
          () => false,
        ))
      )
        continue;
      try {
        const r = await unary(c, c.usage, { namespace: ns }, { service: b.process, timeoutMs: 10_000 });
        held.push(...r.resources.map((x) => `${x} (${b.process})`));
      } catch (err) {
        if (!isNotImplemented(err)) throw err;
      }
    }
    return held;
  };
  return Object.assign(probe, { close: () => clients.forEach(({ c }) => c.close()) });
}
