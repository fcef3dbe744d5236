import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import type { ImageConfig } from '@berth/image';
import { LABELS, containerLabels, parseLogOpts, stopSettings } from './labels.js';

const image: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  config: { StopSignal: 'SIGQUIT' },
  rootfs: { type: 'layers', diff_ids: [] },
};

describe('containerLabels', () => {
  it('maps run options to berth labels, user labels kept as they are', () => {
    const labels = containerLabels({
      name: 'web',
      image: 'busybox',
      options: { stdinOpen: true, tty: true, stopTimeout: 3 },
      labels: { app: 'x', tier: '' },
      runtime: 'crun',
      logOpts: { maxSize: 10 * 1024 * 1024, maxFile: 3 },
      autoRemove: true,
    });
    expect(labels).toEqual({
      app: 'x',
      tier: '',
      [LABELS.name]: 'web',
      [LABELS.image]: 'busybox',
      [LABELS.stdinOpen]: 'true',
      [LABELS.tty]: 'true',
      [LABELS.runtime]: 'crun',
      [LABELS.logMaxSize]: '10485760',
      [LABELS.logMaxFile]: '3',
      [LABELS.autoRemove]: 'true',
      [LABELS.stopSignal]: 'SIGTERM',
      [LABELS.stopTimeout]: '3',
    });
  });

  it('sets only what was asked, the stop signal from the flag, else the image, else SIGTERM', () => {
    const base = { name: 'n', image: 'i' };
    expect(containerLabels({ ...base, options: {} })).toEqual({
      [LABELS.name]: 'n',
      [LABELS.image]: 'i',
      [LABELS.stopSignal]: 'SIGTERM',
    });
    expect(containerLabels({ ...base, options: {}, imageConfig: image })[LABELS.stopSignal]).toBe('SIGQUIT');
    expect(
      containerLabels({ ...base, options: { stopSignal: '9' }, imageConfig: image })[LABELS.stopSignal],
    ).toBe('SIGKILL');
  });

  it('refuses a bad stop signal or timeout before anything is created', () => {
    expect(() => containerLabels({ name: 'n', image: 'i', options: { stopSignal: 'NOPE' } })).toThrow(
      /Invalid signal: NOPE/,
    );
    expect(() => containerLabels({ name: 'n', image: 'i', options: { stopTimeout: -5 } })).toThrow(
      /invalid stop timeout/,
    );
  });
});

describe('stopSettings', () => {
  it('reads the signal and timeout back, with docker’s defaults', () => {
    expect(stopSettings({})).toEqual({ signal: 15, timeout: 10 });
    expect(stopSettings({ [LABELS.stopSignal]: 'SIGQUIT', [LABELS.stopTimeout]: '0' })).toEqual({
      signal: 3,
      timeout: 0,
    });
    expect(stopSettings({ [LABELS.stopSignal]: 'garbage', [LABELS.stopTimeout]: 'x' })).toEqual({
      signal: 15,
      timeout: 10,
    });
  });
});

describe('parseLogOpts', () => {
  it('parses max-size and max-file', () => {
    expect(parseLogOpts(['max-size=10m', 'max-file=3'])).toEqual({ maxSize: 10 * 1024 * 1024, maxFile: 3 });
    expect(parseLogOpts([])).toEqual({});
  });

  it('refuses unknown options and bad values in docker’s words', () => {
    expect(() => parseLogOpts(['mode=non-blocking'])).toThrow(
      "unknown log opt 'mode' for json-file log driver",
    );
    expect(() => parseLogOpts(['max-file=0', 'max-size=1m'])).toThrow('max-file cannot be less than 1');
    expect(() => parseLogOpts(['max-size=lots'])).toThrow(/invalid size/);
    expect(() => parseLogOpts(['max-file=2'])).toThrow('max-file cannot be set without max-size');
    let err: unknown;
    try {
      parseLogOpts(['nonsense']);
    } catch (e) {
      err = e;
    }
    expect(kindOf(err)).toBe('InvalidArgument');
  });
});
