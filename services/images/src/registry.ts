/**
 * Glue between the transfer operations and @berth/registry: one client per
 * pull/push, configured from TransferDeps (insecure registries, mirrors,
 * certs.d; loopback hosts are insecure by default in the client) and with
 * credentials from the request when given, otherwise from the auth file
 * `berth login` writes (read on every lookup, so a login takes effect at once).
 */
import { createRegistryClient, fileCredentials, type RegistryClient } from '@berth/registry';
import type { Auth } from '@berth/proto/berth/images/v1';
import type { TransferDeps } from './deps.js';

/** Creates a registry client for one operation against `host`; close() it when done. */
export function registryClient(
  deps: Pick<TransferDeps, 'authFile' | 'registries'>,
  host: string,
  auth?: Auth,
): RegistryClient {
  const stored = fileCredentials(deps.authFile);
  const given = auth?.username ? { username: auth.username, password: auth.password } : undefined;
  return createRegistryClient({
    hosts: {
      insecureRegistries: deps.registries.insecure,
      registryMirrors: deps.registries.mirrors,
      certsDir: deps.registries.certsDir,
    },
    // Credentials given with the call are for the image's registry only (not for token realms
    // or mirrors on other hosts, which fall back to the stored ones).
    credentials: (h) => (given && h === host ? given : stored(h)),
  });
}
