/**
 * `docker top`: run ps(1) on the host with the user's options and keep the
 * rows whose PID belongs to the container (docker does the same).
 */
import { execFile } from 'node:child_process';
import { invalidArgument } from '@berth/errdefs';

export interface Top {
  titles: string[];
  processes: string[][];
}

/** Splits ps output into titles and rows; the last column (the command) may contain spaces. */
export function parsePs(out: string, pids: ReadonlySet<number>): Top {
  const lines = out.split('\n').filter((l) => l.trim());
  const titles = (lines.shift() ?? '').trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw invalidArgument(`ps output has no PID column (titles: ${titles.join(' ')})`);
  const processes: string[][] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    const row = [...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')];
    if (pids.has(Number(row[pidCol]))) processes.push(row);
  }
  return { titles, processes };
}

export function top(pids: number[], psArgs: string): Promise<Top> {
  const args = (psArgs || '-ef').trim().split(/\s+/);
  return new Promise((resolve, reject) => {
    execFile('ps', args, { maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(invalidArgument(`ps ${args.join(' ')}: ${stderr.trim() || err.message}`));
      try {
        resolve(parsePs(stdout, new Set(pids)));
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}
