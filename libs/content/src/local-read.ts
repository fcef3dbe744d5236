/**
 * Reading a blob the fastest way available: on the engine's host the content
 * service names the blob's file (berth.content.v1.LocalContent.Locate) and the
 * caller reads it directly; anywhere else, or when the file cannot be read
 * here, the bytes stream through Content.Read.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { isNotFound } from '@berth/errdefs';
import type { ContentStore } from './store.js';

export interface Locator {
  /** The blob's path on the engine's host and its size; NotFound when absent from `ns`. */
  locate(ns: string, digest: string): Promise<{ path: string; size: number }>;
}

/** Returns the blob's file path if this process can read it and it has the expected size. */
export async function localBlobPath(store: Locator, ns: string, digest: string): Promise<string | undefined> {
  let where;
  try {
    where = await store.locate(ns, digest);
  } catch (err) {
    if (isNotFound(err)) throw err; // the blob itself is missing: streaming would say the same
    return undefined; // an older server, another host: stream instead
  }
  try {
    const fh = await open(where.path, 'r');
    const { size } = await fh.stat();
    await fh.close();
    return size === where.size ? where.path : undefined;
  } catch {
    return undefined;
  }
}

/** Opens the blob for reading, from its file when possible, else streamed. */
export async function openBlob(store: ContentStore & Locator, ns: string, digest: string): Promise<Readable> {
  const path = await localBlobPath(store, ns, digest);
  return path ? createReadStream(path, { highWaterMark: 1 << 20 }) : Readable.from(store.read(ns, digest));
}
