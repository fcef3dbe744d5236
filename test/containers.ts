/**
 * Containers for the CLI view tests, made with containerd's own `ctr` against
 * the gateway (so these tests do not depend on `berth run`): a suite with the
 * busybox image imported, detached tasks without FIFOs (output goes to the
 * container's json log), docker names and image references as berth's labels.
 */
import { serverStream, unary, type CallOpts } from '@berth/grpc';
import type { ContainersClient } from '@berth/proto/containers/v1';
import { Kind, type SnapshotsClient } from '@berth/proto/snapshots/v1';
import {
  runCli,
  startSuite,
  tempRoot,
  waitFor,
  type CliResult,
  type Suite,
  type TempRoot,
} from '@berth/testkit';
import { ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';

export const IMAGE = 'docker.io/library/busybox:latest';

export interface ContainerSuite {
  suite: Suite;
  tmp: TempRoot;
  /** `berth --address … args`. */
  cli(args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
  /** Like cli() but throws with stderr unless the exit status is 0. */
  ok(args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
  stop(): Promise<void>;
}

export interface ContainerSuiteOptions {
  /** Services started besides content, snapshotter, images and runtime (e.g. network). */
  extraServices?: string[];
  /** Brings in the busybox image archive at `archive`; default: `ctr images import`. */
  importImage?: (s: ContainerSuite, archive: string) => Promise<unknown>;
}

/** Starts content, snapshotter, images and runtime behind a gateway, and imports busybox. */
export async function startContainerSuite(
  prefix: string,
  o: ContainerSuiteOptions = {},
): Promise<ContainerSuite> {
  const suite = await startSuite({
    services: ['content', 'snapshotter', 'images', 'runtime', ...(o.extraServices ?? [])],
  });
  const tmp = tempRoot(prefix);
  const cli = (args: string[], opts: { timeoutMs?: number } = {}) =>
    runCli(args, { address: suite.address, ...opts });
  const s: ContainerSuite = {
    suite,
    tmp,
    cli,
    async ok(args, opts) {
      const r = await cli(args, opts);
      if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r;
    },
    async stop() {
      await suite.stop();
      await tmp.cleanup();
    },
  };
  const importImage =
    o.importImage ??
    ((_: ContainerSuite, archive: string) => ctrOk(suite.address, ['images', 'import', archive]));
  try {
    await importImage(s, makeBusyboxArchive(tmp.dir).path);
  } catch (err) {
    await tmp.cleanup();
    await suite.stop();
    throw err;
  }
  return s;
}

/** The ids of the containers (in `opts.ns`). */
export const listContainerIds = async (containers: ContainersClient, opts: CallOpts): Promise<string[]> =>
  (await unary(containers, containers.list, { filters: [] }, opts)).containers.map((c) => c.id);

/** The keys of the overlayfs snapshots (in `opts.ns`) that are not committed: containers' active ones. */
export async function activeSnapshotKeys(snapshots: SnapshotsClient, opts: CallOpts): Promise<string[]> {
  const keys: string[] = [];
  for await (const r of serverStream(
    snapshots,
    snapshots.list,
    { snapshotter: 'overlayfs', filters: [] },
    opts,
  ))
    keys.push(...r.info.filter((i) => i.kind !== Kind.COMMITTED).map((i) => i.name));
  return keys;
}

export interface ContainerOptions {
  /** docker name (label io.berth.name); default: none, so the name is the id. */
  name?: string;
  labels?: Record<string, string>;
}

const labelArgs = (o: ContainerOptions): string[] => [
  ...(o.name ? ['--label', `io.berth.name=${o.name}`] : []),
  '--label',
  'io.berth.image=busybox',
  ...Object.entries(o.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
];

/** `ctr run -d --null-io`: a running container `id` executing `cmd`. */
export async function runDetached(address: string, id: string, cmd: string[], o: ContainerOptions = {}) {
  await ctrOk(address, ['run', '-d', '--null-io', ...labelArgs(o), '--', IMAGE, id, ...cmd]);
}

/** `ctr containers create`: a container with no task (docker's "Created"). */
export async function createOnly(address: string, id: string, cmd: string[], o: ContainerOptions = {}) {
  await ctrOk(address, ['containers', 'create', ...labelArgs(o), '--', IMAGE, id, ...cmd]);
}

/** Waits until ctr lists the task of `id` in `status` (RUNNING, STOPPED, PAUSED). */
export async function waitTask(
  address: string,
  id: string,
  status: string,
  timeoutMs = 10_000,
): Promise<void> {
  await waitFor(
    async () => {
      const out = (await ctrOk(address, ['tasks', 'ls'])).stdout;
      return out.split('\n').some((l) => l.trim().split(/\s+/)[0] === id && l.includes(status))
        ? true
        : undefined;
    },
    { timeoutMs, what: `task ${id} to be ${status}` },
  );
}
