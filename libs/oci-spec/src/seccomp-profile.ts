/**
 * Berth's default seccomp policy for x86_64 (with its i386 and x32 sub-architectures), written
 * from the rules of Docker's default profile (moby `profiles/seccomp`): deny with EPERM by
 * default; allow the syscalls ordinary programs use; allow the rest only when the container
 * holds the capability that already guards them in the kernel.
 *
 * Each rule is data: `allow` names syscalls, `when`/`unless` gate it on a capability in the
 * container's bounding set, `args` restrict it. `seccompFor` (seccomp.ts) turns it into the
 * runtime-spec form. Names unknown to the host's libseccomp are skipped by runc.
 */

/** One argument comparison, in the runtime-spec's terms. */
export interface ProfileArg {
  readonly index: number;
  readonly value: number;
  readonly valueTwo?: number;
  readonly op: 'SCMP_CMP_EQ' | 'SCMP_CMP_NE' | 'SCMP_CMP_MASKED_EQ';
}

/** One rule of the policy. */
export interface ProfileRule {
  /** Syscalls the rule applies to. */
  readonly names: readonly string[];
  /** `allow` (default) or `errno` with `errno` as the return value. */
  readonly action?: 'allow' | 'errno';
  readonly errno?: number;
  readonly args?: readonly ProfileArg[];
  /** Apply only if the container holds this capability. */
  readonly when?: string;
  /** Apply only if the container lacks this capability. */
  readonly unless?: string;
}

const words = (s: string): readonly string[] => s.trim().split(/\s+/);

/** Errno for denied syscalls: EPERM. */
export const DENY_ERRNO = 1;
/** Errno for clone3 without CAP_SYS_ADMIN: ENOSYS, so libcs fall back to clone(2). */
export const ENOSYS = 38;

/** Architectures the filter is compiled for. */
export const PROFILE_ARCHITECTURES: readonly string[] = [
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X32',
];

// CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET: clone(2) may not create
// namespaces without CAP_SYS_ADMIN.
const CLONE_NAMESPACE_FLAGS =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

// Grouped by area for review; the order carries no meaning.
const ALWAYS = words(`
  read readv write writev pread64 preadv preadv2 pwrite64 pwritev pwritev2 lseek _llseek
  open openat openat2 creat close close_range dup dup2 dup3 fcntl fcntl64 flock
  stat stat64 lstat lstat64 fstat fstat64 fstatat64 newfstatat statx statfs statfs64 fstatfs fstatfs64
  access faccessat faccessat2 readlink readlinkat getdents getdents64 getcwd chdir fchdir
  mkdir mkdirat rmdir rename renameat renameat2 link linkat symlink symlinkat unlink unlinkat
  mknod mknodat chmod fchmod fchmodat chown chown32 fchown fchown32 fchownat lchown lchown32
  truncate truncate64 ftruncate ftruncate64 fallocate fadvise64 fadvise64_64 readahead
  fsync fdatasync sync syncfs sync_file_range umask utime utimes utimensat utimensat_time64 futimesat
  getxattr lgetxattr fgetxattr setxattr lsetxattr fsetxattr listxattr llistxattr flistxattr
  removexattr lremovexattr fremovexattr
  sendfile sendfile64 splice tee vmsplice copy_file_range
  pipe pipe2 select _newselect pselect6 pselect6_time64 poll ppoll ppoll_time64
  epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_wait epoll_wait_old epoll_pwait epoll_pwait2
  eventfd eventfd2 signalfd signalfd4 timerfd_create timerfd_settime timerfd_settime64
  timerfd_gettime timerfd_gettime64 inotify_init inotify_init1 inotify_add_watch inotify_rm_watch
  fanotify_mark ioctl
  io_setup io_destroy io_submit io_cancel io_getevents io_pgetevents io_pgetevents_time64
  io_uring_setup io_uring_enter io_uring_register
  brk mmap mmap2 munmap mremap mprotect madvise mincore msync mlock mlock2 mlockall munlock munlockall
  remap_file_pages membarrier memfd_create memfd_secret pkey_alloc pkey_free pkey_mprotect
  execve execveat fork vfork exit exit_group wait4 waitid waitpid
  kill tkill tgkill pidfd_open pidfd_send_signal process_mrelease pause restart_syscall
  rt_sigaction rt_sigprocmask rt_sigpending rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64
  rt_sigqueueinfo rt_tgsigqueueinfo rt_sigreturn sigaltstack sigprocmask sigreturn
  getpid getppid gettid getpgid setpgid getpgrp getsid setsid
  getuid getuid32 geteuid geteuid32 getgid getgid32 getegid getegid32 getresuid getresuid32
  getresgid getresgid32 getgroups getgroups32 setuid setuid32 setgid setgid32 setreuid setreuid32
  setregid setregid32 setresuid setresuid32 setresgid setresgid32 setfsuid setfsuid32
  setfsgid setfsgid32 setgroups setgroups32 capget capset prctl seccomp
  landlock_create_ruleset landlock_add_rule landlock_restrict_self
  getrlimit setrlimit ugetrlimit prlimit64 getrusage getpriority setpriority ioprio_get ioprio_set
  sched_yield sched_getaffinity sched_setaffinity sched_getattr sched_setattr sched_getparam
  sched_setparam sched_getscheduler sched_setscheduler sched_get_priority_max sched_get_priority_min
  sched_rr_get_interval sched_rr_get_interval_time64 getcpu
  futex futex_time64 futex_waitv set_robust_list get_robust_list set_tid_address
  set_thread_area get_thread_area rseq
  time gettimeofday clock_gettime clock_gettime64 clock_getres clock_getres_time64
  clock_nanosleep clock_nanosleep_time64 nanosleep adjtimex clock_adjtime clock_adjtime64
  alarm getitimer setitimer times timer_create timer_delete timer_getoverrun timer_gettime
  timer_gettime64 timer_settime timer_settime64
  uname sysinfo getrandom name_to_handle_at
  socketpair socketcall bind connect listen accept accept4 getsockname getpeername
  getsockopt setsockopt shutdown send sendto sendmsg sendmmsg recv recvfrom recvmsg
  recvmmsg recvmmsg_time64
  ipc shmget shmat shmdt shmctl semget semop semtimedop semtimedop_time64 semctl
  msgget msgsnd msgrcv msgctl mq_open mq_unlink mq_timedsend mq_timedsend_time64
  mq_timedreceive mq_timedreceive_time64 mq_notify mq_getsetattr
`);

/** The policy, in evaluation order (runc merges rules per syscall). */
export const DEFAULT_PROFILE: readonly ProfileRule[] = [
  { names: ALWAYS },
  // Allowed on kernels >= 4.8, where seccomp can no longer be bypassed with ptrace; berth does
  // not support older kernels.
  { names: words('ptrace process_vm_readv process_vm_writev') },
  // Any socket family but AF_VSOCK (40).
  { names: ['socket'], args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
  // personality(2) only for the default domain, UNAME26, ADDR_NO_RANDOMIZE and the query.
  ...[0x0, 0x8, 0x20000, 0x20008, 0xffffffff].map((value): ProfileRule => ({
    names: ['personality'],
    args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }],
  })),
  // x86-specific.
  { names: ['arch_prctl', 'modify_ldt'] },
  // Capability-gated.
  { names: ['open_by_handle_at'], when: 'CAP_DAC_READ_SEARCH' },
  {
    names: words(`
      bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount
      mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd setdomainname
      sethostname setns syslog umount umount2 unshare`),
    when: 'CAP_SYS_ADMIN',
  },
  {
    names: ['clone'],
    args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    unless: 'CAP_SYS_ADMIN',
  },
  { names: ['clone3'], action: 'errno', errno: ENOSYS, unless: 'CAP_SYS_ADMIN' },
  { names: ['reboot'], when: 'CAP_SYS_BOOT' },
  { names: ['chroot'], when: 'CAP_SYS_CHROOT' },
  { names: words('init_module finit_module delete_module'), when: 'CAP_SYS_MODULE' },
  { names: ['acct'], when: 'CAP_SYS_PACCT' },
  {
    names: words('kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace'),
    when: 'CAP_SYS_PTRACE',
  },
  { names: ['iopl', 'ioperm'], when: 'CAP_SYS_RAWIO' },
  { names: words('settimeofday stime clock_settime clock_settime64'), when: 'CAP_SYS_TIME' },
  { names: ['vhangup'], when: 'CAP_SYS_TTY_CONFIG' },
  { names: words('get_mempolicy set_mempolicy set_mempolicy_home_node mbind'), when: 'CAP_SYS_NICE' },
  { names: ['syslog'], when: 'CAP_SYSLOG' },
  { names: ['bpf'], when: 'CAP_BPF' },
  { names: ['perf_event_open'], when: 'CAP_PERFMON' },
];
