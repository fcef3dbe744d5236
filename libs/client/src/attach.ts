/**
 * berth.runtime.v1 Runtime.Attach as a session: the first request names the
 * process, the server answers with a stream-0 frame once attached (start the
 * task only after it, so no output is lost), then output frames (1 stdout,
 * 2 stderr), then one stream-3 frame with the exit status.
 */
import { Metadata } from '@grpc/grpc-js';
import { clientError, NAMESPACE_KEY } from '@berth/grpc';
import { unavailable } from '@berth/errdefs';
import type { AttachFrame, AttachRequest } from '@berth/proto/berth/runtime/v1';
import type { Clients } from './clients.js';

export interface ExitStatus {
  exitStatus: number;
  exitedAt?: Date;
}

export interface AttachOptions {
  /** The exec's id; empty or absent for the container's init process. */
  execId?: string;
  /** Send input (the process must have been created with stdin open). */
  stdin: boolean;
  /** Output as it arrives: 1 stdout, 2 stderr. Returning false asks for a pause until `resume()`. */
  output(stream: 1 | 2, data: Buffer): boolean | void;
}

export interface AttachSession {
  /** Resolves once the server is attached (the stream-0 frame); rejects if attaching failed. */
  readonly ready: Promise<void>;
  /** Resolves with the exit (the stream-3 frame); rejects if the stream fails before it. */
  readonly exit: Promise<ExitStatus>;
  write(data: Buffer): void;
  closeStdin(): void;
  resize(width: number, height: number): void;
  /** Resumes output after `output` returned false. */
  resume(): void;
  /** Cancels the stream (the process keeps running). */
  close(): void;
}

const request = (r: Partial<AttachRequest>): AttachRequest => ({
  containerId: '',
  execId: '',
  stdin: false,
  data: Buffer.alloc(0),
  width: 0,
  height: 0,
  closeStdin: false,
  ...r,
});

/** Opens an attach stream to container `id` (its full id, name or unique prefix). */
export function openAttach(c: Clients, id: string, o: AttachOptions): AttachSession {
  const md = new Metadata();
  md.set(NAMESPACE_KEY, c.opts.ns);
  const call = c.runtime.attach(md, {});
  let readyResolve!: () => void;
  let readyReject!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  let exitResolve!: (e: ExitStatus) => void;
  let exitReject!: (e: unknown) => void;
  const exit = new Promise<ExitStatus>((res, rej) => {
    exitResolve = res;
    exitReject = rej;
  });
  // Whoever only awaits one of them must not see the other as an unhandled rejection.
  ready.catch(() => undefined);
  exit.catch(() => undefined);
  let attached = false;
  let exited = false;

  call.on('data', (f: AttachFrame) => {
    if (f.stream === 0) {
      attached = true;
      readyResolve();
    } else if (f.stream === 1 || f.stream === 2) {
      if (o.output(f.stream, Buffer.from(f.data)) === false) call.pause();
    } else if (f.stream === 3) {
      exited = true;
      exitResolve({ exitStatus: f.exitStatus, exitedAt: f.exitedAt });
    }
  });
  const fail = (err: unknown) => {
    const e = clientError(err, { service: 'berth' }, 'Attach');
    if (!attached) readyReject(e);
    if (!exited) exitReject(e);
  };
  call.on('error', fail);
  call.on('end', () => {
    if (!exited) fail(unavailable(`attach to ${id}: the stream ended before the process exited`));
  });
  call.write(request({ containerId: id, execId: o.execId ?? '', stdin: o.stdin }));

  const send = (r: Partial<AttachRequest>) => {
    if (!call.writable || call.writableEnded) return;
    call.write(request(r));
  };
  return {
    ready,
    exit,
    write: (data) => {
      if (data.length) send({ data });
    },
    closeStdin: () => send({ closeStdin: true }),
    resize: (width, height) => {
      if (width > 0 && height > 0) send({ width, height });
    },
    resume: () => call.resume(),
    close: () => call.cancel(),
  };
}
