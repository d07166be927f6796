// Vitest settings: real processes and real DuckDB files make some tests slow-ish, so timeouts are generous.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most end-to-end time is spent waiting on real processes (bots, stand-in tools, DuckDB files), so one test file
    // more than the 2 cores keeps them busy: about 250 s instead of 320 s for the whole suite on 2 cores.
    maxWorkers: 3,
  },
});
