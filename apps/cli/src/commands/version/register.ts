/** Declares `berth version`. */
import type { Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption } from '../../options.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the client and server versions')
    .addOption(formatOption().default('text').choices(['text', 'json']))
    .action(lazy(() => import('./version.js')));
}
