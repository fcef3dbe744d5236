/**
 * Declares docker's container lifecycle commands: run, create, start, stop, restart, kill, wait,
 * attach, exec, rm, pause, unpause. Handlers live beside this file; the shared flows are
 * @berth/client's.
 */
import { Option, type Command } from 'commander';
import { lazy } from '../../action.js';
import { resourceFlags } from '../update/flags.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The flags `run` and `create` share (docker's names and short forms). */
function runFlags(cmd: Command): Command {
  return resourceFlags(cmd)
    .helpOption('--help', 'display help for command') // -h is --hostname, as in docker
    .argument('<image>', 'image to run, e.g. busybox')
    .argument('[command...]', 'command and arguments (default: the image’s)')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('--name <name>', 'name of the container')
    .option('-e, --env <KEY=value>', 'set an environment variable (KEY alone: take it from here)', collect)
    .option('--env-file <file>', 'read environment variables from a file', collect)
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'user name or uid, and optionally group name or gid')
    .option('--entrypoint <command>', 'override the image’s entrypoint (empty clears it)')
    .option('-l, --label <key=value>', 'set a label on the container', collect)
    .option('-h, --hostname <name>', 'container host name')
    .option('--privileged', 'give every capability and device, no seccomp or masked paths')
    .option('--cap-add <cap>', 'add a Linux capability', collect)
    .option('--cap-drop <cap>', 'drop a Linux capability', collect)
    .option('--read-only', 'mount the root filesystem read-only')
    .option('--tmpfs <path[:options]>', 'mount a tmpfs, e.g. /run:size=64m', collect)
    .option('-v, --volume <[src:]dst[:opts]>', 'bind mount a host path, or mount a (new) volume', collect)
    .option('--mount <type=…,src=…,dst=…>', 'mount a bind, volume or tmpfs (docker --mount syntax)', collect)
    .option('--volumes-from <container[:ro|rw]>', 'mount the volumes of another container', collect)
    .option('--ulimit <name=soft[:hard]>', 'set a ulimit, e.g. nofile=1024:2048', collect)
    .option('--sysctl <key=value>', 'set a namespaced kernel parameter', collect)
    .option('--security-opt <opt>', 'no-new-privileges, seccomp=unconfined, apparmor=…', collect)
    .option('--init', 'run an init (tini) as pid 1 that forwards signals and reaps zombies')
    .option('--stop-signal <signal>', 'signal that stops the container (default SIGTERM)')
    .option('--stop-timeout <seconds>', 'seconds to wait before killing the container on stop')
    .option('--shm-size <size>', 'size of /dev/shm, e.g. 128m (default 64m)')
    .option('--group-add <group>', 'add a supplementary group', collect)
    .option('--oom-score-adj <n>', 'tune the OOM killer’s preference (-1000…1000)')
    .addOption(new Option('--runtime <runtime>', 'OCI runtime').choices(['runc', 'crun']))
    .option(
      '--network <network>',
      'connect to a network: bridge (default, env BERTH_DEFAULT_NETWORK), host, none, container:<name|id>, or a network’s name; repeat for more',
      collect,
    )
    .addOption(new Option('--net <network>', 'same as --network').argParser(collect).hideHelp())
    .option('--network-alias <alias>', 'add a network-scoped alias (user-defined networks)', collect)
    .option('--ip <address>', 'IPv4 address on the (first) user-defined network')
    .option('-p, --publish <[ip:][hostPort:]containerPort[/proto]>', 'publish a port (or range)', collect)
    .option('-P, --publish-all', 'publish every exposed port on a host port berth picks')
    .option('--expose <port[/proto]>', 'expose a port (or range) without publishing it', collect)
    .option('--dns <ip>', 'set a DNS server', collect)
    .option('--dns-search <domain>', 'set a DNS search domain', collect)
    .option('--dns-option <option>', 'set a resolv.conf option', collect)
    .option('--add-host <host:ip>', 'add a line to /etc/hosts', collect)
    .option('--link <name[:alias]>', 'add a link to another container (its address in /etc/hosts)', collect)
    .option('--domainname <name>', 'container NIS domain name')
    .addOption(
      new Option('--pull <policy>', 'pull the image before running').choices(['missing', 'always', 'never']),
    )
    .option('--platform <os/arch[/variant]>', 'platform of the image (default: this host)')
    .option('--log-opt <opt>', 'json-file log option: max-size=10m, max-file=3', collect)
    .option(
      '--restart <policy>',
      'restart policy: no (default), always, unless-stopped, on-failure[:max-retries]',
    )
    .option('--health-cmd <command>', 'command to run to check health')
    .option('--health-interval <duration>', 'time between running the check (ms|s|m|h) (default 30s)')
    .option('--health-timeout <duration>', 'maximum time to allow one check to run (ms|s|m|h) (default 30s)')
    .option('--health-retries <n>', 'consecutive failures needed to report unhealthy (default 3)')
    .option(
      '--health-start-period <duration>',
      'start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)',
    )
    .option('--no-healthcheck', 'disable any container-specified HEALTHCHECK')
    .option('-q, --quiet', 'do not print pull progress');
}

export function registerContainerLifecycle(program: Command): void {
  // NOTE: docker's `run IMAGE CMD ARGS...` passes everything after the image to the container
  // (`berth run busybox ls -l`), which commander does only with positional options. Global
  // options therefore go before the command (`berth -n ns run …`), as docker's do.
  program.enablePositionalOptions();

  runFlags(program.command('run'))
    .description('create and start a container, attached unless -d')
    .option('-d, --detach', 'run in the background and print the container id')
    .option('--rm', 'remove the container when it exits')
    .passThroughOptions()
    .action(lazy(() => import('./run.js')));

  runFlags(program.command('create'))
    .description('create a container and print its id')
    .option('--rm', 'remove the container when it exits (after a later start -a)')
    .passThroughOptions()
    .action(lazy(() => import('./create.js')));

  program
    .command('start')
    .description('start stopped or created containers')
    .argument('<container...>', 'names or ids')
    .option('-a, --attach', 'attach stdout/stderr and exit with the container’s status')
    .option('-i, --interactive', 'attach stdin')
    .action(lazy(() => import('./start.js')));

  program
    .command('stop')
    .description('stop containers: the stop signal, then SIGKILL after the timeout')
    .argument('<container...>', 'names or ids')
    .option('-t, --time <seconds>', 'seconds to wait before killing (default: the container’s, 10)')
    .option('-s, --signal <signal>', 'signal to send (default: the container’s stop signal)')
    .action(lazy(() => import('./stop.js')));

  program
    .command('restart')
    .description('stop and start containers')
    .argument('<container...>', 'names or ids')
    .option('-t, --time <seconds>', 'seconds to wait before killing (default: the container’s, 10)')
    .action(lazy(() => import('./restart.js')));

  program
    .command('kill')
    .description('send a signal (default SIGKILL) to running containers')
    .argument('<container...>', 'names or ids')
    .option('-s, --signal <signal>', 'signal name or number', 'KILL')
    .action(lazy(() => import('./kill.js')));

  program
    .command('wait')
    .description('wait for containers to stop, then print their exit codes')
    .argument('<container...>', 'names or ids')
    .action(lazy(() => import('./wait.js')));

  program
    .command('attach')
    .description('attach this terminal’s stdio to a running container')
    .argument('<container>', 'name or id')
    .option('--no-stdin', 'do not attach stdin')
    .action(lazy(() => import('./attach.js')));

  program
    .command('exec')
    .description('run a command in a running container')
    .argument('<container>', 'name or id')
    .argument('<command...>', 'command and arguments')
    .option('-d, --detach', 'run the command in the background')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('-e, --env <KEY=value>', 'set an environment variable', collect)
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'user name or uid, and optionally group name or gid')
    .passThroughOptions()
    .action(lazy(() => import('./exec.js')));

  program
    .command('rm')
    .description('remove containers (and their snapshots)')
    .argument('<container...>', 'names or ids')
    .option('-f, --force', 'kill and remove running containers')
    .option('-v, --volumes', 'remove the anonymous volumes of the containers')
    .action(lazy(() => import('./rm.js')));

  program
    .command('pause')
    .description('freeze every process of containers')
    .argument('<container...>', 'names or ids')
    .action(lazy(() => import('./pause.js')));

  program
    .command('unpause')
    .description('thaw paused containers')
    .argument('<container...>', 'names or ids')
    .action(lazy(() => import('./unpause.js')));
}
