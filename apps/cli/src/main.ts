/**
 * berth: the command-line client. This file only declares the command tree
 * (names, arguments, options, help); each command's handler is a separate
 * module loaded by `lazy()` when that command runs, so `berth --help` loads
 * commander and nothing else, and `berth version` never loads content code.
 */
import module from 'node:module';
import { Command, CommanderError } from 'commander';
import { CLIENT_VERSION } from './build-info.js';
import { registerContent } from './commands/content/register.js';
import { registerNamespaces } from './commands/namespaces/register.js';
import { registerEvents } from './commands/events/register.js';
import { registerVersion } from './commands/version/register.js';
import { registerSnapshots } from './commands/snapshots/register.js';
import { registerDiff } from './commands/diff/register.js';
import { registerPull } from './commands/pull/register.js';
import { registerPush } from './commands/push/register.js';
import { registerLogin } from './commands/login/register.js';
import { registerImages } from './commands/images/register.js';
import { registerContainerLifecycle } from './commands/container/register.js';
import { registerContainerViews } from './commands/views/register.js';
import { registerCtrGroups } from './commands/ctr/register.js';
import { registerContainerImages } from './commands/snapshot-image/register.js';
import { registerUpdate } from './commands/update/register.js';
import { registerStats } from './commands/stats/register.js';
import { registerNetwork } from './commands/network/register.js';
import { registerVolume } from './commands/volume/register.js';

// Node >= 22.1 can keep compiled code on disk between runs; the handler chunks (grpc-js
// above all) are imported after this line and start faster from the second run on.
// Node 20 lacks it, and then this does nothing.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const DEFAULT_ADDRESS = '/run/berth/berth.sock';

function env(...names: string[]): string | undefined {
  for (const n of names) if (process.env[n]) return process.env[n];
  return undefined;
}

/** Builds the program with its global options and every command group. */
export function buildProgram(): Command {
  const program = new Command('berth')
    .description('berth: a containerd-compatible container engine')
    .option('--address <sock>', 'gateway socket (env BERTH_ADDRESS)', env('BERTH_ADDRESS') ?? DEFAULT_ADDRESS)
    .option(
      '-n, --namespace <ns>',
      'namespace (env BERTH_NAMESPACE, CONTAINERD_NAMESPACE)',
      env('BERTH_NAMESPACE', 'CONTAINERD_NAMESPACE') ?? 'default',
    )
    .option('--timeout <duration>', 'give up after this long (e.g. 10s, 1m30s)')
    .option('--debug', 'on error, print the error kind and stack')
    .version(CLIENT_VERSION, '-v, --version', 'print the client version')
    .showSuggestionAfterError()
    .configureOutput({
      // Commander's parse errors come as "error: …"; print them like every other failure.
      outputError: (text, write) => write(`berth: ${text.replace(/^error: /, '')}`),
    });

  // Command groups. Each register function declares its commands and lazy handlers.
  registerContent(program);
  registerNamespaces(program);
  registerEvents(program);
  registerVersion(program);
  registerSnapshots(program);
  registerDiff(program);
  registerPull(program);
  registerPush(program);
  registerLogin(program);
  registerImages(program);
  registerContainerLifecycle(program);
  registerContainerViews(program);
  registerCtrGroups(program);
  registerContainerImages(program);
  // SEAM: `berth network …` (berth-network) and `berth volume …` register here.
  registerUpdate(program);
  registerStats(program);
  registerNetwork(program);
  registerVolume(program);
  return program;
}

/** Applies exit-on-error rules to the whole tree: help → 0, usage errors → 2. */
function exitOverrideAll(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideAll(sub);
}

const program = buildProgram();
exitOverrideAll(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  // --help and --version exit 0; a group run without a subcommand prints help and is a usage error.
  process.exitCode = err.exitCode === 0 ? 0 : 2;
}
