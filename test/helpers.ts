/**
 * Shared helpers for the system tests: generated clients on the gateway socket,
 * error-kind assertions, a content ingest shortcut and a timed reader for
 * Events.Subscribe streams.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { WRITE_CHUNK, type ContentStore } from '@berth/content';
import { kindOf } from '@berth/errdefs';
import { dial, serverStream } from '@berth/grpc';
import { ContentClient } from '@berth/proto/content/v1';
import { EventsClient, type Envelope } from '@berth/proto/events/v1';
import { IntrospectionClient } from '@berth/proto/introspection/v1';
import { LeasesClient } from '@berth/proto/leases/v1';
import { NamespacesClient } from '@berth/proto/namespaces/v1';
import { VersionClient } from '@berth/proto/version/v1';
import { cliEntry, hasBinary, registrySkipReason, requiresRoot, serviceEntry } from '@berth/testkit';

/** Why the system tests cannot run here, or undefined when they can. */
export const missingPrerequisite = (): string | undefined =>
  !hasBinary('nats-server')
    ? 'nats-server is not installed'
    : !['content', 'gateway'].every((s) => existsSync(serviceEntry(s)))
      ? 'services are not built (npx nx run-many -t build)'
      : undefined;

export const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Resolves with the error kind `p` rejects with; throws if it resolves. */
export async function kindOfRejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return kindOf(err);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Resolves with the error `p` rejects with; throws if it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Every generated client the tests use, dialled on one socket. */
export function gatewayClients(address: string) {
  const c = {
    version: dial(VersionClient, address),
    introspection: dial(IntrospectionClient, address),
    namespaces: dial(NamespacesClient, address),
    leases: dial(LeasesClient, address),
    events: dial(EventsClient, address),
    content: dial(ContentClient, address),
  };
  return { ...c, close: () => Object.values(c).forEach((x) => x.close()) };
}

/** Ingests and commits `data` through `store`; returns its digest. */
export async function ingest(
  store: ContentStore,
  ns: string,
  ref: string,
  data: Uint8Array,
  opts: { labels?: Record<string, string>; lease?: string } = {},
): Promise<string> {
  const expected = sha256(data);
  const w = await store.writer(ns, { ref, total: data.length, expected }, opts.lease);
  for (let off = 0; off < data.length; off += WRITE_CHUNK)
    await w.write(off, data.subarray(off, Math.min(off + WRITE_CHUNK, data.length)));
  return w.commit(data.length, expected, opts.labels ?? {});
}

/** An Events.Subscribe stream read with timeouts; close() cancels the call. */
export interface EventStream {
  /** The next envelope, or undefined if none arrives within `timeoutMs`. */
  next(timeoutMs: number): Promise<Envelope | undefined>;
  close(): void;
}

export function subscribe(client: EventsClient, filters: string[]): EventStream {
  const ac = new AbortController();
  const it = serverStream(client, client.subscribe, { filters }, { signal: ac.signal })[
    Symbol.asyncIterator
  ]();
  let pending: Promise<IteratorResult<Envelope>> | undefined;
  return {
    async next(timeoutMs) {
      pending ??= it.next();
      const r = await Promise.race([pending, sleep(timeoutMs).then(() => 'timeout' as const)]);
      if (r === 'timeout') return undefined;
      pending = undefined;
      if (r.done) throw new Error('event stream ended');
      return r.value;
    },
    close() {
      ac.abort();
      void it.return?.(undefined).catch(() => undefined);
    },
  };
}

/**
 * Calls `trigger` until `stream` yields an envelope (a subscription becomes live
 * asynchronously, so an event emitted too early is legitimately missed).
 */
export async function triggerUntilReceived(
  stream: EventStream,
  trigger: () => Promise<void>,
  timeoutMs = 10_000,
): Promise<Envelope> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await trigger();
    const env = await stream.next(300);
    if (env) return env;
  }
  throw new Error(`no event received within ${timeoutMs} ms`);
}

/** Data rows of a CLI table (header dropped), split on whitespace. */
export const tableRows = (stdout: string): string[][] =>
  stdout
    .trim()
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/));

/** Why tests that mount snapshots through the CLI cannot run here, or undefined. */
export const missingSnapshotPrerequisite = (): string | undefined =>
  !requiresRoot()
    ? 'needs root (overlay and bind mounts)'
    : (missingPrerequisite() ??
      (!existsSync(serviceEntry('snapshotter'))
        ? 'berth-snapshotter is not built'
        : !existsSync(cliEntry())
          ? 'the CLI is not built (node apps/cli/build.mjs)'
          : undefined));

/** Why tests that import a busybox image with ctr cannot run here (optionally with a registry), or undefined. */
export const missingImagePrerequisite = (o: { registry?: { auth: boolean } } = {}): string | undefined =>
  process.getuid?.() !== 0
    ? 'needs root'
    : !existsSync('/usr/bin/ctr')
      ? '/usr/bin/ctr is not installed'
      : !existsSync('/bin/busybox')
        ? 'busybox-static is not installed'
        : ((o.registry ? registrySkipReason({ auth: o.registry.auth }) : undefined) ?? missingPrerequisite());
