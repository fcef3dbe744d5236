/**
 * Declares docker's container views: `ps`, `logs`, `top`, `rename`, `inspect`
 * (containers, then images) and the same under `container` (`container
 * ls|ps|list`, `container logs|top|rename|inspect`).
 */
import { Option, type Command } from 'commander';
import { lazy } from '../../action.js';

type Declare = (parent: Command, name: string) => Command;

const collect = (v: string, prev: string[] = []) => [...prev, v];

const ps: Declare = (parent, name) =>
  parent
    .command(name)
    .description('list containers: CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('-q, --quiet', 'only display container IDs')
    .option('--no-trunc', "don't truncate output")
    .option('-n, --last <n>', 'show n last created containers (includes all states)')
    .option('-l, --latest', 'show the latest created container (includes all states)')
    .option(
      '-f, --filter <filter>',
      'filter output (id=, name=, label=k[=v], status=, ancestor=, exited=, before=, since=)',
      collect,
    )
    .option(
      '--format <format>',
      "'table', 'json', 'table TEMPLATE' or a Go template, e.g. '{{.ID}} {{.Names}}'",
    )
    .option('-s, --size', 'display total file sizes')
    .action(lazy(() => import('./ps.js')));

const logs: Declare = (parent, name) =>
  parent
    .command(name)
    .description("fetch a container's logs (stdout on stdout, stderr on stderr)")
    .argument('<container>', 'container name or ID')
    .option('-f, --follow', 'follow log output until the container exits')
    .option('-n, --tail <n>', 'number of lines to show from the end of the logs, or "all"', 'all')
    .option('-t, --timestamps', 'show timestamps (RFC 3339, nanoseconds)')
    .option('--since <time>', 'show logs since a timestamp (2013-01-02T13:23:37Z) or relative (42m)')
    .option('--until <time>', 'show logs before a timestamp (2013-01-02T13:23:37Z) or relative (42m)')
    .option('--details', 'show extra details provided to logs')
    .action(lazy(() => import('./logs.js')));

const top: Declare = (parent, name) =>
  parent
    .command(name)
    .description('display the running processes of a container')
    .argument('<container>', 'container name or ID')
    .argument('[ps-options...]', 'ps(1) options (default -ef)')
    .allowUnknownOption()
    .helpOption('--help', 'display help for command')
    .action(lazy(() => import('./top.js')));

const rename: Declare = (parent, name) =>
  parent
    .command(name)
    .description('rename a container')
    .argument('<container>', 'container name or ID')
    .argument('<new-name>', 'the new name')
    .action(lazy(() => import('./rename.js')));

const inspect: Declare = (parent, name) =>
  parent
    .command(name)
    .description('return low-level information on containers or images (JSON, or a Go template)')
    .argument('<name...>', 'container or image names or IDs')
    .option('-f, --format <template>', "Go template, e.g. '{{.State.Status}}' or '{{json .Config}}'")
    .addOption(
      new Option('--type <type>', 'only look for this type of object').choices(['container', 'image']),
    )
    .option('-s, --size', 'accepted for docker compatibility (sizes are not computed)')
    .action(lazy(() => import('./inspect.js')));

export function registerContainerViews(program: Command): void {
  // docker's own flags reuse the global short names (`ps -n`, `logs -n`, `run -v`): global
  // options are recognised only before the command name, as in docker and ctr.
  program.enablePositionalOptions();

  ps(program, 'ps');
  logs(program, 'logs');
  top(program, 'top');
  rename(program, 'rename');
  inspect(program, 'inspect');

  const container =
    program.commands.find((c) => c.name() === 'container') ??
    program.command('container').description('manage containers');
  const has = (n: string) => container.commands.some((c) => c.name() === n || c.aliases().includes(n));
  if (!has('ls')) ps(container, 'ls').aliases(['ps', 'list']);
  if (!has('logs')) logs(container, 'logs');
  if (!has('top')) top(container, 'top');
  if (!has('rename')) rename(container, 'rename');
  if (!has('inspect'))
    container
      .command('inspect')
      .description('display detailed information on containers')
      .argument('<container...>', 'container names or IDs')
      .option('-f, --format <template>', 'Go template')
      .option('-s, --size', 'accepted for docker compatibility')
      .action(lazy(() => import('./container-inspect.js')));
}
