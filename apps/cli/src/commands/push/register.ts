/** Declares `berth push`: upload a local image to a registry (berth.images.v1 Transfer.Push). */
import type { Command } from 'commander';
import { lazy } from '../../action.js';

export function registerPush(program: Command): void {
  program
    .command('push')
    .description('push a local image to a registry, under DEST when given')
    .argument('<reference>', 'local image, e.g. 127.0.0.1:5000/test/busybox:1')
    .argument('[dest]', 'where to push it when the local name is not the remote one')
    .option('--platform <os/arch[/variant]>', 'platform (pushes every platform present locally by default)')
    .option('-q, --quiet', 'print only the pushed digest')
    .action(lazy(() => import('./push.js')));
}
