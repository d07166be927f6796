// Vitest's global setup: one directory for the databases the test helpers and the stand-in tools build once and copy
// for each test that asks for the same again, removed when the run ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    builtDatabasesDir: string;
  }
}

/** The run's directory, kept in this (vitest's main) process: the root project and each test project run this setup. */
const made = Symbol.for('databox-bot.test.built-databases-dir');

export default function builtDatabases(project: TestProject): (() => void) | undefined {
  const run = globalThis as { [made]?: string };
  const first = run[made] === undefined;
  const dir = (run[made] ??= fs.mkdtempSync(path.join(os.tmpdir(), 'databox-built-databases-')));
  project.provide('builtDatabasesDir', dir);
  // The stand-in tools (test/fixtures/bin) find it through the environment the test processes pass on to what they start.
  process.env.BUILT_DATABASES_DIR = dir;
  return first ? () => fs.rmSync(dir, { recursive: true, force: true }) : undefined;
}
