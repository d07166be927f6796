// Vitest settings: real processes and real DuckDB files make some tests slow-ish, so timeouts are generous.
import { defineConfig } from 'vitest/config';

/**
 * Test files that change module state another file would see (mocks and spies, process.env, the DuckDB read caps,
 * fsync counts), or that count what another file's leftovers would change (diagnostics-channel listeners): each runs in
 * a process of its own. The rest share their worker's process, so each file does not load Bolt, DuckDB and the engine
 * again (about a sixth of the suite's time).
 */
const isolated = [
  'test/bench/day-counts-phase.test.ts',
  'test/cli/cross-front-end.test.ts',
  'test/cli/in-process.test.ts',
  'test/cli/motherduck.test.ts',
  'test/e2e/diagnose-not-damage.test.ts',
  'test/e2e/path-b-opens-backup-once.test.ts',
  'test/e2e/recover-duckdb.test.ts',
  'test/e2e/socket-mode-subscribers.test.ts',
  'test/postmortem/build-postmortem.test.ts',
  'test/unit/duckdb-read-limits.test.ts',
  'test/unit/duckdb-read-niceness.test.ts',
  'test/unit/engine-group-commit.test.ts',
  'test/unit/head-write-full-disk.test.ts',
  'test/unit/incident-ids.test.ts',
  'test/unit/instance-lock.test.ts',
  'test/unit/journal-group-commit.test.ts',
  'test/unit/local-target-thread.test.ts',
  'test/unit/off-thread-runner.test.ts',
  'test/unit/runbook-load-cache.test.ts',
  'test/unit/run-command.test.ts',
  'test/unit/slack-outbox.test.ts',
  'test/unit/state-dir.test.ts',
  'test/unit/watchers.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 180_000,
    // dist/ built once before any test (the CLI and the bot run as processes from it, as an operator runs them), and
    // a directory for the databases the helpers build once per process.
    globalSetup: ['test/support/build-dist.ts', 'test/support/built-databases.ts'],
    hookTimeout: 120_000,
    pool: 'forks',
    // Most end-to-end time is spent waiting on real processes (bots, stand-in tools, DuckDB files), so one test file
    // more than the 2 cores keeps them busy.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'isolated', include: isolated, isolate: true } },
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: isolated, isolate: false } },
    ],
  },
});
