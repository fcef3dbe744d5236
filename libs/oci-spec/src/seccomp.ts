import { DEFAULT_PROFILE, DENY_ERRNO, PROFILE_ARCHITECTURES } from './seccomp-profile.js';
import type { ProfileRule } from './seccomp-profile.js';
import type { Seccomp, SeccompSyscall } from './types.js';

/**
 * Returns berth's default seccomp filter for a container whose bounding set is `capabilities`:
 * default action SCMP_ACT_ERRNO (EPERM), the always-allowed syscalls, and the rules gated on a
 * capability the container holds (or lacks). Pure; the same input gives the same filter.
 */
export function seccompFor(
  capabilities: readonly string[],
  profile: readonly ProfileRule[] = DEFAULT_PROFILE,
): Seccomp {
  const held = new Set(capabilities);
  const syscalls: SeccompSyscall[] = [];
  for (const rule of profile) {
    if (rule.when !== undefined && !held.has(rule.when)) continue;
    if (rule.unless !== undefined && held.has(rule.unless)) continue;
    const out: SeccompSyscall = { names: [...rule.names], action: 'SCMP_ACT_ALLOW' };
    if (rule.action === 'errno') {
      out.action = 'SCMP_ACT_ERRNO';
      out.errnoRet = rule.errno ?? DENY_ERRNO;
    }
    if (rule.args) out.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(out);
  }
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: DENY_ERRNO,
    architectures: [...PROFILE_ARCHITECTURES],
    syscalls,
  };
}
