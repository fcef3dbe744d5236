import { describe, expect, it } from 'vitest';
import type { Context } from '../../context.js';
import { createOptions, networkOptions } from './lib.js';

function fakeContext() {
  const err: string[] = [];
  const stderr = { write: (s: string) => err.push(s) > 0, isTTY: false };
  return { err, ctx: { stderr } as unknown as Context };
}

describe('createOptions (run/create flags)', () => {
  it('maps docker flags onto RunOptions, labels and log options', async () => {
    const { ctx } = fakeContext();
    const o = await createOptions(ctx, 'busybox', ['sh', '-c', 'true'], {
      interactive: true,
      tty: true,
      rm: true,
      name: 'web',
      env: ['A=1'],
      label: ['app=x', 'flag'],
      tmpfs: ['/run:size=1m'],
      sysctl: ['net.ipv4.ip_forward=1'],
      oomScoreAdj: '-100',
      stopTimeout: '3',
      network: ['mynet'],
      networkAlias: ['db'],
      publish: ['8080:80'],
      dns: ['192.0.2.53'],
      runtime: 'crun',
      logOpt: ['max-size=1k', 'max-file=2'],
      platform: 'linux/arm64',
    });
    expect(o).toMatchObject({
      image: 'busybox',
      name: 'web',
      labels: { app: 'x', flag: '' },
      runtime: 'crun',
      autoRemove: true,
      pull: 'missing',
      logOpts: { maxSize: 1024, maxFile: 2 },
      platform: { os: 'linux', architecture: 'arm64', variant: '' },
    });
    expect(o.options).toMatchObject({
      cmd: ['sh', '-c', 'true'],
      env: ['A=1'],
      tty: true,
      stdinOpen: true,
      tmpfs: { '/run': 'size=1m' },
      sysctls: { 'net.ipv4.ip_forward': '1' },
      oomScoreAdj: -100,
      stopTimeout: 3,
    });
    expect(o.network).toMatchObject({
      networks: ['mynet'],
      aliases: ['db'],
      publish: ['8080:80'],
      dns: ['192.0.2.53'],
      publishAll: false,
    });
  });

  it('keeps the image command when none is given; the network mode defaults from the env', async () => {
    const { ctx } = fakeContext();
    const o = await createOptions(ctx, 'busybox', [], {});
    expect(o.options.cmd).toBeUndefined();
    expect(o.options.networkMode).toBeUndefined();
    expect(networkOptions({}, {})).toMatchObject({ networks: [], defaultMode: 'bridge' });
    expect(networkOptions({}, { BERTH_DEFAULT_NETWORK: 'none' }).defaultMode).toBe('none');
    // --net is --network's docker alias; both may be repeated.
    expect(networkOptions({ network: ['a'], net: ['b'] }, {}).networks).toEqual(['a', 'b']);
  });

  it('refuses numbers that are none, and missing env files', async () => {
    const { ctx } = fakeContext();
    await expect(createOptions(ctx, 'busybox', [], { stopTimeout: 'soon' })).rejects.toThrow(
      'invalid value "soon" for --stop-timeout: not a whole number',
    );
    await expect(createOptions(ctx, 'busybox', [], { envFile: ['/nonexistent/env'] })).rejects.toThrow(
      'open /nonexistent/env: no such file or directory',
    );
  });

  it('prints docker warnings on stderr', async () => {
    const { ctx, err } = fakeContext();
    const o = await createOptions(ctx, 'busybox', [], {});
    o.onWarning?.('Published ports are discarded when using host network mode');
    expect(err.join('')).toBe('WARNING: Published ports are discarded when using host network mode\n');
  });

  it('reports a pull on stderr as docker run does', async () => {
    const { ctx, err } = fakeContext();
    const o = await createOptions(ctx, 'busybox', [], {});
    o.onPullStart?.('busybox:latest', true);
    o.onPullProgress?.({ ref: 'index-x', status: 'done', offset: 0, total: 0, image: undefined, name: '' });
    o.onPullProgress?.({
      ref: '',
      status: 'done',
      offset: 0,
      total: 0,
      image: { mediaType: '', digest: 'sha256:abc', size: 1, annotations: {} },
      name: 'docker.io/library/busybox:latest',
    });
    expect(err.join('')).toBe(
      [
        "Unable to find image 'busybox:latest' locally",
        'latest: Pulling from library/busybox',
        'Digest: sha256:abc',
        'Status: Downloaded newer image for busybox:latest',
        '',
      ].join('\n'),
    );
  });
});
