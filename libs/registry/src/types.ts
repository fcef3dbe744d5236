/** Plain data shared by the client's operations. */
import type { Readable } from 'node:stream';
import type { HostsConfig } from './hosts.js';
import type { CredentialSource } from './session.js';

/** Options for {@link createRegistryClient}. */
export interface RegistryClientOptions {
  /** insecure-registries, registry-mirrors and the certs.d directory. */
  hosts?: HostsConfig;
  /** Credentials per registry host; anonymous when absent or when it returns undefined. */
  credentials?: CredentialSource;
  /** Attempts per request including the first, for 5xx, 429 and socket errors (default 4). */
  maxAttempts?: number;
  /** First backoff delay in ms; doubles per retry, with jitter (default 200). */
  retryBaseDelayMs?: number;
  /** Socket idle timeout per request in ms (default 30000). */
  timeoutMs?: number;
  /** User-Agent header (default `berth/0.1`). */
  userAgent?: string;
}

/** What a tag or digest resolves to: the manifest's descriptor. */
export interface ResolvedManifest {
  digest: string;
  mediaType: string;
  size: number;
}

/** Cancellation and progress for transfers. */
export interface TransferOptions {
  signal?: AbortSignal;
  /** Called as bytes move, with the bytes moved by this call so far and the blob's full size. */
  onProgress?: (transferred: number, size: number) => void;
}

/** Options for {@link RegistryClient.fetchBlob}. */
export interface FetchBlobOptions extends TransferOptions {
  /** Start at this byte (a resumed download); default 0. */
  offset?: number;
}

/** A blob download in progress. */
export interface BlobStream {
  /** The bytes from `offset` to the end, unverified: the caller hashes them. */
  stream: Readable;
  /** The whole blob's size in bytes (not size minus offset). */
  size: number;
  /** Where `stream` starts. */
  offset: number;
}

/** Options for {@link RegistryClient.pushBlob}. */
export interface PushBlobOptions extends TransferOptions {
  /** Try a cross-repository mount from this repository (same registry) first. */
  mountFrom?: string;
  /** Upload in PATCH chunks of this many bytes; monolithic PUT when absent. */
  chunkSize?: number;
}

/** How a blob got into the repository. */
export type PushBlobResult = 'exists' | 'mounted' | 'uploaded';

/** Opens the blob's bytes starting at `offset`; called again for a retry. */
export type BlobOpener = (offset: number) => Readable;

/**
 * A distribution-spec v2 client. Hosts are registry hosts as users write them
 * (`127.0.0.1:5000`, `docker.io`), repositories are paths (`library/busybox`), and references
 * are tags or digests. Every method throws BerthErrors: NotFound for unknown manifests and blobs,
 * Unauthenticated/PermissionDenied for 401/403, Unavailable when the registry cannot be reached
 * or keeps failing, DataLoss for content that does not match its digest or is not JSON.
 */
export interface RegistryClient {
  /** Returns the digest, media type and size of the manifest `ref` (tag or digest) names. HEAD, then GET if needed. */
  resolve(
    host: string,
    repo: string,
    ref: string,
    opts?: { signal?: AbortSignal },
  ): Promise<ResolvedManifest>;
  /** Returns the manifest bytes for `digest`, verified against it. */
  fetchManifest(host: string, repo: string, digest: string, opts?: { signal?: AbortSignal }): Promise<Buffer>;
  /** Starts downloading a blob from `offset` (Range request); follows redirects to storage. */
  fetchBlob(host: string, repo: string, digest: string, opts?: FetchBlobOptions): Promise<BlobStream>;
  /** Reports whether the repository has the blob (HEAD). */
  blobExists(host: string, repo: string, digest: string, opts?: { signal?: AbortSignal }): Promise<boolean>;
  /**
   * Makes the blob present in `repo`: nothing if it exists, a cross-repository mount if
   * `mountFrom` has it, otherwise an upload (monolithic, or chunked with `chunkSize`).
   */
  pushBlob(
    host: string,
    repo: string,
    digest: string,
    size: number,
    open: BlobOpener,
    opts?: PushBlobOptions,
  ): Promise<PushBlobResult>;
  /** Uploads a manifest under `tag` (or a digest) and returns its digest. */
  pushManifest(
    host: string,
    repo: string,
    tag: string,
    bytes: Buffer,
    mediaType: string,
    opts?: { signal?: AbortSignal },
  ): Promise<string>;
  /** Returns every tag of the repository, following pagination. */
  listTags(host: string, repo: string, opts?: { signal?: AbortSignal }): Promise<string[]>;
  /** Checks that `host` answers `GET /v2/` with the configured credentials (used by login). */
  ping(host: string, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Frees pooled connections. */
  close(): void;
}
