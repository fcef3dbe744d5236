/**
 * `berth tasks exec --exec-id ID [-d] [--cwd DIR] [-e K=V] CONTAINER CMD...`:
 * runs another process in the task, with the container's process settings
 * (user, env, cwd, capabilities) and CMD as its arguments. Without -d it
 * follows the output, exits with the process's status, and removes it.
 */
import { unary } from '@berth/grpc';
import { invalidArgument } from '@berth/errdefs';
import type { Context } from '../../context.js';
import { attachAndRun } from './attach.js';
import { openContainers, openTasks } from './clients.js';

const PROCESS_TYPE = 'types.containerd.io/opencontainers/runtime-spec/1/Process';

export interface ExecOptions {
  execId: string;
  detach?: boolean;
  cwd?: string;
  env?: string[];
}

export async function run(ctx: Context, [id, cmd]: [string, string[]], opts: ExecOptions): Promise<number> {
  if (!cmd?.length) throw invalidArgument('exec: a command is required');
  const c = openContainers(ctx);
  const { container } = await unary(c, c.get, { id }, ctx.callOpts());
  const spec = JSON.parse(Buffer.from(container?.spec?.value ?? []).toString('utf8') || '{}') as {
    process?: Record<string, unknown> & { env?: string[] };
  };
  const proc = {
    ...(spec.process ?? {}),
    args: cmd,
    terminal: false,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: [...(spec.process?.env ?? []), ...(opts.env ?? [])],
  };
  const t = openTasks(ctx);
  await unary(
    t,
    t.exec,
    {
      containerId: id,
      execId: opts.execId,
      stdin: '',
      stdout: '',
      stderr: '',
      terminal: false,
      spec: { typeUrl: PROCESS_TYPE, value: Buffer.from(JSON.stringify(proc)) },
    },
    ctx.callOpts(),
  );
  const start = async () => {
    await unary(t, t.start, { containerId: id, execId: opts.execId }, ctx.callOpts());
  };
  if (opts.detach) {
    await start();
    return 0;
  }
  try {
    // The exec's monitor exists from Exec on: attach first, then start, so no output is missed.
    return await attachAndRun(ctx, id, opts.execId, start);
  } finally {
    await unary(t, t.deleteProcess, { containerId: id, execId: opts.execId }, ctx.callOpts()).catch(
      () => undefined,
    );
  }
}
