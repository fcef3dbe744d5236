/**
 * Docker's secure defaults, as berth applies them to every unprivileged container: the
 * capability set, the masked and read-only /proc and /sys paths, the default mounts and the
 * device cgroup allow-list (moby `oci/defaults.go`, `daemon/oci_linux.go`).
 */
import type { DeviceRule, Mount } from './types.js';

/** The capabilities an unprivileged container keeps (Docker's default set). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/**
 * Every Linux capability up to CAP_CHECKPOINT_RESTORE (40), in kernel order. `--privileged` and
 * `--cap-add ALL` grant these; runc 1.1 skips (with a warning) any the host kernel lacks.
 */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** Paths hidden from unprivileged containers (runc bind-mounts /dev/null or an empty tmpfs). */
export const MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Paths remounted read-only in unprivileged containers. */
export const READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** The PATH a container gets when neither the image nor the user sets one. */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The size of /dev/shm when `shmSize` is not given: 64 MiB, as Docker. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** The signal `stop` sends when neither the user nor the image chooses one. */
export const DEFAULT_STOP_SIGNAL = 'SIGTERM';

/** Seconds `stop` waits after the stop signal before SIGKILL, when not given. */
export const DEFAULT_STOP_TIMEOUT = 10;

/** Where `--init` mounts the init binary inside the container (Docker's path). */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';

/** Returns Docker's default mounts for a container with a /dev/shm of `shmSize` bytes. */
export function defaultMounts(shmSize: number, privileged: boolean): Mount[] {
  // NOTE: privileged containers get /sys and /sys/fs/cgroup read-write, as Docker does.
  const sys = privileged ? 'rw' : 'ro';
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', sys] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', sys],
    },
  ];
}

/**
 * Returns the device cgroup allow-list of an unprivileged container: deny everything, then allow
 * the nodes runc creates in /dev (null, zero, full, random, urandom, tty, console, ptmx, pts/*)
 * and mknod of any node (creating one does not grant access to it).
 *
 * NOTE: Docker's list ends with an explicit deny of /dev/fuse (c 10:229); berth leaves it out:
 * the leading deny-all already covers it, and on cgroup v1 runc cannot apply a deny after the
 * `c *:* m` wildcard ("cannot punch hole in existing wildcard rule").
 */
export function defaultDeviceRules(): DeviceRule[] {
  const allow = (type: 'c' | 'b', major: number | undefined, minor: number | undefined, access = 'rwm') => {
    const rule: DeviceRule = { allow: true, type, access };
    if (major !== undefined) rule.major = major;
    if (minor !== undefined) rule.minor = minor;
    return rule;
  };
  return [
    { allow: false, access: 'rwm' },
    allow('c', undefined, undefined, 'm'),
    allow('b', undefined, undefined, 'm'),
    allow('c', 1, 3), // null
    allow('c', 1, 5), // zero
    allow('c', 1, 7), // full
    allow('c', 1, 8), // random
    allow('c', 1, 9), // urandom
    allow('c', 5, 0), // tty
    allow('c', 5, 1), // console
    allow('c', 5, 2), // ptmx
    allow('c', 136, undefined), // pts/*
  ];
}
