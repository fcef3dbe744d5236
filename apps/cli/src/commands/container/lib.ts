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
  type AttachStdio,
  type Clients,
  type CreateOptions,
  type PullPolicy,
  type RuntimeName,
} from '@berth/client';
import { TransferClient } from '@berth/proto/berth/images/v1';
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

export function openContainerClients(ctx: Context): Clients {
  return {
    images: openClient(ctx, ImagesClient),
    transfer: openClient(ctx, TransferClient),
    snapshots: openClient(ctx, SnapshotsClient),
    containers: openClient(ctx, ContainersClient),
    tasks: openClient(ctx, TasksClient),
    runtime: openClient(ctx, RuntimeClient),
    opts: { ...ctx.callOpts(), ns: ctx.namespace },
  };
}

/** The flags of `run` and `create`, as commander parses them. */
export interface RunFlags {
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
  network?: string;
  pull?: PullPolicy;
  platform?: string;
  logOpt?: string[];
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
  const network = f.network ?? 'none';
  if (network !== 'none' && network !== 'host')
    throw invalidArgument(
      `network ${JSON.stringify(network)} is not available: only --network none and --network host work; networks arrive with berth-network`,
    );
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
    networkMode: network,
  };
  const quiet = f.quiet === true;
  let display: TransferDisplay | undefined;
  let pulled = image;
  return {
    image,
    name: f.name,
    options,
    labels: options.labels,
    runtime: f.runtime,
    logOpts: parseLogOpts(f.logOpt ?? []),
    autoRemove: f.rm === true,
    pull: f.pull ?? 'missing',
    platform: platformOption(f.platform),
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
