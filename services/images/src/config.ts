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
}

export const defaults: ImagesConfig = {
  ...baseDefaults,
  authFile: '',
  insecureRegistries: [],
  registryMirrors: [],
  certsDir: '/etc/berth/certs.d',
};

const OWN = ['authFile', 'insecureRegistries', 'registryMirrors', 'certsDir'];

export function parseConfig(obj: ConfigObject): ImagesConfig {
  const base = parseBaseConfig(obj, OWN);
  return {
    ...base,
    authFile: (obj['authFile'] as string) || join(base.root, 'images', 'auth.json'),
    insecureRegistries: field.strings(obj, 'insecureRegistries'),
    registryMirrors: field.strings(obj, 'registryMirrors'),
    certsDir: field.string(obj, 'certsDir'),
  };
}

/** Sockets; the data dir and metadata store come from openServiceState. */
export const paths = (c: ImagesConfig) => ({
  socket: join(c.state, 'images.sock'),
  content: join(c.state, 'content.sock'),
  snapshotter: join(c.state, 'snapshotter.sock'),
});
