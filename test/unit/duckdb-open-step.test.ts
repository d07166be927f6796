// Tests the duckdb-open step (src/engine/steps/duckdb-open-step.ts) on a path that is a symbolic link: said only of the file a recovery moves.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDuckdbOpenStep, type DuckdbOpenStep } from '../../src/engine/steps/duckdb-open-step.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-open-step-');

const step = (file: string, movedByRecovery: boolean): DuckdbOpenStep => ({
  id: 'open',
  title: 'Open it',
  kind: 'duckdb-open',
  path: file,
  mutates: false,
  destructive: false,
  acceptStatuses: [],
  checkWritable: false,
  readersBlock: true,
  expectSchemas: [],
  movedByRecovery,
  newestOf: [],
  timeoutMs: 30_000,
  guard: false,
});

describe('a path that is a symbolic link to a DuckDB file', () => {
  it("is said, with what to do, for the stack's database a recovery moves; not for a backup only read and copied", async () => {
    const dir = tempDir();
    const target = path.join(dir, 'databox-2026-04-20.duckdb');
    await createDuckdbFile(target, { observations: 100 });
    const link = path.join(dir, 'latest.duckdb');
    fs.symlinkSync(target, link);
    const database = await runDuckdbOpenStep(step(link, true));
    expect(database.status).toBe('ok');
    expect(database.summary).toBe(
      `opens read-only; SELECT 1 succeeds (read through a symbolic link to ${target}: a recovery is refused through it, as moving it would move the link; to recover, set DATABOX_DATABASE_PATH (or the path given) to ${target} itself (a running bot reads it when it starts), and diagnose again (\`/databox diagnose duckdb\`))`,
    );
    const backup = await runDuckdbOpenStep(step(link, false));
    expect(backup.status).toBe('ok');
    expect(backup.summary).toBe('opens read-only; SELECT 1 succeeds');
  });
});
