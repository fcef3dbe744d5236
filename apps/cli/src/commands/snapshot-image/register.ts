/**
 * Declares the commands that turn containers into images and back, as docker's:
 * `commit`, `export`, `import` (also as `container commit|export` and `image import`).
 */
import type { Command } from 'commander';
import { lazy } from '../../action.js';

type Declare = (parent: Command, name: string) => Command;

const UNTAGGED_HELP = 'name of the new image (none: untagged, recorded as moby-dangling@<manifest digest>)';

const collect = (v: string, prev: string[] = []) => [...prev, v];

const CHANGE_HELP =
  'apply a Dockerfile instruction to the image config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ' +
  'STOPSIGNAL, USER, VOLUME, WORKDIR); repeatable';

const commit: Declare = (parent, name) =>
  parent
    .command(name)
    .description("create a new image from a container's changes; prints the image ID")
    .argument('<container>', 'container name or ID')
    .argument('[repository[:tag]]', UNTAGGED_HELP)
    .option('-a, --author <author>', 'author (e.g. "Jane <jane@example.com>")')
    .option('-m, --message <message>', 'commit message (the history comment)')
    .option('-c, --change <instruction>', CHANGE_HELP, collect)
    .option('-p, --pause', 'pause a running container during the commit', true)
    .option('--no-pause', 'do not pause the container')
    .action(lazy(() => import('./commit.js')));

const exportCmd: Declare = (parent, name) =>
  parent
    .command(name)
    .description("write a container's filesystem as a tar archive")
    .argument('<container>', 'container name or ID')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(lazy(() => import('./export.js')));

const importCmd: Declare = (parent, name) =>
  parent
    .command(name)
    .description('create an image from a root filesystem tarball (plain, gzip or zstd); prints the image ID')
    .argument('<file|->', 'the tarball, or - for stdin')
    .argument('[repository[:tag]]', UNTAGGED_HELP)
    .option('-c, --change <instruction>', CHANGE_HELP, collect)
    .option('-m, --message <message>', 'commit message (the history comment)')
    .option('--platform <os/arch[/variant]>', "the image's platform (default: this host's)")
    .action(lazy(() => import('./import.js')));

export function registerContainerImages(program: Command): void {
  commit(program, 'commit');
  exportCmd(program, 'export');
  importCmd(program, 'import');
  // docker's management-command spellings. The groups may be declared by other modules.
  const group = (n: string, description: string) =>
    program.commands.find((c) => c.name() === n) ?? program.command(n).description(description);
  const container = group('container', 'manage containers');
  commit(container, 'commit');
  exportCmd(container, 'export');
  importCmd(group('image', 'manage images'), 'import');
}
