/**
 * What `ps` and `inspect` show about a container: its record (spec, labels)
 * joined with its task record (state, pid, exit). Pure functions.
 */
import type { Container } from '@berth/proto/containers/v1';
import type { ContainerSummary } from '@berth/proto/berth/runtime/v1';
import { NAME_LABEL } from './containers.js';
import { LABELS } from './tasks.js';
import type { TaskRecord } from './task-store.js';

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

export type State = 'created' | 'running' | 'paused' | 'exited';

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

export function summarize(c: Container, t: TaskRecord | undefined): ContainerSummary {
  const state = stateOf(t);
  const live = state === 'running' || state === 'paused';
  return {
    id: c.id,
    name: nameOf(c),
    image: c.labels['io.berth.image'] || c.image,
    command: commandOf(specOf(c)),
    createdAt: c.createdAt,
    state,
    pid: live ? (t?.init.pid ?? 0) : 0,
    exitStatus: state === 'exited' ? (t?.init.exitStatus ?? 0) : 0,
    startedAt: t?.startedAt ? new Date(t.startedAt) : undefined,
    exitedAt: state === 'exited' && t?.init.exitedAt ? new Date(t.init.exitedAt) : undefined,
    labels: c.labels,
    runtime: t?.runtime ?? c.labels[LABELS.runtime] ?? '',
    restartCount: t?.restartCount ?? 0,
  };
}

const ZERO = '0001-01-01T00:00:00Z';

/** A docker-inspect-shaped document: the fields scripts read most. */
export function inspect(c: Container, t: TaskRecord | undefined, logPath: string): Record<string, unknown> {
  const s = specOf(c);
  const sum = summarize(c, t);
  const args = s.process?.args ?? [];
  const userLabels = Object.fromEntries(Object.entries(c.labels).filter(([k]) => !k.startsWith('io.berth.')));
  return {
    Id: c.id,
    Created: c.createdAt?.toISOString() ?? ZERO,
    Path: args[0] ?? '',
    Args: args.slice(1),
    State: {
      Status: sum.state,
      Running: sum.state === 'running' || sum.state === 'paused',
      Paused: sum.state === 'paused',
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: sum.pid,
      ExitCode: sum.exitStatus,
      Error: '',
      StartedAt: sum.startedAt?.toISOString() ?? ZERO,
      FinishedAt: sum.exitedAt?.toISOString() ?? ZERO,
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
    },
    HostConfig: {
      Runtime: sum.runtime || 'runc',
      ReadonlyRootfs: !!s.root?.readonly,
      AutoRemove: c.labels['io.berth.auto-remove'] === 'true',
      CgroupParent: s.linux?.cgroupsPath ?? '',
    },
    Mounts: (s.mounts ?? [])
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
