/**
 * What `ps` and `inspect` show about a container: its record (spec, labels)
 * joined with its task record (state, pid, exit). Pure functions.
 */
import type { Container } from '@berth/proto/containers/v1';
import type { ContainerSummary } from '@berth/proto/berth/runtime/v1';
import { NAME_LABEL } from './containers.js';
import { LABELS } from './tasks.js';
import type { TaskRecord } from './task-store.js';
import { hostConfigLimits } from './oom.js';
import { HEALTHCHECK_LABEL, parseHealthcheck } from './health.js';
import { RESTART_LABEL, parseRestartPolicy } from './restart.js';

interface SpecView {
  hostname?: string;
  process?: {
    args?: string[];
    env?: string[];
    cwd?: string;
    terminal?: boolean;
    user?: { uid?: number; gid?: number };
  };
  root?: { readonly?: boolean };
  mounts?: Array<{ destination: string; type?: string; source?: string; options?: string[] }>;
  linux?: { cgroupsPath?: string; resources?: unknown };
}

export function specOf(c: Container): SpecView {
  try {
    return JSON.parse(Buffer.from(c.spec?.value ?? []).toString('utf8') || '{}') as SpecView;
  } catch {
    return {};
  }
}

export type State = 'created' | 'running' | 'paused' | 'exited' | 'restarting';

export function stateOf(t: TaskRecord | undefined): State {
  if (!t) return 'created';
  if (t.deleted) return t.startedAt ? 'exited' : 'created';
  switch (t.init.status) {
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'stopped':
      return t.startedAt ? 'exited' : 'created';
    default:
      return 'created';
  }
}

export const nameOf = (c: Container): string => c.labels[NAME_LABEL] || c.id;

/** docker quotes nothing and joins with spaces. */
const commandOf = (s: SpecView): string => (s.process?.args ?? []).join(' ');

/** What only the running service knows: a restart by the policy is pending (restart.ts). */
export interface Live {
  restarting?: boolean;
  /** docker's Mounts once the container's volume requests are resolved (volumes/). */
  mounts?: Array<Record<string, unknown>>;
}

export function summarize(c: Container, t: TaskRecord | undefined, o: Live = {}): ContainerSummary {
  const stopped = stateOf(t);
  const state = stopped === 'exited' && o.restarting ? 'restarting' : stopped;
  const live = state === 'running' || state === 'paused';
  const exited = state === 'exited' || state === 'restarting';
  return {
    id: c.id,
    name: nameOf(c),
    image: c.labels['io.berth.image'] || c.image,
    command: commandOf(specOf(c)),
    createdAt: c.createdAt,
    state,
    pid: live ? (t?.init.pid ?? 0) : 0,
    exitStatus: exited ? (t?.init.exitStatus ?? 0) : 0,
    startedAt: t?.startedAt ? new Date(t.startedAt) : undefined,
    exitedAt: exited && t?.init.exitedAt ? new Date(t.init.exitedAt) : undefined,
    labels: c.labels,
    runtime: t?.runtime ?? c.labels[LABELS.runtime] ?? '',
    restartCount: t?.restartCount ?? 0,
    health: (c.labels[HEALTHCHECK_LABEL] && t?.health?.status) || '',
  };
}

const nanos = (ms: number) => ms * 1_000_000;

const ZERO = '0001-01-01T00:00:00Z';

/** A docker-inspect-shaped document: the fields scripts read most. */
export function inspect(
  c: Container,
  t: TaskRecord | undefined,
  logPath: string,
  o: Live = {},
): Record<string, unknown> {
  const s = specOf(c);
  const sum = summarize(c, t, o);
  const check = parseHealthcheck(c.labels[HEALTHCHECK_LABEL]);
  const policy = parseRestartPolicy(c.labels[RESTART_LABEL]);
  const args = s.process?.args ?? [];
  const userLabels = Object.fromEntries(Object.entries(c.labels).filter(([k]) => !k.startsWith('io.berth.')));
  return {
    Id: c.id,
    Created: c.createdAt?.toISOString() ?? ZERO,
    Path: args[0] ?? '',
    Args: args.slice(1),
    State: {
      Status: sum.state,
      Running: sum.state === 'running' || sum.state === 'paused' || sum.state === 'restarting',
      Paused: sum.state === 'paused',
      Restarting: sum.state === 'restarting',
      OOMKilled: t?.oomKilled === true,
      Dead: false,
      Pid: sum.pid,
      ExitCode: sum.exitStatus,
      Error: '',
      StartedAt: sum.startedAt?.toISOString() ?? ZERO,
      FinishedAt: sum.exitedAt?.toISOString() ?? ZERO,
      ...(check &&
        t?.health && {
          Health: {
            Status: t.health.status,
            FailingStreak: t.health.failingStreak,
            Log: t.health.log.map((l) => ({
              Start: l.start,
              End: l.end,
              ExitCode: l.exitCode,
              Output: l.output,
            })),
          },
        }),
    },
    Image: c.image,
    Name: `/${sum.name}`,
    RestartCount: sum.restartCount,
    Driver: c.snapshotter === 'overlayfs' ? 'overlay2' : c.snapshotter,
    Platform: 'linux',
    LogPath: logPath,
    Runtime: sum.runtime || c.runtime?.name || '',
    Config: {
      Hostname: s.hostname ?? '',
      User: s.process?.user ? `${s.process.user.uid ?? 0}:${s.process.user.gid ?? 0}` : '',
      Tty: !!s.process?.terminal,
      OpenStdin: c.labels[LABELS.stdinOpen] === 'true',
      Env: s.process?.env ?? [],
      Cmd: args,
      WorkingDir: s.process?.cwd ?? '/',
      Image: sum.image,
      Labels: userLabels,
      StopSignal: c.labels['io.containerd.image.config.stop-signal'] ?? 'SIGTERM',
      ...(check && {
        Healthcheck: {
          Test: check.test,
          Interval: nanos(check.intervalMs),
          Timeout: nanos(check.timeoutMs),
          StartPeriod: nanos(check.startPeriodMs),
          Retries: check.retries,
        },
      }),
    },
    HostConfig: {
      Runtime: sum.runtime || 'runc',
      ReadonlyRootfs: !!s.root?.readonly,
      AutoRemove: c.labels['io.berth.auto-remove'] === 'true',
      RestartPolicy: { Name: policy.name, MaximumRetryCount: policy.maxRetries },
      CgroupParent: s.linux?.cgroupsPath ?? '',
      ...hostConfigLimits(s.linux?.resources),
    },
    Mounts:
      o.mounts ??
      (s.mounts ?? [])
        .filter((m) => m.type === 'bind')
        .map((m) => ({
          Type: 'bind',
          Source: m.source,
          Destination: m.destination,
          RW: !m.options?.includes('ro'),
        })),
    GraphDriver: { Name: 'overlay2', Data: { SnapshotKey: c.snapshotKey } },
  };
}
