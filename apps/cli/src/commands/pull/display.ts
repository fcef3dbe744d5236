/**
 * Per-layer progress for `berth pull` and `berth push`, like docker's: one line per layer
 * (`<short digest>: Downloading  12.3 MiB / 40.1 MiB`), redrawn in place on a terminal at most
 * ~10 times a second; on anything else, one plain line per status change (no offsets).
 * Only layers are shown; the config, manifests and index go by silently, as in docker.
 */
import { humanSize } from '@berth/cli-kit';
import type { Progress } from '@berth/proto/berth/images/v1';

export type Mode = 'pull' | 'push';

const CLEAR = '\r\x1b[2K';

/** The text docker shows for a status. `unpacked` says whether the layer was unpacked before `done`. */
function label(mode: Mode, p: Progress, unpacking: boolean): string {
  const sizes = p.total > 0 ? ` ${humanSize(p.offset)} / ${humanSize(p.total)}` : '';
  switch (p.status) {
    case 'waiting':
      return 'Waiting';
    case 'downloading':
      return `Downloading${sizes}`;
    case 'verifying':
      return 'Verifying Checksum';
    case 'unpacking':
      return 'Extracting';
    case 'exists':
      return mode === 'pull' ? 'Already exists' : 'Layer already exists';
    case 'mounted':
      return 'Mounted from another repository';
    case 'uploading':
      return `Pushing${sizes}`;
    case 'done':
      return mode === 'push' ? 'Pushed' : unpacking ? 'Pull complete' : 'Download complete';
    default:
      return p.status;
  }
}

export class TransferDisplay {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private readonly lastStatus = new Map<string, string>();
  private readonly unpacking = new Set<string>();
  private drawnLines = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly mode: Mode,
    private readonly tty = out.isTTY === true,
  ) {}

  /** Takes one Progress message. */
  update(p: Progress): void {
    if (!p.ref.startsWith('layer-')) return;
    const id = p.ref
      .slice('layer-'.length)
      .replace(/^[a-z0-9]+:/, '')
      .slice(0, 12);
    if (p.status === 'unpacking') this.unpacking.add(id);
    const text = `${id}: ${label(this.mode, p, this.unpacking.has(id))}`;
    if (!this.lines.has(id)) this.order.push(id);
    this.lines.set(id, text);
    const changed = this.lastStatus.get(id) !== p.status;
    this.lastStatus.set(id, p.status);
    if (!this.tty) {
      if (changed) this.out.write(`${text}\n`);
      return;
    }
    const now = Date.now();
    if (changed || now - this.lastDraw >= 100) this.draw(now);
  }

  /** Draws the final state (terminal only). */
  finish(): void {
    if (this.tty && this.order.length) this.draw(Date.now());
  }

  private draw(now: number): void {
    this.lastDraw = now;
    let s = this.drawnLines ? `\x1b[${this.drawnLines}A` : '';
    for (const id of this.order) s += `${CLEAR}${this.lines.get(id) ?? ''}\n`;
    this.drawnLines = this.order.length;
    this.out.write(s);
  }
}
