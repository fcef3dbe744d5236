/** Declares `berth update [flags] CONTAINER...` (docker's live resource update). */
import type { Command } from 'commander';
import { lazy } from '../../action.js';
import { updatableResourceFlags } from './flags.js';

export function registerUpdate(program: Command): void {
  const declare = (parent: Command) =>
    updatableResourceFlags(
      parent
        .command('update')
        .description('update the resource limits of containers (live when running; kept for restarts)')
        .argument('<container...>', 'names or ids'),
    ).action(lazy(() => import('./update.js')));
  declare(program);
  const container = program.commands.find((c) => c.name() === 'container');
  if (container && !container.commands.some((c) => c.name() === 'update')) declare(container);
}
