// Vitest's global setup: one directory for the databases a test helper builds once and copies for each test that asks
// for the same again, removed when the run ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    builtDatabasesDir: string;
  }
}

export default function builtDatabases(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-built-databases-'));
  project.provide('builtDatabasesDir', dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
