/**
 * Following a process's output through Runtime.Attach: join first, start the
 * process only once the server says it is attached (so nothing is missed),
 * copy stdout/stderr frames, and return the exit status from the final frame.
 */
import { Metadata } from '@grpc/grpc-js';
import { clientError } from '@berth/grpc';
import { AttachRequest, RuntimeClient, type AttachFrame } from '@berth/proto/berth/runtime/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { writeAll } from '../views/runtime.js';

/** Attaches to `containerId`/`execId`, runs `start` once attached, and resolves with the exit status. */
export async function attachAndRun(
  ctx: Context,
  containerId: string,
  execId: string,
  start: () => Promise<void>,
): Promise<number> {
  const rt = openClient(ctx, RuntimeClient);
  const md = new Metadata();
  md.set('containerd-namespace', ctx.namespace);
  const call = rt.attach(md, {});
  const onInt = () => call.cancel();
  process.once('SIGINT', onInt);
  call.write(AttachRequest.fromPartial({ containerId, execId, stdin: false }));
  call.end();
  const opts = { service: 'berth' };
  try {
    let started = false;
    for await (const f of call as AsyncIterable<AttachFrame>) {
      if (f.stream === 0 && !started) {
        started = true;
        await start();
      } else if (f.stream === 1) await writeAll(ctx.stdout, f.data);
      else if (f.stream === 2) await writeAll(ctx.stderr, f.data);
      else if (f.stream === 3) return f.exitStatus;
    }
    throw new Error('attach: the stream ended without an exit status');
  } catch (err) {
    throw clientError(err, opts, 'Attach');
  } finally {
    process.removeListener('SIGINT', onInt);
    call.cancel();
  }
}
