import { describe, expect, it } from 'vitest';
import {
  envFromFiles,
  exitStatusForStartError,
  expandEnv,
  parseKeyValues,
  parseLabels,
  parseTimeoutSeconds,
  parseTmpfs,
} from './flags.js';

describe('flag helpers', () => {
  it('parses labels, a bare key having an empty value', () => {
    expect(parseLabels(['a=b', 'c', 'd=e=f'])).toEqual({ a: 'b', c: '', d: 'e=f' });
    expect(() => parseLabels(['=x'])).toThrow(/empty name/);
  });

  it('parses key=value lists and refuses entries without a key or value', () => {
    expect(parseKeyValues(['net.ipv4.ip_forward=1'], 'sysctl')).toEqual({ 'net.ipv4.ip_forward': '1' });
    expect(() => parseKeyValues(['kernel.x'], 'sysctl')).toThrow(
      "invalid sysctl 'kernel.x': expected key=value",
    );
  });

  it('parses --tmpfs destinations and their options', () => {
    expect(parseTmpfs(['/run:size=64m,mode=1777', '/tmp'])).toEqual({
      '/run': 'size=64m,mode=1777',
      '/tmp': '',
    });
    expect(() => parseTmpfs(['run'])).toThrow(/must be absolute/);
  });

  it('takes -e KEY from the client environment, as docker does', () => {
    const env = { HOME: '/root', EMPTY: '' };
    expect(expandEnv(['A=1', 'HOME', 'EMPTY', 'MISSING'], env)).toEqual([
      'A=1',
      'HOME=/root',
      'EMPTY=',
      'MISSING',
    ]);
  });

  it('reads env files in order, bare keys from the client environment', () => {
    expect(envFromFiles(['# c\nA=1\nB\n', 'C=3\nD\n'], { B: 'two' })).toEqual(['A=1', 'B=two', 'C=3']);
  });

  it('maps start failures to docker’s exit statuses', () => {
    expect(exitStatusForStartError('exec: "nope": executable file not found in $PATH: unknown')).toBe(127);
    expect(exitStatusForStartError('exec: "/x": stat /x: no such file or directory')).toBe(127);
    expect(exitStatusForStartError('exec: "/etc/passwd": permission denied')).toBe(126);
    expect(exitStatusForStartError('cgroup: something else')).toBe(125);
  });

  it('parses stop timeouts', () => {
    expect(parseTimeoutSeconds('5')).toBe(5);
    expect(parseTimeoutSeconds('-1')).toBe(-1);
    expect(() => parseTimeoutSeconds('1.5')).toThrow(/whole seconds/);
    expect(() => parseTimeoutSeconds('-2')).toThrow(/whole seconds/);
  });
});
