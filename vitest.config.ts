import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { TZ: 'UTC' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/agents/**'] },
      },
      {
        // The coding agents' real CLIs (test/agents): large installs, seconds of CPU per prompt.
        // One file at a time, so that they do not starve each other on a small machine.
        extends: true,
        test: { name: 'agents', include: ['test/agents/**/*.test.ts'], testTimeout: 120_000, fileParallelism: false },
      },
    ],
  },
});
