import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each file in its own process: the addon's thread pool and OpenBLAS are per process.
    pool: 'forks',
  },
});
