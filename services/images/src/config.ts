/**
 * berth-images configuration (TOML top level or [images], BERTH_* env, flags):
 * the shared keys plus registry settings in the spirit of docker's daemon.json.
 */
import { join } from 'node:path';
import { field, type ConfigObject } from '@berth/config';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export interface ImagesConfig extends BaseConfig {
  /** docker config.json holding `berth login` credentials. Default <root>/images/auth.json. */
  authFile: string;
  /** Registries reached over plain http or unverified https (host, host:port or CIDR). */
  insecureRegistries: string[];
  /** Mirrors tried first for docker.io. */
  registryMirrors: string[];
  /** certs.d-style dir: <certsDir>/<host>/ca.crt. Default /etc/berth/certs.d. */
  certsDir: string;
  /** Period of the garbage collection over every namespace, in ms; 0 disables it. Default 10 min. */
  gcIntervalMs: number;
  /** Gateway socket, for leases and namespaces (the collector). Default <state>/berth.sock. */
  gateway: string;
}

export const defaults: ImagesConfig = {
  ...baseDefaults,
  authFile: '',
  insecureRegistries: [],
  registryMirrors: [],
  certsDir: '/etc/berth/certs.d',
  gcIntervalMs: 600_000,
  gateway: '',
};

const OWN = ['authFile', 'insecureRegistries', 'registryMirrors', 'certsDir', 'gcIntervalMs', 'gateway'];

export function parseConfig(obj: ConfigObject): ImagesConfig {
  const base = parseBaseConfig(obj, OWN);
  return {
    ...base,
    authFile: (obj['authFile'] as string) || join(base.root, 'images', 'auth.json'),
    insecureRegistries: field.strings(obj, 'insecureRegistries'),
    registryMirrors: field.strings(obj, 'registryMirrors'),
    certsDir: field.string(obj, 'certsDir'),
    gcIntervalMs: field.number(obj, 'gcIntervalMs', 0),
    gateway: (obj['gateway'] as string) || join(base.state, 'berth.sock'),
  };
}

/** Sockets; the data dir and metadata store come from openServiceState. */
export const paths = (c: ImagesConfig) => ({
  socket: join(c.state, 'images.sock'),
  content: join(c.state, 'content.sock'),
  snapshotter: join(c.state, 'snapshotter.sock'),
});
