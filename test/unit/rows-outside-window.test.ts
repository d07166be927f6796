// The validation's count of the days just outside a window against the recovery plan's, on a real DuckDB file.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { runRowsOutsideWindowStep, type RowsOutsideWindowStep } from '../../src/engine/steps/rows-outside-window-step.js';
import { runCommand } from '../../src/process/run-command.js';
import { bundledRunbooksDir } from '../../src/config.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('rows-outside-window-');

/** Rows per day as given, in a real database; the bot's clock on `today` at 08:00 UTC. */
async function database(perDay: Record<string, number>, today = '2026-04-25'): Promise<StepRunContext> {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations (id BIGINT, observation_date DATE)');
  for (const [day, n] of Object.entries(perDay)) await connection.run(`INSERT INTO raw_ebird.observations SELECT range, DATE '${day}' FROM range(${n})`);
  connection.closeSync();
  instance.closeSync();
  return { root: dir, databasePath: file, stateDir: path.join(dir, 'var'), incidentId: 'dbx-1', runId: 'dbx-1/3', diskFullPercent: 95, runCommand, redact: (t) => t, clock: () => new Date(`${today}T08:00:00Z`), progress: () => {} };
}

const step = (from: string, to: string, before?: Record<string, number>) =>
  ({
    mutates: false,
    destructive: false,
    acceptStatuses: [],
    timeoutMs: 60_000,
    guard: false,
    id: 'outside_window',
    title: 'outside',
    kind: 'rows-outside-window',
    target: 'local',
    table: '"raw_ebird"."observations"',
    dateColumn: '"observation_date"',
    from,
    to,
    countedBefore: { dayBefore: 'raw_day_before', dayAfter: 'raw_day_after' },
    diagnoseAgain: { command: '/databox diagnose backfill source=ebird', maxDays: 31 },
    ...(before ? { before } : {}),
  }) as RowsOutsideWindowStep;

describe('rows-outside-window', () => {
  it('fails on rows gone from the day before the window, naming the day and how many', async () => {
    const ctx = await database({ '2026-04-17': 90, '2026-04-21': 100 });
    const result = await runRowsOutsideWindowStep(step('2026-04-18', '2026-04-20', { '2026-04-17': 100, '2026-04-21': 100 }), ctx);
    expect(result.status).toBe('rows-gone');
    expect(result.summary).toContain('2026-04-17 (the day before the window): 10 rows gone (100 when the plan was made, 90 now)');
    expect(result.outputs).toMatchObject({ counts: { '2026-04-17': 90, '2026-04-21': 100 } });
  });

  it('names the kept file holding rows of a day that lost them, to put them back from, where the recovery kept some', async () => {
    const ctx = await database({ '2026-04-17': 90, '2026-04-21': 100 });
    // As a DELETE by another day than the reload's left it: 10 rows of the day before kept with the window's, and gone.
    const kept = path.join(ctx.stateDir, 'backups', 'dbx-1');
    fs.mkdirSync(kept, { recursive: true });
    const file = path.join(kept, 'raw_ebird.observations.2026-04-18_2026-04-20.20260425T080000Z.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT range AS id, DATE '2026-04-17' AS observation_date FROM range(10) UNION ALL SELECT range, DATE '2026-04-18' FROM range(5)) TO '${file}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    const result = await runRowsOutsideWindowStep({ ...step('2026-04-18', '2026-04-20', { '2026-04-17': 100, '2026-04-21': 100 }), keptIn: kept }, ctx);
    expect(result.status).toBe('rows-gone');
    expect(result.summary).toContain('Rows that were there before the recovery are gone from 2026-04-17, outside the window its reload loads again: the validation fails on it.');
    expect(result.summary).toContain(`The recovery kept rows of those days before deleting them: 10 rows of 2026-04-17 in ${file}. Put the missing ones back from there`);
  });

  it('says rows added on today or yesterday, still loading, without failing on them', async () => {
    const ctx = await database({ '2026-04-23': 100, '2026-04-25': 30 });
    const result = await runRowsOutsideWindowStep(step('2026-04-24', '2026-04-24', { '2026-04-23': 100, '2026-04-25': 20 }), ctx);
    expect(result.status).toBe('ok');
    expect(result.summary).toContain('2026-04-25 (the day after it; still loading, so a load may have written them): 10 rows added (20 when the plan was made, 30 now)');
    // Yesterday too: its daily load may land while the recovery runs. The day before it does not.
    const yesterday = await runRowsOutsideWindowStep(step('2026-04-23', '2026-04-23', { '2026-04-22': 0, '2026-04-24': 0 }), await database({ '2026-04-24': 5 }));
    expect(yesterday.status).toBe('ok');
    expect(yesterday.summary).toContain('2026-04-24 (the day after it; still loading, so a load may have written them): 5 rows added');
    const older = await runRowsOutsideWindowStep(step('2026-04-22', '2026-04-22', { '2026-04-21': 0, '2026-04-23': 0 }), await database({ '2026-04-23': 5 }));
    expect(older.status).toBe('rows-added');
  });

  it("takes yesterday as the source's own, in its timeZone: at 02:00 UTC a New York source's yesterday is the UTC day before", async () => {
    const ctx = { ...(await database({ '2026-04-23': 5 })), clock: () => new Date('2026-04-25T02:00:00Z') };
    const counted = step('2026-04-22', '2026-04-22', { '2026-04-21': 0, '2026-04-23': 0 });
    // 22:00 on 2026-04-24 in New York: 2026-04-23 is its yesterday, whose load may still land.
    const zoned = await runRowsOutsideWindowStep({ ...counted, timeZone: 'America/New_York' }, ctx);
    expect(zoned.status).toBe('ok');
    expect(zoned.summary).toContain('2026-04-23 (the day after it; still loading, so a load may have written them): 5 rows added');
    // In UTC, 2026-04-23 is the day before yesterday: over, and rows added there fail it.
    expect((await runRowsOutsideWindowStep(counted, ctx)).status).toBe('rows-added');
  });

  it('compares nothing when no recovery plan of this window counted the days', async () => {
    const ctx = await database({ '2026-04-17': 100 });
    const result = await runRowsOutsideWindowStep(step('2026-04-18', '2026-04-20'), ctx);
    expect(result.status).toBe('not-compared');
    expect(result.summary).toBe(
      "raw_ebird.observations has 2026-04-17 (the day before the window) 100 rows, 2026-04-21 (the day after it) 0 rows; not compared: no recovery of this window counted them before changing anything (path A's plan does, before its reload)",
    );
  });

  it('is refused at load when countedBefore names no preview of a recovery path', () => {
    const backfill = fs.readFileSync(path.join(bundledRunbooksDir, 'backfill.yml'), 'utf8');
    const named = 'countedBefore: { dayBefore: raw_day_before, dayAfter: raw_day_after }';
    expect(backfill).toContain(named);
    expect(() => parseRunbook(backfill.replace(named, 'countedBefore: { dayBefore: raw_day_befor, dayAfter: raw_day_after }'), 'runbooks/backfill.yml')).toThrow(
      /countedBefore\.dayBefore: no recovery path has a preview "raw_day_befor" \(did you mean "raw_day_before"\?\)/,
    );
  });
});
