/**
 * Where `berth login` stores credentials: the file berth-images reads (its `authFile`
 * setting, default `<root>/images/auth.json`). The CLI cannot ask the service, so it uses
 * $BERTH_AUTH_FILE, else $BERTH_ROOT/images/auth.json, else /var/lib/berth/images/auth.json.
 */
import { join } from 'node:path';

export function authFile(env: NodeJS.ProcessEnv = process.env): string {
  return env['BERTH_AUTH_FILE'] || join(env['BERTH_ROOT'] || '/var/lib/berth', 'images', 'auth.json');
}
