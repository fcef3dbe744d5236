import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { capabilitiesFor, normalizeCapability } from './capabilities.js';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from './constants.js';
import { mergeEnv, parseEnvFile } from './env.js';
import { tmpfsMount } from './mounts.js';
import { validateSysctls } from './sysctl.js';
import { parseMemory } from './units.js';
import { resolveUser } from './user.js';

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isInvalidArgument(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected InvalidArgument');
}

describe('capabilitiesFor', () => {
  it('returns the default set without changes', () => {
    expect(capabilitiesFor()).toEqual(DEFAULT_CAPABILITIES);
  });
  it('drops then adds, accepting any case and no CAP_ prefix', () => {
    const caps = capabilitiesFor(['net_admin', 'CAP_SYS_TIME', 'chown'], ['Chown', 'cap_kill']);
    expect(caps).not.toContain('CAP_KILL');
    expect(caps).toContain('CAP_NET_ADMIN');
    expect(caps).toContain('CAP_SYS_TIME');
    expect(caps.filter((c) => c === 'CAP_CHOWN')).toHaveLength(1); // add wins over drop, no duplicate
  });
  it('--cap-drop ALL keeps only the added ones', () => {
    expect(capabilitiesFor(['NET_BIND_SERVICE'], ['ALL'])).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(capabilitiesFor([], ['all'])).toEqual([]);
  });
  it('--cap-add ALL grants everything but the dropped ones', () => {
    const caps = capabilitiesFor(['ALL'], ['SYS_ADMIN']);
    expect(caps).toHaveLength(ALL_CAPABILITIES.length - 1);
    expect(caps).not.toContain('CAP_SYS_ADMIN');
  });
  it('privileged ignores add and drop', () => {
    expect(capabilitiesFor([], ['ALL'], true)).toEqual(ALL_CAPABILITIES);
  });
  it('rejects unknown capabilities', () => {
    expect(invalid(() => capabilitiesFor(['CAP_BOGUS']))).toBe('unknown capability: "CAP_BOGUS"');
    expect(invalid(() => capabilitiesFor([], ['nope']))).toBe('unknown capability: "CAP_NOPE"');
    expect(normalizeCapability(' sys_admin ')).toBe('CAP_SYS_ADMIN');
  });
});

describe('resolveUser', () => {
  const passwd = [
    'root:x:0:0:root:/root:/bin/sh',
    '# comment',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'app:x:1000:1000::/home/app:/bin/sh',
    'broken line',
  ].join('\n');
  const group = 'root:x:0:\ndaemon:x:1:\nwheel:x:10:root,app\napp:x:1000:\ndocker:x:999:app\n';

  it('defaults to root with root’s supplementary groups', () => {
    expect(resolveUser('', passwd, group)).toEqual({ uid: 0, gid: 0, additionalGids: [0, 10] });
  });
  it('resolves a name with its supplementary groups', () => {
    expect(resolveUser('app', passwd, group)).toEqual({
      uid: 1000,
      gid: 1000,
      additionalGids: [1000, 10, 999],
    });
  });
  it('resolves a known uid like its name', () => {
    expect(resolveUser('1000', passwd, group)).toEqual(resolveUser('app', passwd, group));
  });
  it('accepts an unknown numeric uid with gid 0', () => {
    expect(resolveUser('4242', passwd, group)).toEqual({ uid: 4242, gid: 0, additionalGids: [0] });
    expect(resolveUser('4242')).toEqual({ uid: 4242, gid: 0, additionalGids: [0] });
  });
  it('uid:gid and name:group set the primary group and skip supplementary ones', () => {
    expect(resolveUser('1000:1000')).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000] });
    expect(resolveUser('app:docker', passwd, group)).toEqual({ uid: 1000, gid: 999, additionalGids: [999] });
    expect(resolveUser('daemon:10', passwd, group)).toEqual({ uid: 1, gid: 10, additionalGids: [10] });
  });
  it('rejects unknown names as Docker does', () => {
    expect(invalid(() => resolveUser('nobody', passwd, group))).toBe(
      'unable to find user nobody: no matching entries in passwd file',
    );
    expect(invalid(() => resolveUser('x'))).toBe('unable to find user x: no matching entries in passwd file');
    expect(invalid(() => resolveUser('app:nogroup', passwd, group))).toBe(
      'unable to find group nogroup: no matching entries in group file',
    );
    expect(invalid(() => resolveUser('99999999999'))).toMatch(/must be in range/);
  });
});

describe('validateSysctls', () => {
  it('accepts namespaced sysctls', () => {
    const ok = {
      'net.ipv4.ip_forward': '1',
      'kernel.shmmax': '1',
      'kernel.shm_rmid_forced': '1',
      'kernel.msgmax': '1',
      'kernel.sem': '250 32000 32 128',
      'fs.mqueue.msg_max': '10',
    };
    expect(validateSysctls(ok)).toEqual(ok);
  });
  it('rejects host-wide sysctls', () => {
    for (const key of ['kernel.panic', 'vm.swappiness', 'fs.file-max', 'kernel.hostname', 'kernel.semx']) {
      expect(invalid(() => validateSysctls({ [key]: '1' }))).toBe(`sysctl '${key}=1' is not allowed`);
    }
    expect(invalid(() => validateSysctls(['novalue']))).toBe("sysctl 'novalue' is not allowed");
  });
  it('rejects net.* in the host network namespace', () => {
    expect(invalid(() => validateSysctls(['net.core.somaxconn=1'], true))).toMatch(/host network namespace/);
  });
});

describe('env files', () => {
  it('parses like docker: comments, blanks, verbatim values, lookups', () => {
    const text = '\uFEFF# comment\n\n  A=1\nB="quoted value" \nC\nD\n';
    expect(parseEnvFile(text, (k) => (k === 'C' ? 'from-env' : undefined))).toEqual([
      'A=1',
      'B="quoted value" ',
      'C=from-env',
    ]);
  });
  it('rejects bad names', () => {
    expect(invalid(() => parseEnvFile('=x'))).toMatch(/no variable name/);
    expect(invalid(() => parseEnvFile('A B=x'))).toMatch(/contains whitespaces/);
  });
  it('mergeEnv replaces in place, appends, and unsets bare keys', () => {
    expect(mergeEnv(['A=1', 'B=2', 'C=3'], ['B=x', 'D=4', 'A'])).toEqual(['B=x', 'C=3', 'D=4']);
  });
});

describe('units and mounts', () => {
  it('parseMemory uses binary multiples', () => {
    expect(parseMemory('256m')).toBe(256 * 1024 * 1024);
    expect(parseMemory('1GiB')).toBe(1024 ** 3);
    expect(parseMemory('1.5k')).toBe(1536);
    expect(parseMemory('100')).toBe(100);
    expect(invalid(() => parseMemory('-1'))).toBe("invalid size: '-1'");
  });
  it('tmpfsMount merges options, later flags winning', () => {
    expect(tmpfsMount('/tmp', 'size=1m,size=2m,ro,rw').options).toEqual([
      'noexec',
      'nosuid',
      'nodev',
      'rprivate',
      'size=2m',
      'rw',
    ]);
  });
});
