/**
 * Wiring this process's stdio to a container process: input bytes (raw mode on
 * a terminal when the container has a tty), the end of input, and terminal
 * size changes (SIGWINCH). Output goes the other way and is the caller's.
 */

/** Where input goes: an attach session or an exec's stdin FIFO. */
export interface InputTarget {
  write(data: Buffer): void;
  closeStdin(): void;
  resize(width: number, height: number): void;
}

export interface ClientStdio {
  /** This process's input; omit when the container gets none (no `-i`). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  /** Used for the terminal size (a TTY's columns and rows). */
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
}

/**
 * Starts copying input to `t` and watching the terminal size; returns the function that
 * undoes all of it (raw mode off, listeners removed). `tty`: the container has a terminal.
 */
export function wireInput(t: InputTarget, io: ClientStdio, tty: boolean): () => void {
  const undo: (() => void)[] = [];
  const out = io.stdout;
  if (tty && out.isTTY) {
    const resize = () => t.resize(out.columns ?? 0, out.rows ?? 0);
    resize();
    process.on('SIGWINCH', resize);
    undo.push(() => process.off('SIGWINCH', resize));
  }
  const input = io.stdin;
  if (input) {
    if (tty && input.isTTY && input.setRawMode) {
      input.setRawMode(true);
      undo.push(() => input.setRawMode?.(false));
    }
    const onData = (d: Buffer | string) => t.write(typeof d === 'string' ? Buffer.from(d) : d);
    const onEnd = () => t.closeStdin();
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
    undo.push(() => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
    });
  }
  return () => {
    for (const f of undo.splice(0).reverse()) f();
  };
}
