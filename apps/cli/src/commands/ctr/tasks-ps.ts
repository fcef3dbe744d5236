/** `berth tasks ps CONTAINER`: ctr's PID INFO (INFO names the exec a pid belongs to). */
import { renderTable } from '@berth/cli-kit';
import { unary } from '@berth/grpc';
import { ProcessDetails } from '@berth/proto/runc';
import type { Context } from '../../context.js';
import { openTasks } from './clients.js';

export async function run(ctx: Context, [id]: [string]): Promise<void> {
  const t = openTasks(ctx);
  const { processes } = await unary(t, t.listPids, { containerId: id }, ctx.callOpts());
  const info = (p: (typeof processes)[number]): string => {
    if (!p.info?.value?.length) return '-';
    // ctr prints the decoded Any with %+v: gogo's String() of the message.
    const d = ProcessDetails.decode(p.info.value);
    return `&ProcessDetails{ExecID:${d.execId},XXX_unrecognized:[],}`;
  };
  ctx.stdout.write(
    renderTable(
      ['PID', 'INFO'],
      processes.map((p) => [String(p.pid), info(p)]),
    ),
  );
}
