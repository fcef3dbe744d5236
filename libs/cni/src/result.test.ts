import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import { CniError, parseCniError, parseResult } from './result.js';
import { catchErr } from './testing.js';

describe('parseResult', () => {
  it('reads a 1.0.0 result', () => {
    const r = parseResult(
      'bridge',
      JSON.stringify({
        cniVersion: '1.0.0',
        interfaces: [{ name: 'br0', mac: 'aa' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/n' }],
        ips: [{ interface: 2, address: '10.1.0.2/24', gateway: '10.1.0.1' }],
        routes: [{ dst: '0.0.0.0/0' }],
        dns: {},
      }),
    );
    expect(r.ips).toEqual([{ interface: 2, address: '10.1.0.2/24', gateway: '10.1.0.1' }]);
    expect(r.interfaces?.[2]?.sandbox).toBe('/n');
    expect(r.routes).toEqual([{ dst: '0.0.0.0/0' }]);
  });

  it('drops the per-address version of 0.4.0 results', () => {
    const r = parseResult(
      'bridge',
      '{"cniVersion":"0.4.0","ips":[{"version":"4","interface":0,"address":"10.1.0.2/24"}]}',
    );
    expect(r).toEqual({ cniVersion: '0.4.0', ips: [{ interface: 0, address: '10.1.0.2/24' }] });
  });

  it('throws Internal naming the plugin for output that is not a result', () => {
    for (const out of ['', 'not json', '[1]']) {
      const err = catchErr(() => parseResult('portmap', out));
      expect(kindOf(err)).toBe('Internal');
      expect((err as Error).message).toMatch(/^cni plugin portmap: /);
    }
  });
});

describe('parseCniError', () => {
  it('turns the CNI error object into a typed error naming the plugin, command, message and details', () => {
    const err = parseCniError(
      'bridge',
      'ADD',
      { code: 1 },
      '{"cniVersion":"1.0.0","code":7,"msg":"invalid config","details":"bridge name too long"}',
      '',
    );
    expect(err).toBeInstanceOf(CniError);
    expect(err.kind).toBe('InvalidArgument');
    expect(err.message).toBe('cni plugin bridge failed (ADD): invalid config: bridge name too long');
    expect([err.plugin, err.code, err.cniMessage, err.details]).toEqual([
      'bridge',
      7,
      'invalid config',
      'bridge name too long',
    ]);
  });

  it('maps well-known codes and IPAM messages to kinds', () => {
    const kind = (code: number, msg: string) =>
      parseCniError('p', 'ADD', { code: 1 }, JSON.stringify({ code, msg }), '').kind;
    expect(kind(3, 'no such container')).toBe('NotFound');
    expect(kind(11, 'busy')).toBe('Unavailable');
    expect(
      kind(
        999,
        'failed to allocate for range 0: requested IP address 10.1.0.5 is not available in range set 10.1.0.1-10.1.0.254',
      ),
    ).toBe('AlreadyExists');
    expect(kind(999, 'failed to allocate for range 0: no IP addresses available in range set')).toBe(
      'ResourceExhausted',
    );
    expect(kind(999, 'something else')).toBe('Internal');
  });

  it('reports a plugin that crashed without the error object by its stderr and exit', () => {
    const err = parseCniError('firewall', 'DEL', { code: 2, signal: null }, '', 'panic: nil pointer\n');
    expect(err.message).toBe('cni plugin firewall failed (DEL): panic: nil pointer: exited with status 2');
    const killed = parseCniError('bridge', 'ADD', { code: null, signal: 'SIGKILL' }, '', '');
    expect(killed.message).toBe('cni plugin bridge failed (ADD): killed by SIGKILL');
  });
});
