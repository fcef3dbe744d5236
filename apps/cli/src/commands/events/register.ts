/** Declares `berth events`: the containerd event stream. */
import type { Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption } from '../../options.js';

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('print events as they happen, until interrupted; --since replays the recorded history')
    .argument('[filters...]', 'containerd filters, e.g. topic~="/content/" namespace==default')
    .addOption(formatOption().default('text').choices(['text', 'json']))
    .option('--since <when>', 'replay recorded events from this long ago (10m, 2h) or this time (RFC 3339)')
    .option('--follow', 'with --since: keep printing new events after the history')
    .action(lazy(() => import('./events.js')));
}
