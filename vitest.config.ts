import { defineConfig } from 'vitest/config';

// Tests run on TypeScript sources: the "@berth/source" export condition points every
// @berth/* package at src/, so no build is needed before `vitest`.
const conditions = ['@berth/source', 'module', 'node', 'development|production'];
const resolve = { conditions };
const ssr = { resolve: { conditions } };

export default defineConfig({
  resolve,
  ssr,
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['{libs,services,apps,proto,native}/*/src/**/*.test.ts', 'proto/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'system',
          include: ['{libs,services,apps,native}/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // System tests start real processes on fixed-per-file temp roots; files run one
          // at a time so two suites never fight over CPU-bound timing or iptables state.
          fileParallelism: false,
        },
      },
    ],
  },
});
