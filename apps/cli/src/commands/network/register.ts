/**
 * Declares `berth network …` (docker's network commands over berth-network: create, ls,
 * inspect, connect, disconnect, rm, prune) and `berth port` (also `container port`).
 */
import { Option, type Command } from 'commander';
import { lazy } from '../../action.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerNetwork(program: Command): void {
  const network = program.command('network').description('manage networks');

  network
    .command('create')
    .description('create a network and print its id')
    .argument('<name>', 'network name')
    .addOption(new Option('-d, --driver <driver>', 'network driver').choices(['bridge']).default('bridge'))
    .option('--subnet <cidr>', 'subnet, e.g. 10.231.5.0/24 (default: one from the pool)', collect)
    .option('--gateway <ip>', 'gateway of the subnet (default: its first address)', collect)
    .option('--ip-range <cidr>', 'allocate container addresses from this sub-range', collect)
    .option('--internal', 'no access to or from outside the network')
    .option(
      '-o, --opt <key=value>',
      'driver option: com.docker.network.driver.mtu=N, com.docker.network.bridge.name=NAME',
      collect,
    )
    .option('--mtu <bytes>', 'MTU of the network’s interfaces')
    .option('--label <key=value>', 'set a label on the network', collect)
    .option('--ipv6', 'enable IPv6 (not supported by berth-network yet)')
    .action(lazy(() => import('./create.js')));

  network
    .command('ls')
    .aliases(['list'])
    .description('list networks: NETWORK ID NAME DRIVER SCOPE')
    .option('-q, --quiet', 'only display network IDs')
    .option(
      '-f, --filter <filter>',
      'filter output (driver=, id=, label=k[=v], name=, scope=, type=custom|builtin, dangling=)',
      collect,
    )
    .option('--no-trunc', "don't truncate output")
    .option('--format <format>', "'table', 'json', 'table TEMPLATE' or a Go template, e.g. '{{.Name}}'")
    .action(lazy(() => import('./ls.js')));

  network
    .command('inspect')
    .description('display detailed information on networks (JSON, or a Go template)')
    .argument('<network...>', 'network names or IDs')
    .option('-f, --format <template>', "Go template, e.g. '{{json .IPAM.Config}}'")
    .action(lazy(() => import('./inspect.js')));

  network
    .command('connect')
    .description('connect a container to a network')
    .argument('<network>', 'network name or ID')
    .argument('<container>', 'container name or ID')
    .option('--alias <alias>', 'add a network-scoped alias for the container', collect)
    .option('--ip <address>', 'IPv4 address on the network')
    .action(lazy(() => import('./connect.js')));

  network
    .command('disconnect')
    .description('disconnect a container from a network')
    .argument('<network>', 'network name or ID')
    .argument('<container>', 'container name or ID')
    .option('-f, --force', 'do not fail when the container is not connected')
    .action(lazy(() => import('./disconnect.js')));

  network
    .command('rm')
    .aliases(['remove'])
    .description('remove networks')
    .argument('<network...>', 'network names or IDs')
    .action(lazy(() => import('./rm.js')));

  network
    .command('prune')
    .description('remove every user-defined network no container uses')
    .option('-f, --force', 'do not prompt (berth never prompts)')
    .action(lazy(() => import('./prune.js')));

  const port = (parent: Command) =>
    parent
      .command('port')
      .description('list the port mappings of a container, or the host address of one port')
      .argument('<container>', 'container name or ID')
      .argument('[private-port]', 'PRIVATE_PORT[/PROTO], e.g. 80 or 53/udp')
      .action(lazy(() => import('./port.js')));
  port(program);
  const container = program.commands.find((c) => c.name() === 'container');
  if (container && !container.commands.some((c) => c.name() === 'port')) port(container);
}
