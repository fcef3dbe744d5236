/** Declares `berth events`: the containerd event stream. */
import type { Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption } from '../../options.js';

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('print events as they happen, until interrupted')
    .argument('[filters...]', 'containerd filters, e.g. topic~="/content/" namespace==default')
    .addOption(formatOption().default('text').choices(['text', 'json']))
    .action(lazy(() => import('./events.js')));
}
