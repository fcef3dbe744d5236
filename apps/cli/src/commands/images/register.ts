/**
 * Declares the docker-style image commands: `images` (and `images ls`),
 * `tag`, `rmi`, `history`, `save`, `load`, and the `image` group
 * (`image ls|rm|inspect|history|tag|save|load|prune`).
 */
import { Option, type Command } from 'commander';
import { lazy } from '../../action.js';
import { formatOption, quietOption } from '../../options.js';

type Declare = (parent: Command, name: string) => Command;

const ls: Declare = (parent, name) =>
  parent
    .command(name)
    .description('list images: REPOSITORY TAG IMAGE ID CREATED SIZE')
    .argument('[repository[:tag]]', 'only images of this repository (and tag)')
    .addOption(quietOption('image IDs'))
    .option('--digests', 'show the digest of each image')
    .addOption(formatOption())
    .action(lazy(() => import('./ls.js')));

const tag: Declare = (parent, name) =>
  parent
    .command(name)
    .description('create a tag TARGET that refers to SOURCE (same IMAGE ID)')
    .argument('<source>', 'image name or ID')
    .argument('<target>', 'new name, e.g. mybox:v1')
    .action(lazy(() => import('./tag.js')));

const rmi: Declare = (parent, name) =>
  parent
    .command(name)
    .description('remove images (untag; by ID, every tag of the image)')
    .argument('<image...>', 'image names or IDs')
    .option('-f, --force', 'remove an image ID tagged in several repositories')
    .action(lazy(() => import('./rmi.js')));

const inspect: Declare = (parent, name) =>
  parent
    .command(name)
    .description('show images as JSON, like docker image inspect')
    .argument('<image...>', 'image names or IDs')
    .option('-f, --format <template>', "Go template, e.g. '{{.Id}}' or '{{json .Config}}'")
    .action(lazy(() => import('./inspect.js')));

const history: Declare = (parent, name) =>
  parent
    .command(name)
    .description("show an image's history: IMAGE CREATED CREATED BY SIZE COMMENT")
    .argument('<image>', 'image name or ID')
    .option('--no-trunc', 'do not truncate output')
    .addOption(quietOption('image IDs'))
    .addOption(formatOption())
    .action(lazy(() => import('./history.js')));

const save: Declare = (parent, name) =>
  parent
    .command(name)
    .description('write images to a tar archive (docker save format, or an OCI layout)')
    .argument('<image...>', 'image names or IDs')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .addOption(new Option('--format <format>', 'archive format').choices(['docker', 'oci']).default('docker'))
    .action(lazy(() => import('./save.js')));

const load: Declare = (parent, name) =>
  parent
    .command(name)
    .description('load images from a docker-archive or OCI layout tar (file or stdin)')
    .option('-i, --input <file>', 'read from a file instead of stdin')
    .option('-q, --quiet', 'print nothing')
    .action(lazy(() => import('./load.js')));

export function registerImages(program: Command): void {
  ls(ls(program, 'images'), 'ls').alias('list');
  tag(program, 'tag');
  rmi(program, 'rmi');
  // The top-level `inspect` (containers, then images) is declared in views/register.ts.
  history(program, 'history');
  save(program, 'save');
  load(program, 'load');

  const image = program.command('image').description('manage images');
  ls(image, 'ls').alias('list');
  rmi(image, 'rm').alias('remove');
  inspect(image, 'inspect');
  history(image, 'history');
  tag(image, 'tag');
  save(image, 'save');
  load(image, 'load');
  image
    .command('prune')
    .description('remove content and snapshots no image refers to')
    .option('-f, --force', 'do not prompt (berth never prompts)')
    .action(lazy(() => import('./prune.js')));
}
