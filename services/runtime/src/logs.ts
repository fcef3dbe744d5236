/**
 * Reading a container's docker json-file log (written by berth-monitor, with
 * max-size/max-file rotation into <log>.1 … <log>.N): tail, since/until,
 * stream selection, and follow across rotations until the task ends.
 */
import { open, readFile, stat } from 'node:fs/promises';

export interface LogLine {
  stream: 1 | 2;
  data: Buffer;
  time: Date;
}

export interface LogQuery {
  tail: number;
  since?: Date;
  until?: Date;
  stdout: boolean;
  stderr: boolean;
}

interface Raw {
  log: string;
  stream: string;
  time: string;
}

function parse(line: string): LogLine | undefined {
  if (!line) return undefined;
  try {
    const r = JSON.parse(line) as Raw;
    return {
      stream: r.stream === 'stderr' ? 2 : 1,
      data: Buffer.from(r.log, 'utf8'),
      time: new Date(r.time),
    };
  } catch {
    return undefined; // a torn last line after a crash
  }
}

function wanted(q: LogQuery, l: LogLine): boolean {
  if (l.stream === 1 ? !q.stdout : !q.stderr) return false;
  if (q.since && l.time < q.since) return false;
  if (q.until && l.time > q.until) return false;
  return true;
}

/** The rotated files oldest first, then the live one. */
async function files(path: string, maxFiles: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = Math.max(maxFiles, 10); i >= 1; i--) {
    if (await stat(`${path}.${i}`).catch(() => undefined)) out.push(`${path}.${i}`);
  }
  out.push(path);
  return out;
}

/** Lines already written, after the query's filters and tail. */
export async function readLog(
  path: string,
  q: LogQuery,
  maxFiles = 1,
): Promise<{ lines: LogLine[]; offset: number }> {
  let lines: LogLine[] = [];
  let offset = 0;
  for (const f of await files(path, maxFiles)) {
    const buf = await readFile(f).catch(() => Buffer.alloc(0));
    // Only whole lines count; the live file's partial tail is read again when following.
    const end = buf.lastIndexOf(0x0a) + 1;
    if (f === path) offset = end;
    for (const s of buf.subarray(0, end).toString('utf8').split('\n')) {
      const l = parse(s);
      if (l && wanted(q, l)) lines.push(l);
    }
  }
  if (q.tail >= 0) lines = q.tail === 0 ? [] : lines.slice(-q.tail);
  return { lines, offset };
}

/**
 * Yields new lines appended to `path` from `offset`, reopening it when the
 * monitor rotates it, until `done()` says the writer is gone and nothing is left.
 */
export async function* followLog(
  path: string,
  offset: number,
  q: LogQuery,
  done: () => Promise<boolean>,
  signal: AbortSignal,
  pollMs = 100,
): AsyncGenerator<LogLine> {
  let ino = (await stat(path).catch(() => undefined))?.ino;
  let pos = offset;
  let pending = '';
  while (!signal.aborted) {
    const st = await stat(path).catch(() => undefined);
    if (st && (st.ino !== ino || st.size < pos)) {
      ino = st.ino; // rotated: the new file starts from zero
      pos = 0;
      pending = '';
    }
    let grew = false;
    if (st && st.size > pos) {
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(st.size - pos);
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        pos += bytesRead;
        pending += buf.subarray(0, bytesRead).toString('utf8');
        grew = bytesRead > 0;
      } finally {
        await fh.close();
      }
      const cut = pending.lastIndexOf('\n');
      if (cut >= 0) {
        for (const s of pending.slice(0, cut).split('\n')) {
          const l = parse(s);
          if (l && wanted(q, l)) yield l;
        }
        pending = pending.slice(cut + 1);
      }
    }
    if (!grew) {
      if (await done()) {
        // One last look: the final lines may have landed after the stat above.
        const last = await stat(path).catch(() => undefined);
        if (!last || last.size <= pos) return;
        continue;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
