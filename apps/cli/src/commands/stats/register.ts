/** Declares `berth stats [-a] [--no-stream] [--format …] [CONTAINER...]` (and `container stats`). */
import type { Command } from 'commander';
import { lazy } from '../../action.js';

export function registerStats(program: Command): void {
  const declare = (parent: Command) =>
    parent
      .command('stats')
      .description('live resource usage of containers: CPU %, memory, network and block I/O, pids')
      .argument('[container...]', 'names or ids (default: every running container)')
      .option('-a, --all', 'show all containers (default shows just running)')
      .option('--no-stream', 'print one reading and exit instead of refreshing every second')
      .option('--no-trunc', "don't truncate output")
      .option(
        '--format <format>',
        "'table', 'json', 'table TEMPLATE' or a Go template, e.g. '{{.Name}} {{.CPUPerc}}'",
      )
      .action(lazy(() => import('./stats.js')));
  declare(program);
  const container = program.commands.find((c) => c.name() === 'container');
  if (container && !container.commands.some((c) => c.name() === 'stats')) declare(container);
}
