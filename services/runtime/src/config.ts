/**
 * berth-runtime configuration (TOML top level or [runtime], BERTH_* env,
 * flags): the shared keys plus where the monitor and OCI runtime live and the
 * default log rotation.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { field, type ConfigObject } from '@berth/config';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';

export interface RuntimeConfig extends BaseConfig {
  /** berth-monitor binary. Default: the one installed beside berth (native/monitor). */
  monitor: string;
  /** The runc binary (path or name in $PATH): the default OCI runtime. */
  runtime: string;
  /** The crun binary, or a wrapper around it (see bin/berth-crun), for `--runtime crun`. */
  crun: string;
  /** json-file log rotation: bytes per file (0 = never rotate) and files kept. */
  logMaxSize: number;
  logMaxFiles: number;
}

/** The monitor built in this checkout, or the installed one. */
function defaultMonitor(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, '..', '..', '..', 'native', 'monitor', 'berth-monitor');
  return existsSync(built) ? built : '/usr/local/libexec/berth/berth-monitor';
}

/** crun through the wrapper that makes it work on cgroup-hybrid hosts. */
function defaultCrun(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'berth-crun');
}

export const defaults: RuntimeConfig = {
  ...baseDefaults,
  monitor: defaultMonitor(),
  runtime: 'runc',
  crun: defaultCrun(),
  logMaxSize: 0,
  logMaxFiles: 1,
};

const OWN = ['monitor', 'runtime', 'crun', 'logMaxSize', 'logMaxFiles'];

export function parseConfig(obj: ConfigObject): RuntimeConfig {
  return {
    ...parseBaseConfig(obj, OWN),
    monitor: field.string(obj, 'monitor'),
    runtime: field.string(obj, 'runtime'),
    crun: field.string(obj, 'crun'),
    logMaxSize: field.number(obj, 'logMaxSize', 0),
    logMaxFiles: field.number(obj, 'logMaxFiles', 1),
  };
}

/** Sockets and directories; the metadata store comes from openServiceState. */
export const paths = (c: RuntimeConfig) => ({
  socket: join(c.state, 'runtime.sock'),
  snapshotter: join(c.state, 'snapshotter.sock'),
  /** Bundles (config.json, rootfs mount, exit files): volatile, like containerd's /run. */
  tasks: join(c.state, 'runtime', 'tasks'),
  /** runc's own state, one root per namespace so ids only need to be unique per namespace. */
  runcRoot: join(c.state, 'runtime', 'runc'),
  /** Short attach/console socket paths (sun_path holds 108 bytes). */
  sockets: join(c.state, 's'),
  /** Logs outlive reboots: <root>/runtime/containers/<ns>/<id>/<id>-json.log. */
  logs: join(c.root, 'runtime', 'containers'),
});
