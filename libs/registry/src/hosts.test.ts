import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import { createHostResolver, hostsFromDaemonJson, isInsecure, isLoopback } from './hosts.js';

describe('hosts', () => {
  it('matches insecure-registries by host, host:port and CIDR', () => {
    const cfg = { insecureRegistries: ['reg.local', 'other:5000', '10.1.0.0/16'] };
    expect(isInsecure(cfg, 'reg.local:443')).toBe(true);
    expect(isInsecure(cfg, 'other:5000')).toBe(true);
    expect(isInsecure(cfg, 'other:5001')).toBe(false);
    expect(isInsecure(cfg, '10.1.200.3:5000')).toBe(true);
    expect(isInsecure(cfg, '10.2.0.1')).toBe(false);
    expect(isInsecure({}, 'reg.local')).toBe(false);
  });

  it('treats localhost and 127.0.0.0/8 as loopback', () => {
    expect(isLoopback('localhost:5000')).toBe(true);
    expect(isLoopback('127.0.0.1:5000')).toBe(true);
    expect(isLoopback('127.3.2.1')).toBe(true);
    expect(isLoopback('[::1]:5000')).toBe(true);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback('example.com')).toBe(false);
  });

  it('puts mirrors first for docker.io reads only, and https with http fallback for insecure hosts', () => {
    const r = createHostResolver({
      registryMirrors: ['https://mirror.test'],
      insecureRegistries: ['reg.local'],
    });
    try {
      const show = (host: string, read: boolean) =>
        r
          .endpoints(host, read)
          .map((e) => `${e.base.href}${e.mirror ? ' mirror' : ''}${e.httpFallback ? ' +http' : ''}`);
      expect(show('docker.io', true)).toEqual([
        'https://mirror.test/ mirror',
        'https://registry-1.docker.io/',
      ]);
      expect(show('docker.io', false)).toEqual(['https://registry-1.docker.io/']);
      expect(show('quay.io', true)).toEqual(['https://quay.io/']);
      expect(show('reg.local:5000', true)).toEqual(['https://reg.local:5000/ +http']);
      expect(show('127.0.0.1:5000', true)).toEqual(['https://127.0.0.1:5000/ +http']);
      expect(r.httpEndpoint('127.0.0.1:5000').base.href).toBe('http://127.0.0.1:5000/');
    } finally {
      r.close();
    }
  });

  it('reads daemon.json keys and rejects bad ones', () => {
    expect(
      hostsFromDaemonJson({ 'insecure-registries': ['a:1'], 'registry-mirrors': ['https://m'] }),
    ).toEqual({
      insecureRegistries: ['a:1'],
      registryMirrors: ['https://m'],
      certsDir: undefined,
    });
    expect(kindOf(catchErr(() => hostsFromDaemonJson({ 'registry-mirrors': ['m.example'] })))).toBe(
      'InvalidArgument',
    );
    expect(kindOf(catchErr(() => hostsFromDaemonJson({ 'insecure-registries': 'a' })))).toBe(
      'InvalidArgument',
    );
  });
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
