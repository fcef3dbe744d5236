/**
 * @module @berth/registry — a distribution-spec v2 (OCI/docker registry) client: manifests,
 * blobs with resumable downloads, monolithic, chunked and mounted uploads, tags; the
 * WWW-Authenticate challenge flow (anonymous, basic, bearer tokens); docker-style
 * config.json credentials; insecure registries, mirrors and certs.d CAs.
 *
 * Takes plain strings (host, repository path, tag or digest): reference parsing belongs to
 * the caller. Every failure is a BerthError (see RegistryClient).
 */
export { createRegistryClient } from './client.js';
export type {
  BlobOpener,
  BlobStream,
  FetchBlobOptions,
  PushBlobOptions,
  PushBlobResult,
  RegistryClient,
  RegistryClientOptions,
  ResolvedManifest,
  TransferOptions,
} from './types.js';
export type { CredentialSource } from './session.js';
export type { Credentials } from './auth.js';
export { credentialsFor, fileCredentials, login, logout, readConfig } from './credentials.js';
export type { DockerConfigFile } from './credentials.js';
export { hostsFromDaemonJson } from './hosts.js';
export type { HostsConfig } from './hosts.js';
export {
  MANIFEST_ACCEPT,
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  DOCKER_SCHEMA1,
  DOCKER_SCHEMA1_SIGNED,
} from './media-types.js';
