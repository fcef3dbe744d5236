/**
 * Declares `berth diff …`: containerd diff v1 — unpacking a layer blob into an
 * active snapshot, and writing the difference of two snapshots as a layer blob.
 */
import type { Command } from 'commander';
import { lazy } from '../../action.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerDiff(program: Command): void {
  const diff = program
    .command('diff')
    .description('apply layer blobs to snapshots and create layer blobs from snapshots')
    .option(
      '--snapshotter <name>',
      'snapshotter to use (env BERTH_SNAPSHOTTER, CONTAINERD_SNAPSHOTTER)',
      process.env['BERTH_SNAPSHOTTER'] || process.env['CONTAINERD_SNAPSHOTTER'] || 'overlayfs',
    )
    .hook('preAction', (group, action) => {
      action.setOptionValue('snapshotter', group.opts()['snapshotter']);
    });

  diff
    .command('apply')
    .description('unpack a layer blob from the content store into an active snapshot; prints its diffID')
    .argument('<digest>', 'digest of the layer blob (tar, gzip or zstd)')
    .argument('<key>', 'active snapshot to unpack into')
    .option(
      '--media-type <type>',
      'layer media type: tar, tar+gzip, tar+zstd or a full media type (default: sniffed from the blob)',
    )
    .action(lazy(() => import('./apply.js')));

  diff
    .command('create')
    .description(
      'write the changes from <lower> to <upper> as a layer blob in the content store; prints its digest',
    )
    .argument('<lower>', 'snapshot the changes are relative to ("" for none: the whole upper)')
    .argument('<upper>', 'snapshot with the changes (active, view or committed)')
    .option('--media-type <type>', 'tar or tar+gzip (or the full media type)', 'tar+gzip')
    .option('--ref <ref>', 'content ingest ref (default: generated)')
    .option('--label <k=v>', 'label to set on the blob (repeatable)', collect)
    .action(lazy(() => import('./create.js')));
}
