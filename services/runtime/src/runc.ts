/**
 * The OCI runtime's command line (runc, or crun which takes the same verbs):
 * the verbs berth-runtime runs itself — the monitor runs create and exec.
 * Errors keep the runtime's own message and become typed errors.
 */
import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { BerthError, failedPrecondition, internal, notFound } from '@berth/errdefs';

const LOGRUS = /time="[^"]*" level=\w+ msg="((?:[^"\\]|\\.)*)"/g;

/** Replaces runc's logrus lines (`time=… level=error msg="…"`) in `text` by their message. */
export function stripLogrus(text: string): string {
  return text.replace(LOGRUS, (_, msg: string) => msg.replace(/\\(.)/g, '$1'));
}

/** The runtime's last words: runc logs `time=… level=error msg="…"`; crun prints the message as is. */
export function runtimeMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  return stripLogrus(lines.at(-1) ?? '').trim();
}

/** Maps a runtime message to an error kind, so callers can branch on it. */
export function runtimeError(binary: string, verb: string, id: string, message: string): BerthError {
  const text = `${basename(binary)} ${verb} ${id}: ${message || 'failed'}`;
  if (/does not exist|not found|no such/i.test(message)) return notFound(text);
  if (/not running|is paused|not paused|is stopped|already|cannot|process already finished/i.test(message))
    return failedPrecondition(text);
  return internal(text);
}

export class Runc {
  constructor(
    readonly binary: string,
    /** --root: the runtime's state dir (one per namespace). */
    readonly root: string,
  ) {}

  private exec(verb: string, id: string, args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.binary,
        ['--root', this.root, verb, ...args],
        { maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          const e = err as NodeJS.ErrnoException;
          if (e.code === 'ENOENT') return reject(failedPrecondition(`OCI runtime ${this.binary} not found`));
          reject(runtimeError(this.binary, verb, id, runtimeMessage(stderr)));
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  async start(id: string): Promise<void> {
    await this.exec('start', id, [id]);
  }

  async kill(id: string, signal: number, all = false): Promise<void> {
    await this.exec('kill', id, [...(all ? ['--all'] : []), id, String(signal)]);
  }

  async pause(id: string): Promise<void> {
    await this.exec('pause', id, [id]);
  }

  async resume(id: string): Promise<void> {
    await this.exec('resume', id, [id]);
  }

  /** Removes the runtime's state; `force` kills a container that still runs. Missing is fine. */
  async delete(id: string, force = false): Promise<void> {
    try {
      await this.exec('delete', id, [...(force ? ['--force'] : []), id]);
    } catch (err) {
      if (!(err instanceof BerthError && err.kind === 'NotFound')) throw err;
    }
  }

  /** Pids in the container's cgroup. */
  async ps(id: string): Promise<number[]> {
    const out = await this.exec('ps', id, ['--format', 'json', id]);
    return (JSON.parse(out || '[]') as number[] | null) ?? [];
  }

  /** Applies an OCI LinuxResources JSON document to the running container. */
  async update(id: string, resources: string): Promise<void> {
    await this.exec('update', id, ['--resources', '-', id], resources);
  }

  /** The runtime's view: status created|running|paused|stopped, or undefined when it has none. */
  async state(id: string): Promise<{ status: string; pid: number } | undefined> {
    try {
      return JSON.parse(await this.exec('state', id, [id])) as { status: string; pid: number };
    } catch (err) {
      if (err instanceof BerthError && err.kind === 'NotFound') return undefined;
      throw err;
    }
  }
}
