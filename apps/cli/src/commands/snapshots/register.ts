/**
 * Declares `berth snapshots …` (alias `snapshot`): containerd snapshots v1, the
 * way `ctr snapshots` offers it. `--snapshotter` (on the group) names the
 * backend every request carries; berth's overlay2 answers to `overlayfs`.
 */
import type { Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption, quietOption } from '../../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The snapshotter name when --snapshotter is not given. */
const defaultSnapshotter = () =>
  process.env['BERTH_SNAPSHOTTER'] || process.env['CONTAINERD_SNAPSHOTTER'] || 'overlayfs';

export function registerSnapshots(program: Command): void {
  const snap = program
    .command('snapshots')
    .alias('snapshot')
    .description('manage snapshots (layers and container filesystems)')
    .option(
      '--snapshotter <name>',
      'snapshotter to use (env BERTH_SNAPSHOTTER, CONTAINERD_SNAPSHOTTER)',
      defaultSnapshotter(),
    )
    // Every handler reads the group's --snapshotter from its own options.
    .hook('preAction', (group, action) => {
      action.setOptionValue('snapshotter', group.opts()['snapshotter']);
    });

  snap
    .command('ls')
    .alias('list')
    .description('list snapshots')
    .argument('[filters...]', 'containerd filters, e.g. kind==committed parent==base labels."a"==b')
    .addOption(quietOption('keys'))
    .addOption(formatOption())
    .action(lazy(() => import('./ls.js')));

  snap
    .command('prepare')
    .description('create an active (writable) snapshot, on a committed parent if given')
    .argument('<key>', 'key of the new snapshot')
    .argument('[parent]', 'committed parent snapshot')
    .option('--mounts <target>', 'print the mount commands that mount it on <target>')
    .option('--label <k=v>', 'label to set on the snapshot (repeatable)', collect)
    .action(lazy(() => import('./prepare.js')));

  snap
    .command('view')
    .description('create a read-only view of a committed snapshot')
    .argument('<key>', 'key of the new view')
    .argument('<parent>', 'committed snapshot to view')
    .option('--mounts <target>', 'print the mount commands that mount it on <target>')
    .option('--label <k=v>', 'label to set on the view (repeatable)', collect)
    .action(lazy(() => import('./view.js')));

  snap
    .command('mounts')
    .alias('m')
    .description('print the mount commands for an active snapshot or view (`… | sh` mounts it)')
    .argument('<target>', 'mount point')
    .argument('<key>', 'active snapshot or view')
    .action(lazy(() => import('./mounts.js')));

  snap
    .command('commit')
    .description('commit an active snapshot under a name, making it a possible parent')
    .argument('<name>', 'name of the committed snapshot')
    .argument('<key>', 'active snapshot to commit')
    .option('--label <k=v>', 'label to set on the committed snapshot (repeatable)', collect)
    .action(lazy(() => import('./commit.js')));

  snap
    .command('rm')
    .alias('remove')
    .alias('delete')
    .description('remove snapshots (a snapshot others build on cannot be removed)')
    .argument('<key...>', 'snapshot keys or names')
    .action(lazy(() => import('./rm.js')));

  snap
    .command('info')
    .description('print a snapshot as JSON')
    .argument('<key>', 'snapshot key or name')
    .action(lazy(() => import('./info.js')));

  snap
    .command('tree')
    .description('print the snapshots as a tree of parents and children')
    .action(lazy(() => import('./tree.js')));

  snap
    .command('usage')
    .description('disk usage of snapshots (each counts only its own layer)')
    .argument('[key...]', 'snapshot keys or names (default: all)')
    .addOption(quietOption('keys'))
    .addOption(formatOption())
    .option('-b, --bytes', 'print sizes in bytes')
    .action(lazy(() => import('./usage.js')));

  snap
    .command('label')
    .description('set (k=v) or remove (k=) labels of a snapshot and print the resulting labels')
    .argument('<key>', 'snapshot key or name')
    .argument('[labels...]', 'k=v to set, k= to remove')
    .action(lazy(() => import('./label.js')));

  snap
    .command('cleanup')
    .description('remove on-disk leftovers that no snapshot owns')
    .action(lazy(() => import('./cleanup.js')));
}
