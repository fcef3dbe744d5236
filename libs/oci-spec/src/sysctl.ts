import { invalidArgument } from '@berth/errdefs';

const IPC_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

/**
 * Returns `sysctls` (a record, or `key=value` strings as `--sysctl` takes them) as the spec's
 * `linux.sysctl`, after checking each is namespaced, as Docker and runc do: the IPC ones
 * (kernel.msg*, kernel.shm*, kernel.sem, fs.mqueue.*) and, unless the container shares the
 * host's network namespace, net.*.
 *
 * @throws InvalidArgument `sysctl 'x' is not allowed` (or `… not allowed in host network namespace`).
 */
export function validateSysctls(
  sysctls: Readonly<Record<string, string>> | readonly string[],
  hostNetwork = false,
): Record<string, string> {
  const entries: [string, string][] = Array.isArray(sysctls)
    ? (sysctls as readonly string[]).map((s) => {
        const i = s.indexOf('=');
        if (i <= 0) throw invalidArgument(`sysctl '${s}' is not allowed`);
        return [s.slice(0, i).trim(), s.slice(i + 1).trim()];
      })
    : Object.entries(sysctls as Record<string, string>);
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key.startsWith('net.')) {
      if (hostNetwork) throw invalidArgument(`sysctl '${key}' not allowed in host network namespace`);
    } else if (!isIpcSysctl(key)) {
      throw invalidArgument(`sysctl '${key}=${value}' is not allowed`);
    }
    out[key] = value;
  }
  return out;
}

function isIpcSysctl(key: string): boolean {
  return (
    IPC_SYSCTLS.has(key) ||
    key.startsWith('kernel.msg') ||
    key.startsWith('kernel.shm') ||
    key.startsWith('fs.mqueue.')
  );
}
