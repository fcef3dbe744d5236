/**
 * A one-line progress bar for long transfers (ingest, pull), drawn on a
 * terminal stream with carriage returns. Callers decide whether to show one
 * at all (only when the stream is a TTY); this class only draws.
 */
import { humanSize } from './human-size.js';

/** The part of a tty.WriteStream the bar needs. */
export interface ProgressOutput {
  write(chunk: string): unknown;
  /** Terminal width; 80 when unknown or 0. */
  columns?: number;
}

export interface ProgressBarOptions {
  /** Total bytes expected. */
  total: number;
  /** Bytes already done before this run (a resumed ingest); excluded from the rate. */
  start?: number;
  /** Shortest time between two redraws, default 100 ms (~10 Hz). */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

// Erase the whole line and return the cursor to column 0.
const CLEAR = '\r\x1b[2K';

/** Formats seconds as `42s`, `3m05s` or `1h02m`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Draws `[=====>    ]  45.0 MiB / 200.0 MiB  512.3 MiB/s  ETA 3s`, at most once
 * per interval however often `update` is called, and erases it on `finish`.
 */
export class ProgressBar {
  private readonly total: number;
  private readonly start: number;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly t0: number;
  private current: number;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    opts: ProgressBarOptions,
  ) {
    this.total = opts.total;
    this.start = opts.start ?? 0;
    this.current = this.start;
    this.interval = opts.intervalMs ?? 100;
    this.now = opts.now ?? Date.now;
    this.t0 = this.now();
  }

  /** Records progress (`done` bytes in all) and redraws if the interval has passed. */
  update(done: number): void {
    this.current = done;
    const t = this.now();
    if (t - this.lastDraw < this.interval) return;
    this.lastDraw = t;
    this.out.write(CLEAR + this.render(t));
    this.drawn = true;
  }

  /** Erases the bar's line, leaving the cursor at its start. Safe to call twice. */
  finish(): void {
    if (this.drawn) this.out.write(CLEAR);
    this.drawn = false;
  }

  /** Returns the bar's text at time `t` (no control characters). */
  render(t: number = this.now()): string {
    const elapsed = (t - this.t0) / 1000;
    const rate = elapsed > 0 ? (this.current - this.start) / elapsed : 0;
    const eta = rate > 0 ? formatEta((this.total - this.current) / rate) : '--';
    const text = `${humanSize(this.current)} / ${humanSize(this.total)}  ${humanSize(rate)}/s  ETA ${eta}`;
    // A pty without a size (script, some CI runners) reports 0 columns.
    const columns = this.out.columns || 80;
    // Leave the last column free: writing into it makes some terminals wrap.
    const width = Math.min(40, columns - text.length - 5);
    if (width < 10) return text.slice(0, columns - 1);
    const frac = this.total > 0 ? Math.min(1, this.current / this.total) : 0;
    const fill = Math.floor(frac * width);
    const bar = frac >= 1 ? '='.repeat(width) : '='.repeat(fill) + '>' + ' '.repeat(width - fill - 1);
    return `[${bar}]  ${text}`;
  }
}
