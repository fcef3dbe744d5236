import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '@berth/errdefs';
import type { PluginExec } from './exec.js';
import { CniRuntime } from './runtime.js';
import type { NetworkConfigList, RuntimeConf } from './types.js';

interface Call {
  plugin: string;
  command: string;
  stdin: Record<string, unknown>;
}

/** A fake executor that records calls and answers per plugin (results or a CNI error). */
function fakeExec(answers: Record<string, (c: Call) => { code: number; stdout: string }>): {
  exec: PluginExec;
  calls: Call[];
} {
  const calls: Call[] = [];
  const exec: PluginExec = async (path, stdin, env) => {
    const c = { plugin: path.split('/').pop()!, command: env['CNI_COMMAND']!, stdin: JSON.parse(stdin) };
    calls.push(c);
    const a = answers[c.plugin]?.(c) ?? { code: 0, stdout: JSON.stringify(c.stdin['prevResult'] ?? {}) };
    return { ...a, signal: null, stderr: '' };
  };
  return { exec, calls };
}

const list: NetworkConfigList = {
  cniVersion: '1.0.0',
  name: 'n',
  plugins: [{ type: 'bridge' }, { type: 'portmap' }, { type: 'firewall' }],
};
const rt: RuntimeConf = { containerId: 'c', netns: '/n', ifName: 'eth0' };
const bridgeResult = { cniVersion: '1.0.0', ips: [{ address: '10.1.0.2/24', interface: 0 }] };

describe('CniRuntime', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cni-fake-'));
    for (const p of ['bridge', 'portmap', 'firewall']) {
      writeFileSync(join(dir, p), '#!/bin/sh\n');
      chmodSync(join(dir, p), 0o755);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs ADD in order, passing each result on, and reports progress through the hooks', async () => {
    const { exec, calls } = fakeExec({ bridge: () => ({ code: 0, stdout: JSON.stringify(bridgeResult) }) });
    const seen: string[] = [];
    const r = await new CniRuntime({ pluginDirs: ['/nonexistent', dir], exec }).addNetworkList(list, rt, {
      beforePlugin: (i) => void seen.push(`start ${i}`),
      afterPlugin: (i, res) => void seen.push(`done ${i} ${res.ips?.[0]?.address}`),
    });
    expect(calls.map((c) => `${c.command} ${c.plugin}`)).toEqual([
      'ADD bridge',
      'ADD portmap',
      'ADD firewall',
    ]);
    expect(calls[0]!.stdin).not.toHaveProperty('prevResult');
    expect(calls[1]!.stdin['prevResult']).toEqual(bridgeResult);
    expect(r).toEqual(bridgeResult);
    expect(seen).toEqual([
      'start 0',
      'done 0 10.1.0.2/24',
      'start 1',
      'done 1 10.1.0.2/24',
      'start 2',
      'done 2 10.1.0.2/24',
    ]);
  });

  it('stops ADD at the first failing plugin with its typed error', async () => {
    const { exec, calls } = fakeExec({
      bridge: () => ({ code: 0, stdout: JSON.stringify(bridgeResult) }),
      portmap: () => ({ code: 1, stdout: '{"code":3,"msg":"gone"}' }),
    });
    const err = await new CniRuntime({ pluginDirs: [dir], exec })
      .addNetworkList(list, rt)
      .catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe('cni plugin portmap failed (ADD): gone');
    expect(calls).toHaveLength(2);
  });

  it('runs DEL in reverse with the cached result, only up to the plugin ADD reached, trying every plugin', async () => {
    const { exec, calls } = fakeExec({ portmap: () => ({ code: 1, stdout: '{"code":999,"msg":"boom"}' }) });
    const cni = new CniRuntime({ pluginDirs: [dir], exec });
    const err = await cni.delNetworkList(list, rt, { prevResult: bridgeResult }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('cni plugin portmap failed (DEL): boom');
    expect(calls.map((c) => `${c.command} ${c.plugin}`)).toEqual([
      'DEL firewall',
      'DEL portmap',
      'DEL bridge',
    ]);
    expect(calls.every((c) => JSON.stringify(c.stdin['prevResult']) === JSON.stringify(bridgeResult))).toBe(
      true,
    );

    calls.length = 0;
    await cni.delNetworkList(list, rt, { upTo: 0 }).catch(() => undefined);
    expect(calls.map((c) => c.plugin)).toEqual(['bridge']);
    expect(calls[0]!.stdin).not.toHaveProperty('prevResult');
  });

  it('runs CHECK in order with the cached result, and NotFound for a missing plugin', async () => {
    const { exec, calls } = fakeExec({});
    const cni = new CniRuntime({ pluginDirs: [dir], exec });
    await cni.checkNetworkList(list, rt, bridgeResult);
    expect(calls.map((c) => `${c.command} ${c.plugin}`)).toEqual([
      'CHECK bridge',
      'CHECK portmap',
      'CHECK firewall',
    ]);
    const missing = { ...list, plugins: [{ type: 'nosuch' }] };
    expect(isNotFound(await cni.addNetworkList(missing, rt).catch((e: unknown) => e))).toBe(true);
  });
});
