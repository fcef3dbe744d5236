/** Declares `berth content …`: blobs in the content store (containerd content v1). */
import type { Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption, quietOption } from '../../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerContent(program: Command): void {
  const content = program.command('content').description('manage content (blobs) in the content store');

  content
    .command('ls')
    .alias('list')
    .description('list blobs')
    .argument('[filters...]', 'containerd filters, e.g. labels."a"==b')
    .addOption(quietOption('digests'))
    .addOption(formatOption())
    .action(lazy(() => import('./ls.js')));

  content
    .command('ingest')
    .description(
      'store a file (or stdin with -) as a blob and print its digest; resumes an interrupted ingest',
    )
    .argument('<file>', "file to ingest, or '-' for stdin")
    .option('--ref <ref>', 'ingest ref (default: derived from the file, so a rerun resumes)')
    .option('--expected <digest>', 'expected digest, verified by the server')
    .option('--stream', 'stream the bytes through the API even on the engine host')
    .option('--label <k=v>', 'label to set on the blob (repeatable)', collect)
    .action(lazy(() => import('./ingest.js')));

  content
    .command('get')
    .description('write a blob to stdout or a file')
    .argument('<digest>', 'digest of the blob')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(lazy(() => import('./get.js')));

  content
    .command('rm')
    .alias('remove')
    .description('remove blobs')
    .argument('<digest...>', 'digests of the blobs')
    .action(lazy(() => import('./rm.js')));

  content
    .command('label')
    .description('set (k=v) or remove (k=) labels of a blob and print the resulting labels')
    .argument('<digest>', 'digest of the blob')
    .argument('[labels...]', 'k=v to set, k= to remove')
    .action(lazy(() => import('./label.js')));

  content
    .command('active')
    .description('list ingests in progress')
    .argument('[filters...]', 'containerd filters, e.g. ref~=ingest')
    .addOption(quietOption('refs'))
    .addOption(formatOption())
    .action(lazy(() => import('./active.js')));

  content
    .command('abort')
    .description('abort ingests in progress, dropping their data')
    .argument('<ref...>', 'refs of the ingests')
    .action(lazy(() => import('./abort.js')));
}
