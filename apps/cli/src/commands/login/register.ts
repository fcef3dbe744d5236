/**
 * Declares `berth login` and `berth logout`. Credentials are stored in docker's config.json
 * format in the file berth-images reads (its `authFile`): $BERTH_AUTH_FILE, else
 * $BERTH_ROOT/images/auth.json, else /var/lib/berth/images/auth.json.
 */
import type { Command } from 'commander';
import { lazy } from '../../action.js';

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('log in to a registry (checks the credentials, then stores them for berth-images)')
    .argument('<server>', 'registry host, e.g. 127.0.0.1:5000 or docker.io')
    .option('-u, --username <user>', 'user name')
    .option('-p, --password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from stdin')
    .action(lazy(() => import('./login.js')));

  program
    .command('logout')
    .description('remove the stored credentials of a registry')
    .argument('<server>', 'registry host')
    .action(lazy(() => import('./logout.js')));
}
