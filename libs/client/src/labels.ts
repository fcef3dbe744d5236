/**
 * The container labels through which berth's clients tell berth-runtime (and later
 * commands such as `stop` and `ps`) what docker keeps in its container config.
 */
import { invalidArgument } from '@berth/errdefs';
import {
  VOLUMES_LABEL,
  imageVolumesOf,
  parseMemory,
  parseSignal,
  stopSignalOf,
  stopTimeoutOf,
  volumesLabel,
  type RunOptions,
} from '@berth/oci-spec';
import type { ImageConfig } from '@berth/image';
import { healthcheckLabel, parseRestartPolicy, type HealthFlags } from './policies.js';
import type { VolumeFlags } from './volumes.js';

export const LABELS = {
  name: 'io.berth.name',
  image: 'io.berth.image',
  stdinOpen: 'io.berth.stdin-open',
  tty: 'io.berth.tty',
  runtime: 'io.berth.runtime',
  logMaxSize: 'io.berth.log.max-size',
  logMaxFile: 'io.berth.log.max-file',
  autoRemove: 'io.berth.auto-remove',
  stopSignal: 'io.containerd.image.config.stop-signal',
  stopTimeout: 'io.berth.stop-timeout',
  /** docker's restart policy (`always`, `on-failure:3`), acted on by berth-runtime. */
  restart: 'io.berth.restart',
  /** Set by `stop`/`kill` (a stop by the user: no restart), cleared by `start`. */
  stopped: 'io.berth.stopped',
  /** The effective health check as JSON (see policies.ts), probed by berth-runtime. */
  healthcheck: 'io.berth.healthcheck',
  /** docker's PORTS text (`0.0.0.0:8080->80/tcp, 53/udp`), as published at create. */
  ports: 'io.berth.ports',
  /** docker's NetworkMode: bridge, host, none, container:<id> or the first network's name. */
  network: 'io.berth.network',
} as const;

/** The OCI runtimes berth can drive (the binary berth-monitor runs). */
export const RUNTIMES = ['runc', 'crun'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** json-file log options (`--log-opt max-size=10m --log-opt max-file=3`). */
export interface LogOptions {
  /** Bytes; undefined keeps the runtime's default. */
  maxSize?: number;
  maxFile?: number;
}

/** The `run`/`create` flags a container keeps as labels (creating it, and in containerLabels). */
export interface LabelledFlags {
  /** User labels (`--label`), stored as plain container labels. */
  labels?: Readonly<Record<string, string>>;
  runtime?: RuntimeName;
  logOpts?: LogOptions;
  /** `--rm`: recorded as a label; the caller removes the container after it exits. */
  autoRemove?: boolean;
  /** `--restart` as typed (validated here); berth-runtime applies it (label io.berth.restart). */
  restart?: string;
  /**
   * The --health-* flags, merged over the image's HEALTHCHECK; berth-runtime probes (label
   * io.berth.healthcheck).
   */
  health?: HealthFlags;
  /**
   * `-v`, `--mount`, `--volumes-from`; berth-runtime resolves them (label io.berth.volumes,
   * with the image's VOLUMEs).
   */
  volumes?: VolumeFlags;
}

export interface LabelInput extends LabelledFlags {
  /** The container's name. */
  name: string;
  /** The image reference as the user typed it. */
  image: string;
  options: RunOptions;
  imageConfig?: ImageConfig;
  /** The network mode (label io.berth.network). */
  network?: string;
  /** docker's PORTS text (label io.berth.ports); omitted when empty. */
  ports?: string;
}

/**
 * Returns the labels of a new container: the user's, then berth's (which win). The stop signal
 * and timeout are validated here, so a bad `--stop-signal` fails before anything is created.
 *
 * @throws InvalidArgument for an invalid stop signal or timeout.
 */
export function containerLabels(i: LabelInput): Record<string, string> {
  const o = i.options;
  for (const k of Object.keys(i.labels ?? {}))
    if (k === '') throw invalidArgument('invalid label: the key may not be empty');
  const out: Record<string, string> = { ...i.labels };
  out[LABELS.name] = i.name;
  out[LABELS.image] = i.image;
  if (o.stdinOpen) out[LABELS.stdinOpen] = 'true';
  if (o.tty) out[LABELS.tty] = 'true';
  if (i.runtime) out[LABELS.runtime] = i.runtime;
  if (i.logOpts?.maxSize !== undefined) out[LABELS.logMaxSize] = String(i.logOpts.maxSize);
  if (i.logOpts?.maxFile !== undefined) out[LABELS.logMaxFile] = String(i.logOpts.maxFile);
  if (i.autoRemove) out[LABELS.autoRemove] = 'true';
  const restart = i.restart === undefined ? undefined : parseRestartPolicy(i.restart);
  if (restart && i.autoRemove) throw invalidArgument('Conflicting options: --restart and --rm');
  if (restart) out[LABELS.restart] = restart;
  const health = healthcheckLabel(i.health ?? {}, i.imageConfig);
  if (health) out[LABELS.healthcheck] = health;
  if (i.network) out[LABELS.network] = i.network;
  if (i.ports) out[LABELS.ports] = i.ports;
  const volumes = volumesLabel({
    ...i.volumes,
    imageVolumes: imageVolumesOf(i.imageConfig?.config?.Volumes),
  });
  if (volumes) out[VOLUMES_LABEL] = volumes;
  out[LABELS.stopSignal] = stopSignalOf(o, i.imageConfig).name;
  if (o.stopTimeout !== undefined) out[LABELS.stopTimeout] = String(stopTimeoutOf(o));
  return out;
}

/** What `stop` needs from a container's labels: the signal and the seconds before SIGKILL. */
export function stopSettings(labels: Readonly<Record<string, string>>): { signal: number; timeout: number } {
  let signal = 15;
  try {
    signal = parseSignal(labels[LABELS.stopSignal] || 'SIGTERM').number;
  } catch {
    // A label written by another client: fall back to docker's default.
  }
  const t = Number(labels[LABELS.stopTimeout]);
  return { signal, timeout: labels[LABELS.stopTimeout] !== undefined && Number.isInteger(t) ? t : 10 };
}

/**
 * Parses `--log-opt` values for the json-file driver: `max-size` (docker units, `10m`) and
 * `max-file` (a positive integer, only with max-size, as docker requires).
 *
 * @throws InvalidArgument naming the option, in docker's words.
 */
export function parseLogOpts(opts: readonly string[]): LogOptions {
  const out: LogOptions = {};
  for (const o of opts) {
    const eq = o.indexOf('=');
    if (eq < 0) throw invalidArgument(`invalid key value pair format in log options: ${o}`);
    const key = o.slice(0, eq);
    const value = o.slice(eq + 1);
    if (key === 'max-size') {
      if (value === '-1') continue;
      const n = parseMemory(value);
      if (n <= 0) throw invalidArgument(`max-size must be a positive number`);
      out.maxSize = n;
    } else if (key === 'max-file') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw invalidArgument(`max-file cannot be less than 1`);
      out.maxFile = Number(value);
    } else throw invalidArgument(`unknown log opt '${key}' for json-file log driver`);
  }
  if (out.maxFile !== undefined && out.maxFile > 1 && out.maxSize === undefined)
    throw invalidArgument(`max-file cannot be set without max-size`);
  return out;
}
