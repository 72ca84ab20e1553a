import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { TZ: 'UTC' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/agents/**'], sequence: { groupOrder: 0 } },
      },
      {
        // The coding agents' real CLIs (test/agents): large installs, seconds of CPU per prompt.
        // They run after the unit project and one file at a time, so that on a small machine they
        // starve neither each other nor the unit tests that watch a clock (the TUI's ticker).
        extends: true,
        test: { name: 'agents', include: ['test/agents/**/*.test.ts'], testTimeout: 120_000, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
