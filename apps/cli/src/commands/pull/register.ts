/** Declares `berth pull`: fetch an image from its registry and unpack it (berth.images.v1 Transfer.Pull). */
import type { Command } from 'commander';
import { lazy } from '../../action.js';

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('pull an image from a registry and unpack it')
    .argument('<reference>', 'image reference, e.g. busybox or 127.0.0.1:5000/test/busybox:1')
    .option(
      '--platform <os/arch[/variant]>',
      'platform to pull from a multi-platform image (default: this host)',
    )
    .option('-q, --quiet', 'print only the image name')
    .option('--skip-unpack', 'fetch the content without unpacking it')
    .action(lazy(() => import('./pull.js')));
}
