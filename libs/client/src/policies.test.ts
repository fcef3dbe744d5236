import { describe, expect, it } from 'vitest';
import type { ImageConfig } from '@berth/image';
import { healthcheckLabel, parseGoDuration, parseRestartPolicy } from './policies.js';

const image = (Healthcheck: NonNullable<ImageConfig['config']>['Healthcheck']): ImageConfig => ({
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: [] },
  config: { Healthcheck },
});
const label = (s: string | undefined) => (s === undefined ? undefined : (JSON.parse(s) as unknown));

describe('--restart', () => {
  it("accepts docker's policies and keeps them as typed", () => {
    expect(parseRestartPolicy('no')).toBeUndefined();
    expect(parseRestartPolicy('always')).toBe('always');
    expect(parseRestartPolicy('unless-stopped')).toBe('unless-stopped');
    expect(parseRestartPolicy('on-failure')).toBe('on-failure');
    expect(parseRestartPolicy('on-failure:0')).toBe('on-failure');
    expect(parseRestartPolicy('on-failure:5')).toBe('on-failure:5');
  });

  it("refuses the rest with docker's messages", () => {
    expect(() => parseRestartPolicy('sometimes')).toThrow(
      "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    );
    expect(() => parseRestartPolicy(':3')).toThrow('no policy provided before colon');
    expect(() => parseRestartPolicy('on-failure:x')).toThrow('maximum retry count must be an integer');
    expect(() => parseRestartPolicy('on-failure:-1')).toThrow('maximum retry count cannot be negative');
    expect(() => parseRestartPolicy('always:2')).toThrow(
      "maximum retry count can only be used with 'on-failure'",
    );
  });
});

describe('durations', () => {
  it("parses Go's durations to nanoseconds", () => {
    expect(parseGoDuration('0', 'f')).toBe(0);
    expect(parseGoDuration('30s', 'f')).toBe(30e9);
    expect(parseGoDuration('1m30s', 'f')).toBe(90e9);
    expect(parseGoDuration('1.5h', 'f')).toBe(5400e9);
    expect(parseGoDuration('500ms', 'f')).toBe(500e6);
    expect(parseGoDuration('-2s', 'f')).toBe(-2e9);
    expect(parseGoDuration('10us', 'f')).toBe(10e3);
  });

  it("refuses what Go refuses, in docker's flag error", () => {
    expect(() => parseGoDuration('5', '--health-interval')).toThrow(
      'invalid argument "5" for "--health-interval" flag: time: missing unit in duration "5"',
    );
    expect(() => parseGoDuration('5x', '--health-timeout')).toThrow(
      'time: unknown unit "x" in duration "5x"',
    );
    expect(() => parseGoDuration('', 'f')).toThrow('invalid duration');
    expect(() => parseGoDuration('s', 'f')).toThrow('invalid duration');
  });
});

describe('the health-check label', () => {
  it('is the flags with docker defaults', () => {
    expect(label(healthcheckLabel({ cmd: 'test -f /x' }))).toEqual({
      test: ['CMD-SHELL', 'test -f /x'],
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
    });
    expect(
      label(
        healthcheckLabel({ cmd: 'true', interval: '200ms', timeout: '1s', retries: '2', startPeriod: '1m' }),
      ),
    ).toEqual({
      test: ['CMD-SHELL', 'true'],
      intervalMs: 200,
      timeoutMs: 1000,
      retries: 2,
      startPeriodMs: 60_000,
    });
  });

  it("merges the flags over the image's HEALTHCHECK, field by field", () => {
    const img = image({ Test: ['CMD', 'check'], Interval: 5e9, Retries: 7 });
    expect(label(healthcheckLabel({}, img))).toMatchObject({
      test: ['CMD', 'check'],
      intervalMs: 5000,
      retries: 7,
    });
    expect(label(healthcheckLabel({ interval: '1s' }, img))).toMatchObject({
      test: ['CMD', 'check'],
      intervalMs: 1000,
      retries: 7,
    });
    expect(label(healthcheckLabel({ cmd: 'mine' }, img))).toMatchObject({
      test: ['CMD-SHELL', 'mine'],
      intervalMs: 5000,
    });
  });

  it('is absent without a check, for NONE and with --no-healthcheck', () => {
    expect(healthcheckLabel({})).toBeUndefined();
    expect(healthcheckLabel({ interval: '1s' })).toBeUndefined();
    expect(healthcheckLabel({}, image({ Test: ['NONE'] }))).toBeUndefined();
    expect(healthcheckLabel({ none: true }, image({ Test: ['CMD', 'check'] }))).toBeUndefined();
  });

  it("refuses bad flags with docker's messages", () => {
    expect(() => healthcheckLabel({ none: true, cmd: 'x' })).toThrow(
      '--no-healthcheck conflicts with --health-* options',
    );
    expect(() => healthcheckLabel({ cmd: 'x', interval: '-1s' })).toThrow(
      '--health-interval cannot be negative',
    );
    expect(() => healthcheckLabel({ cmd: 'x', retries: '-1' })).toThrow(
      '--health-retries cannot be negative',
    );
    expect(() => healthcheckLabel({ cmd: 'x', timeout: '10us' })).toThrow(
      'Timeout in Healthcheck cannot be less than 1ms',
    );
    expect(() => healthcheckLabel({ cmd: 'x', retries: 'two' })).toThrow(
      'invalid argument "two" for "--health-retries" flag',
    );
  });
});
