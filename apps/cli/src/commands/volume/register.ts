/**
 * Declares `berth volume …`: docker's volume commands (create, ls, inspect, rm, prune) over
 * berth.volumes.v1, served by berth-runtime.
 */
import type { Command } from 'commander';
import { lazy } from '../../action.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerVolume(program: Command): void {
  const volume = program.command('volume').description('manage volumes');

  volume
    .command('create')
    .description('create a volume and print its name')
    .argument('[name]', 'volume name (default: a random 64-hex name)')
    .option('--name <name>', 'volume name (instead of the argument)')
    .option('-d, --driver <driver>', 'volume driver (only local)', 'local')
    .option(
      '-o, --opt <key=value>',
      'driver option: type, device, o (e.g. type=tmpfs device=tmpfs o=size=64m)',
      collect,
    )
    .option('--label <key=value>', 'set a label on the volume', collect)
    .action(lazy(() => import('./create.js')));

  volume
    .command('ls')
    .aliases(['list'])
    .description('list volumes: DRIVER VOLUME NAME')
    .option('-q, --quiet', 'only display volume names')
    .option(
      '-f, --filter <filter>',
      'filter output (dangling=true|false, driver=, label=k[=v], name=)',
      collect,
    )
    .option('--format <format>', "'table', 'json', 'table TEMPLATE' or a Go template, e.g. '{{.Name}}'")
    .action(lazy(() => import('./ls.js')));

  volume
    .command('inspect')
    .description('display detailed information on volumes (JSON, or a Go template)')
    .argument('<volume...>', 'volume names')
    .option('-f, --format <template>', "Go template, e.g. '{{.Mountpoint}}'")
    .action(lazy(() => import('./inspect.js')));

  volume
    .command('rm')
    .aliases(['remove'])
    .description('remove volumes (refused while a container uses one)')
    .argument('<volume...>', 'volume names')
    .option('-f, --force', 'do not fail for a volume that does not exist')
    .action(lazy(() => import('./rm.js')));

  volume
    .command('prune')
    .description('remove anonymous volumes no container uses (-a: every unused volume)')
    .option('-a, --all', 'remove named volumes too, not only anonymous ones')
    .option('--filter <filter>', 'only volumes with (label=k[=v]) or without (label!=k[=v]) a label', collect)
    .option('-f, --force', 'do not prompt (berth never prompts)')
    .action(lazy(() => import('./prune.js')));
}
