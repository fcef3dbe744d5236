/** Declares `berth namespaces …` (alias `ns`): containerd namespaces v1. */
import type { Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption, quietOption } from '../../options.js';

export function registerNamespaces(program: Command): void {
  const ns = program.command('namespaces').alias('ns').description('manage namespaces');

  ns.command('ls')
    .alias('list')
    .description('list namespaces')
    .addOption(quietOption('names'))
    .addOption(formatOption())
    .action(lazy(() => import('./ls.js')));

  ns.command('create')
    .description('create a namespace')
    .argument('<name>', 'namespace name')
    .argument('[labels...]', 'k=v labels')
    .action(lazy(() => import('./create.js')));

  ns.command('rm')
    .alias('remove')
    .description('remove empty namespaces')
    .argument('<name...>', 'namespace names')
    .action(lazy(() => import('./rm.js')));

  ns.command('label')
    .description('set (k=v) or remove (k=) labels of a namespace and print the resulting labels')
    .argument('<name>', 'namespace name')
    .argument('[labels...]', 'k=v to set, k= to remove')
    .action(lazy(() => import('./label.js')));
}
