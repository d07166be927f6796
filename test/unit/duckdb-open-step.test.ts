// Tests the duckdb-open step (src/engine/steps/duckdb-open-step.ts): a path that is a symbolic link (said only of the file a recovery moves), and what is said of a write-ahead log beside a file that opens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runDuckdbOpenStep, type DuckdbOpenStep } from '../../src/engine/steps/duckdb-open-step.js';
import { createDuckdbFile, scriptsDir, useTempDirs } from '../support/fixtures.js';

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

describe('a file at the write-ahead log\'s path beside a file that opens', () => {
  /** The file with a table only its log holds: written by a process killed before any checkpoint, as a crash leaves it. */
  async function writerKilledMidWay(file: string): Promise<void> {
    const writer = execa('node', [path.join(scriptsDir, 'write-then-hold-duckdb.mjs'), file, 'CREATE TABLE only_in_log AS SELECT 1 AS id'], { reject: false });
    await new Promise<void>((resolve, reject) => {
      writer.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      void writer.then((ended) => reject(new Error(`the writer ended before it was ready: ${ended.stderr}`)));
    });
    writer.kill('SIGKILL');
    await writer;
  }

  it("is said replayed when it is a log DuckDB wrote (a writer killed mid-way): what only it held was read", async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { observations: 100 });
    await writerKilledMidWay(file);
    expect(fs.statSync(`${file}.wal`).size).toBeGreaterThan(0);
    const opened = await runDuckdbOpenStep(step(file, true));
    expect(opened.status).toBe('ok');
    expect(opened.outputs?.log).toMatch(/^Its write-ahead log .*databox\.duckdb\.wal \(\d+ bytes, written .* UTC\) was replayed into what was read: most often the file's own writes not yet checkpointed/);
  });

  it('is not said replayed when it is random bytes, which DuckDB reads nothing from: it is said read past, with what becomes of it', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { observations: 100 });
    fs.writeFileSync(`${file}.wal`, crypto.randomBytes(5000));
    const opened = await runDuckdbOpenStep(step(file, true));
    expect(opened.status).toBe('ok');
    // Before: "Its write-ahead log … (5000 bytes …) was replayed into what was read: most often the file's own writes…".
    expect(opened.outputs?.log).not.toContain('replayed');
    expect(opened.outputs?.log).toMatch(
      /^A file is at its write-ahead log's path, .*databox\.duckdb\.wal \(5000 bytes, written .* UTC\), that does not begin as a DuckDB write-ahead log does, so DuckDB read nothing from it: what was read is the file as of its last checkpoint\. .*the stack's next checkpoint deletes it: copy it aside first/,
    );
  });
});
