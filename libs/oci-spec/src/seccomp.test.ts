import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from './constants.js';
import { seccompFor } from './seccomp.js';
import type { Seccomp } from './types.js';

const allowed = (p: Seccomp, name: string) =>
  p.syscalls?.some((s) => s.action === 'SCMP_ACT_ALLOW' && s.names.includes(name) && !s.args) ?? false;
const mentioned = (p: Seccomp, name: string) => p.syscalls?.some((s) => s.names.includes(name)) ?? false;

describe('default seccomp profile', () => {
  const profile = seccompFor(DEFAULT_CAPABILITIES);

  it('denies by default with EPERM on x86_64 and its sub-architectures', () => {
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(profile.defaultErrnoRet).toBe(1);
    expect(profile.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });

  it('allows what ordinary programs need', () => {
    for (const name of ['read', 'write', 'execve', 'openat', 'mmap', 'exit_group', 'arch_prctl', 'chroot']) {
      expect(allowed(profile, name), name).toBe(true);
    }
  });

  it('allows clone only without namespace flags, and answers clone3 with ENOSYS', () => {
    const clone = profile.syscalls?.find((s) => s.names.includes('clone'));
    expect(clone?.args).toEqual([{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
    expect(profile.syscalls?.find((s) => s.names.includes('clone3'))).toMatchObject({
      action: 'SCMP_ACT_ERRNO',
      errnoRet: 38,
    });
  });

  it('allows socket except AF_VSOCK and personality only for safe domains', () => {
    expect(profile.syscalls?.find((s) => s.names.includes('socket'))?.args).toEqual([
      { index: 0, value: 40, op: 'SCMP_CMP_NE' },
    ]);
    expect(profile.syscalls?.filter((s) => s.names.includes('personality'))).toHaveLength(5);
  });

  it('does not allow privileged syscalls without their capability', () => {
    for (const name of [
      'kexec_load',
      'reboot',
      'mount',
      'unshare',
      'setns',
      'init_module',
      'bpf',
      'keyctl',
      'add_key',
      'iopl',
      'settimeofday',
      'open_by_handle_at',
      'swapon',
      'pivot_root',
    ]) {
      expect(mentioned(profile, name), name).toBe(false);
    }
  });

  it('opens capability-gated syscalls when the capability is added', () => {
    const boot = seccompFor([...DEFAULT_CAPABILITIES, 'CAP_SYS_BOOT']);
    expect(allowed(boot, 'reboot')).toBe(true);
    expect(mentioned(boot, 'kexec_load')).toBe(false);
    const admin = seccompFor([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);
    for (const name of ['mount', 'unshare', 'setns', 'clone', 'clone3', 'sethostname']) {
      expect(allowed(admin, name), name).toBe(true);
    }
    expect(admin.syscalls?.some((s) => s.names.includes('clone3') && s.action === 'SCMP_ACT_ERRNO')).toBe(
      false,
    );
    expect(allowed(seccompFor(['CAP_SYS_PTRACE']), 'kcmp')).toBe(true);
    expect(allowed(seccompFor(['CAP_SYS_TIME']), 'settimeofday')).toBe(true);
  });

  it('drops chroot when CAP_SYS_CHROOT is dropped', () => {
    expect(mentioned(seccompFor(DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_SYS_CHROOT')), 'chroot')).toBe(
      false,
    );
  });
});
