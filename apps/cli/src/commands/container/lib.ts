/**
 * What the container commands share: @berth/client's clients on the command's
 * context, docker's run/create flags turned into CreateOptions, pull output on
 * stderr, and the client's stdio for attaching.
 */
import { readFile } from 'node:fs/promises';
import { invalidArgument } from '@berth/errdefs';
import {
  envFromFiles,
  expandEnv,
  findInitBinary,
  parseKeyValues,
  parseLabels,
  parseLogOpts,
  parseTmpfs,
  volumeFlags,
  type AttachStdio,
  type Clients,
  type CreateOptions,
  type NetworkOptions,
  type PullPolicy,
  type RuntimeName,
} from '@berth/client';
import { TransferClient } from '@berth/proto/berth/images/v1';
import { NetworksClient } from '@berth/proto/berth/network/v1';
import { RuntimeClient } from '@berth/proto/berth/runtime/v1';
import { ContainersClient } from '@berth/proto/containers/v1';
import { ImagesClient } from '@berth/proto/images/v1';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { TasksClient } from '@berth/proto/tasks/v1';
import type { RunOptions } from '@berth/oci-spec';
import { formatError } from '@berth/cli-kit';
import { normalizeReference } from '@berth/image';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { TransferDisplay } from '../pull/display.js';
import { platformOption } from '../pull/platform.js';
import type { ResourceFlags } from '../update/flags.js';
import { resourceOptions } from '../update/options.js';

export function openContainerClients(ctx: Context): Clients {
  return {
    images: openClient(ctx, ImagesClient),
    transfer: openClient(ctx, TransferClient),
    snapshots: openClient(ctx, SnapshotsClient),
    containers: openClient(ctx, ContainersClient),
    tasks: openClient(ctx, TasksClient),
    runtime: openClient(ctx, RuntimeClient),
    networks: openClient(ctx, NetworksClient),
    opts: { ...ctx.callOpts(), ns: ctx.namespace },
  };
}

/** The flags of `run` and `create`, as commander parses them. */
export interface RunFlags extends ResourceFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  name?: string;
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  label?: string[];
  hostname?: string;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  readOnly?: boolean;
  tmpfs?: string[];
  ulimit?: string[];
  sysctl?: string[];
  securityOpt?: string[];
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  shmSize?: string;
  groupAdd?: string[];
  oomScoreAdj?: string;
  runtime?: RuntimeName;
  network?: string[];
  net?: string[];
  networkAlias?: string[];
  ip?: string;
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  addHost?: string[];
  link?: string[];
  domainname?: string;
  pull?: PullPolicy;
  platform?: string;
  logOpt?: string[];
  restart?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  /** false with --no-healthcheck (commander's negatable option). */
  healthcheck?: boolean;
  /** -v/--volume, --mount, --volumes-from. */
  volume?: string[];
  mount?: string[];
  volumesFrom?: string[];
  quiet?: boolean;
}

function integer(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^-?\d+$/.test(s.trim()))
    throw invalidArgument(`invalid value ${JSON.stringify(s)} for ${flag}: not a whole number`);
  return Number(s);
}

/** Turns the flags into @berth/client's CreateOptions (reading --env-file files). */
export async function createOptions(
  ctx: Context,
  image: string,
  command: string[],
  f: RunFlags,
): Promise<CreateOptions> {
  const envFiles = await Promise.all(
    (f.envFile ?? []).map((p) =>
      readFile(p, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw invalidArgument(
          `open ${p}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`,
        );
      }),
    ),
  );
  const options: RunOptions = {
    cmd: command.length ? command : undefined,
    entrypoint: f.entrypoint,
    env: [...envFromFiles(envFiles), ...expandEnv(f.env ?? [])],
    workdir: f.workdir,
    user: f.user,
    groupAdd: f.groupAdd,
    hostname: f.hostname,
    tty: f.tty === true,
    stdinOpen: f.interactive === true,
    privileged: f.privileged === true,
    capAdd: f.capAdd,
    capDrop: f.capDrop,
    readOnly: f.readOnly === true,
    tmpfs: f.tmpfs ? parseTmpfs(f.tmpfs) : undefined,
    ulimits: f.ulimit,
    sysctls: f.sysctl ? parseKeyValues(f.sysctl, 'sysctl') : undefined,
    securityOpt: f.securityOpt,
    oomScoreAdj: integer('--oom-score-adj', f.oomScoreAdj),
    init: f.init === true,
    initPath: f.init ? findInitBinary() : undefined,
    stopSignal: f.stopSignal,
    stopTimeout: integer('--stop-timeout', f.stopTimeout),
    shmSize: f.shmSize,
    labels: f.label ? parseLabels(f.label) : undefined,
    ...resourceOptions(f),
  };
  const quiet = f.quiet === true;
  let display: TransferDisplay | undefined;
  let pulled = image;
  return {
    image,
    name: f.name,
    options,
    network: networkOptions(f),
    labels: options.labels,
    runtime: f.runtime,
    logOpts: parseLogOpts(f.logOpt ?? []),
    autoRemove: f.rm === true,
    restart: f.restart,
    health: {
      cmd: f.healthCmd,
      interval: f.healthInterval,
      timeout: f.healthTimeout,
      retries: f.healthRetries,
      startPeriod: f.healthStartPeriod,
      none: f.healthcheck === false,
    },
    volumes: volumeFlags({ binds: f.volume, mounts: f.mount, volumesFrom: f.volumesFrom }),
    pull: f.pull ?? 'missing',
    platform: platformOption(f.platform),
    onWarning: (m) => ctx.stderr.write(`WARNING: ${m}\n`),
    // docker run reports a pull on stderr: stdout is the container's.
    onPullStart(familiar, missing) {
      pulled = familiar;
      if (missing) ctx.stderr.write(`Unable to find image '${familiar}' locally\n`);
      if (quiet) return;
      const ref = normalizeReference(familiar);
      ctx.stderr.write(`${ref.tag ?? ref.digest}: Pulling from ${ref.path}\n`);
      display = new TransferDisplay(ctx.stderr, 'pull');
    },
    onPullProgress(p) {
      if (p.image) {
        display?.finish();
        if (!quiet) {
          ctx.stderr.write(`Digest: ${p.image.digest}\n`);
          ctx.stderr.write(
            p.status === 'exists'
              ? `Status: Image is up to date for ${pulled}\n`
              : `Status: Downloaded newer image for ${pulled}\n`,
          );
        }
      } else display?.update(p);
    },
  };
}

/** The network flags; the mode without --network comes from env BERTH_DEFAULT_NETWORK (default bridge). */
export function networkOptions(f: RunFlags, env: NodeJS.ProcessEnv = process.env): NetworkOptions {
  return {
    networks: [...(f.network ?? []), ...(f.net ?? [])],
    defaultMode: env['BERTH_DEFAULT_NETWORK'] || 'bridge',
    aliases: f.networkAlias,
    ip: f.ip,
    publish: f.publish,
    publishAll: f.publishAll === true,
    expose: f.expose,
    dns: f.dns,
    dnsSearch: f.dnsSearch,
    dnsOptions: f.dnsOption,
    addHosts: f.addHost,
    links: f.link,
    domainname: f.domainname,
  };
}

/** This process's stdio for attaching; input only with `interactive`. */
export function clientStdio(ctx: Context, interactive: boolean): AttachStdio {
  return {
    interactive,
    stdin: interactive ? process.stdin : undefined,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
  };
}

/** Prints `err` as the one-line `berth: …` message. */
export function printError(ctx: Context, err: unknown): void {
  ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
}

/** Signals an attached, non-tty client forwards to the container (docker's sig-proxy). */
export const PROXIED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

/**
 * Forwards the proxied signals this process receives to `send` (docker's sig-proxy); returns
 * the function that stops forwarding.
 */
export function proxySignals(send: (signal: NodeJS.Signals) => void): () => void {
  const handlers = PROXIED_SIGNALS.map((s) => {
    const h = () => send(s);
    process.on(s, h);
    return [s, h] as const;
  });
  return () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
}
