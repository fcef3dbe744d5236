/**
 * Registry credentials in docker's config.json format, at a path the caller chooses
 * (berth's CLI uses `$BERTH_CONFIG_DIR/config.json` or `~/.berth/config.json`):
 *
 * ```json
 * { "auths": { "127.0.0.1:5000": { "auth": "<base64(user:pass)>" },
 *              "https://index.docker.io/v1/": { "auth": "…" } } }
 * ```
 *
 * Other keys in the file are kept as they are. The file is written with mode 0600 through a
 * temporary file and rename, so a crash leaves either the old or the new file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fromSystemError, invalidArgument } from '@berth/errdefs';
import type { Credentials } from './auth.js';
import { createRegistryClient } from './client.js';
import { isDockerHub } from './hosts.js';
import type { CredentialSource } from './session.js';
import type { RegistryClientOptions } from './types.js';

/** The part of docker's config.json this module reads and writes. */
export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  [key: string]: unknown;
}

/** docker stores Docker Hub credentials under its v1 index URL. */
const HUB_KEY = 'https://index.docker.io/v1/';

/** Returns the config.json key for `host`. */
export function configKey(host: string): string {
  return isDockerHub(host) ? HUB_KEY : host;
}

/** Reads a config.json; a missing file is an empty config. Throws InvalidArgument naming the file if it is not JSON. */
export async function readConfig(path: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw fromSystemError(err, `read ${path}`);
  }
  try {
    const doc = JSON.parse(text) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
    return doc as DockerConfigFile;
  } catch (err) {
    throw invalidArgument(`${path}: not a docker config file (${(err as Error).message})`);
  }
}

/** Writes `config` to `path` atomically (temp file, fsync by writeFile's flush, rename) with mode 0600. */
export async function writeConfig(path: string, config: DockerConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600, flush: true });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw fromSystemError(err, `write ${path}`);
  }
}

/** Returns the stored credentials for `host` from the config at `path`, or undefined (anonymous). */
export async function credentialsFor(host: string, path: string): Promise<Credentials | undefined> {
  const auths = (await readConfig(path)).auths ?? {};
  const entry = auths[configKey(host)] ?? auths[`https://${host}`] ?? auths[`http://${host}`];
  if (!entry) return undefined;
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  if (!entry.auth) return undefined;
  const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
  const i = plain.indexOf(':');
  if (i < 0) throw invalidArgument(`${path}: credentials for ${host} are not base64(user:password)`);
  return { username: plain.slice(0, i), password: plain.slice(i + 1) };
}

/** Returns a CredentialSource for the client that reads `path` on each lookup (so logins take effect at once). */
export function fileCredentials(path: string): CredentialSource {
  return (host) => credentialsFor(host, path);
}

/**
 * Verifies `username`/`password` against `host` (`GET /v2/` through the challenge flow) and
 * stores them in the config at `path` only if the registry accepts them.
 * Throws Unauthenticated for credentials the registry refuses, Unavailable when it cannot be reached.
 * `clientOptions` carries insecure-registries and certs.d settings for the check.
 */
export async function login(
  host: string,
  username: string,
  password: string,
  path: string,
  clientOptions: Omit<RegistryClientOptions, 'credentials'> = {},
): Promise<void> {
  if (!username || username.includes(':'))
    throw invalidArgument(`login ${host}: invalid user name ${JSON.stringify(username)}`);
  const client = createRegistryClient({ ...clientOptions, credentials: () => ({ username, password }) });
  try {
    await client.ping(host);
  } finally {
    client.close();
  }
  const config = await readConfig(path);
  config.auths = {
    ...config.auths,
    [configKey(host)]: { auth: Buffer.from(`${username}:${password}`).toString('base64') },
  };
  await writeConfig(path, config);
}

/** Removes the credentials for `host` from the config at `path`; returns false if there were none. */
export async function logout(host: string, path: string): Promise<boolean> {
  const config = await readConfig(path);
  const key = configKey(host);
  if (!config.auths?.[key]) return false;
  delete config.auths[key];
  await writeConfig(path, config);
  return true;
}
