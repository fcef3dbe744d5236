/**
 * Declares containerd ctr's `containers` and `tasks` groups over the
 * containers v1 and tasks v1 APIs: exact container ids, ctr's columns.
 */
import { Option, type Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption, quietOption } from '../../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function registerContainers(program: Command): void {
  const c = program
    .command('containers')
    .description('manage containers (containerd records: ctr containers)');
  c.command('ls')
    .alias('list')
    .description('list containers: CONTAINER IMAGE RUNTIME')
    .argument('[filter...]', 'containerd filters, e.g. labels.app==web or image~=busybox')
    .addOption(quietOption('container ids'))
    .addOption(formatOption())
    .action(lazy(() => import('./containers-ls.js')));
  c.command('info')
    .description('show a container record as JSON, with its OCI spec decoded')
    .argument('<container>', 'container id')
    .option('--spec', 'only the OCI runtime spec')
    .action(lazy(() => import('./containers-info.js')));
  c.command('rm')
    .aliases(['delete', 'del', 'remove'])
    .description('delete containers (their stopped tasks and snapshots too)')
    .argument('<container...>', 'container ids')
    .option('--keep-snapshot', "do not remove the container's snapshot")
    .action(lazy(() => import('./containers-rm.js')));
  c.command('label')
    .description('set (k=v) or remove (k=) container labels')
    .argument('<container>', 'container id')
    .argument('[label...]', 'k=v to set, k= to remove')
    .action(lazy(() => import('./containers-label.js')));
}

function registerTasks(program: Command): void {
  const t = program
    .command('tasks')
    .alias('task')
    .description('manage tasks (running containers: ctr tasks)');
  t.command('ls')
    .alias('list')
    .description('list tasks: TASK PID STATUS')
    .addOption(quietOption('task ids'))
    .addOption(formatOption())
    .action(lazy(() => import('./tasks-ls.js')));
  t.command('ps')
    .description("list a task's processes: PID INFO")
    .argument('<container>', 'container id')
    .action(lazy(() => import('./tasks-ps.js')));
  t.command('metrics')
    .alias('metric')
    .description("show a task's cgroup metrics")
    .argument('<container>', 'container id')
    .addOption(formatOption())
    .action(lazy(() => import('./tasks-metrics.js')));
  t.command('kill')
    .description('signal a task (default: the image stop signal, else SIGTERM)')
    .argument('<container>', 'container id')
    .option('-s, --signal <signal>', 'signal name or number, e.g. SIGKILL or 9')
    .option('-a, --all', 'send the signal to all processes inside the container')
    .option('--exec-id <id>', 'signal this exec process')
    .action(lazy(() => import('./tasks-kill.js')));
  t.command('pause')
    .description('pause a task')
    .argument('<container>', 'container id')
    .action(lazy(() => import('./tasks-pause.js')));
  t.command('resume')
    .description('resume a paused task')
    .argument('<container>', 'container id')
    .action(lazy(() => import('./tasks-resume.js')));
  t.command('start')
    .description('create and start the task of a container (no stdin; output from its log stream)')
    .argument('<container>', 'container id')
    .option('-d, --detach', 'return once started instead of following the output')
    .addOption(new Option('--null-io', 'accepted for ctr compatibility (berth never makes FIFOs here)'))
    .action(lazy(() => import('./tasks-start.js')));
  t.command('rm')
    .aliases(['delete', 'del', 'remove'])
    .description('delete stopped tasks')
    .argument('<container...>', 'container ids')
    .option('-f, --force', 'kill a running task (SIGKILL) first')
    .option('--exec-id <id>', 'delete this exec process instead of the task')
    .action(lazy(() => import('./tasks-delete.js')));
  t.command('exec')
    .description('run another process in a task (no stdin)')
    .requiredOption('--exec-id <id>', 'id of the new process')
    .option('-d, --detach', 'return once started')
    .option('--cwd <dir>', 'working directory')
    .option('-e, --env <k=v>', 'extra environment variable (repeatable)', collect)
    .argument('<container>', 'container id')
    .argument('<command...>', 'the command and its arguments')
    .passThroughOptions()
    .action(lazy(() => import('./tasks-exec.js')));
}

export function registerCtrGroups(program: Command): void {
  registerContainers(program);
  registerTasks(program);
}
