// Changing steps that failed part-way, on real DuckDB files and the MotherDuck stand-in: said to have changed something (what the run changed, the rollback's onlyIfRan parts), and undone by that rollback.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import type { DatabaseTargets } from '../../src/database/targets.js';
import { mayHaveChanged } from '../../src/engine/may-have-changed.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { changedBeforeStopping } from '../../src/engine/step-passed.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { stepKind } from '../../src/engine/steps/index.js';
import type { ResolvedStep, StepResult } from '../../src/engine/types.js';
import { partsUndoing } from '../../src/incidents/rollback-parts.js';
import { changedSomething, type Run } from '../../src/incidents/state.js';
import { runCommand } from '../../src/process/run-command.js';
import { recoveryPath, step as stepSchema } from '../../src/runbook/schema.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('failed-part-way-');
const now = new Date('2026-04-21T09:00:00Z');

/** A DuckDB file with one table, and the MotherDuck stand-in with a database "databox" holding the same. */
async function targets(): Promise<{ ctx: StepRunContext; file: string; md: MotherDuckStandIn }> {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run('CREATE TABLE events AS SELECT range AS id FROM range(10)');
  connection.closeSync();
  instance.closeSync();
  const md = new MotherDuckStandIn(dir, { clock: () => now });
  await md.createDatabase('databox', 'CREATE TABLE events AS SELECT range AS id FROM range(10)', new Date('2026-04-20T08:00:00Z'));
  const all: DatabaseTargets = { local: localTarget(file), motherduck: md, backend: localTarget(file) };
  const ctx: StepRunContext = {
    root: dir, databasePath: file, stateDir: path.join(dir, 'var'), incidentId: 'dbx-20260421-0001', runId: 'dbx-20260421-0001/2', diskFullPercent: 95,
    runCommand, redact: (t) => t, clock: () => now, progress: () => {}, targets: all,
  };
  return { ctx, file, md };
}

/** The tables of the local file, read apart from any step. */
async function localTables(file: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY table_name')).getRowsJson() as string[][];
  connection.closeSync();
  instance.closeSync();
  return rows.map((r) => r[0] as string);
}

function resolve(raw: Record<string, unknown>): ResolvedStep {
  return resolveSteps([stepSchema.parse(raw)], { root: '/srv', values: { incident_id: 'dbx-20260421-0001', now: '20260421T090000Z' }, now })[0] as ResolvedStep;
}

/** A recovery path of one step, whose rollback's one step (bound to it: onlyIfRan) undoes it. */
function pathOf(recovery: Record<string, unknown>, undo: Record<string, unknown>) {
  return recoveryPath.parse({ id: 'a', title: 'Recover', description: 'Recovers', steps: [recovery], rollback: { title: 'Undo', steps: [{ ...undo, onlyIfRan: recovery.id }] } });
}

/** The recovery run that stopped at that one step, as the journal keeps it. */
function failedRun(step: ResolvedStep, result: StepResult): Run {
  return { id: 'dbx-20260421-0001/2', kind: 'recovery', status: 'failed', startedAt: now.toISOString(), steps: [step], results: [{ stepId: step.id, ...result }] } as unknown as Run;
}

const runStep = (step: ResolvedStep, ctx: StepRunContext) => stepKind(step.kind).run(step, ctx);

describe('a sql step of several statements that failed after the first', () => {
  const recovery = { id: 'fix', kind: 'sql', title: 'Make the fixed table and fill it', sql: 'CREATE TABLE fixed AS SELECT * FROM events; INSERT INTO no_such_table SELECT * FROM events', mutates: true };
  const undo = { id: 'drop_fixed', kind: 'sql', title: 'Drop the fixed table', sql: 'DROP TABLE IF EXISTS fixed', mutates: true, destructive: true };

  it('on DuckDB says the statements before it were applied, counts as changed, and its rollback drops what they made', async () => {
    const { ctx, file } = await targets();
    const step = resolve(recovery);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { statementsDone: 1, statements: 2 } });
    expect(result.summary).toMatch(/^statement 2 of 2 failed, the one before it was applied: Catalog Error: Table with name no_such_table does not exist/);
    // DuckDB committed the first on its own: the table is there.
    expect(await localTables(file)).toEqual(['events', 'fixed']);
    expect(mayHaveChanged('sql', result)).toBe(true);
    const run = failedRun(step, result);
    expect(changedSomething(run)).toBe(true);
    expect(changedBeforeStopping(run.steps, run.results)).toEqual([
      {
        title: recovery.title,
        summary: `${result.summary}; 1 of its 2 statements was applied and committed, and nothing rolled it back; look at the database before acting on it or running the step again`,
        partly: true,
      },
    ]);
    const parts = partsUndoing(pathOf(recovery, undo), run);
    expect(parts.map((p) => p.part.id)).toEqual(['drop_fixed']);
    expect((await runStep(resolve(parts[0]!.part as unknown as Record<string, unknown>), ctx)).status).toBe('ok');
    expect(await localTables(file)).toEqual(['events']);
  });

  it('on MotherDuck, whose CREATE DATABASE is in no transaction, counts the clone made before the failure as changed, and its rollback drops it', async () => {
    const { ctx, md } = await targets();
    const clone = { id: 'clone', kind: 'sql', target: 'motherduck', title: 'Clone, then keep it longer', sql: 'CREATE DATABASE databox_fix FROM databox; ALTER DATABASE databox_fixed SET SNAPSHOT_RETENTION_DAYS = 30', mutates: true, destructive: true };
    const step = resolve(clone);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { statementsDone: 1, statements: 2 } });
    expect(md.liveDatabases()).toEqual(['databox', 'databox_fix']);
    expect(mayHaveChanged('sql', result)).toBe(true);
    const run = failedRun(step, result);
    expect(changedSomething(run)).toBe(true);
    const parts = partsUndoing(pathOf(clone, { id: 'drop_clone', kind: 'sql', target: 'motherduck', title: 'Drop the clone', sql: 'DROP DATABASE IF EXISTS databox_fix', mutates: true, destructive: true }), run);
    expect(parts.map((p) => p.part.id)).toEqual(['drop_clone']);
    expect((await runStep(resolve(parts[0]!.part as unknown as Record<string, unknown>), ctx)).status).toBe('ok');
    expect(md.liveDatabases()).toEqual(['databox']);
  });
});

describe('a sql step in its own transaction', () => {
  const recovery = { id: 'trim', kind: 'sql', title: 'Delete the bad rows', sql: 'DELETE FROM events WHERE id >= 5', expectRows: '5', mutates: true, destructive: true };

  it('whose COMMIT failed may have been applied: counted as changed, its rollback offered', async () => {
    const { ctx, md } = await targets();
    md.failAfter(/^COMMIT$/, 'IO Error: could not write the commit');
    const step = resolve({ ...recovery, target: 'motherduck' });
    const result = await runStep(step, ctx);
    expect(result.status).toBe('failed');
    expect(result.untouched).toBeUndefined();
    expect(mayHaveChanged('sql', result)).toBe(true);
    expect(changedSomething(failedRun(step, result))).toBe(true);
  });

  it('whose count differed was rolled back: changed nothing, no rollback', async () => {
    const { ctx, file } = await targets();
    const step = resolve({ ...recovery, expectRows: '3' });
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', untouched: true });
    expect(mayHaveChanged('sql', result)).toBe(false);
    expect(partsUndoing(pathOf(recovery, { id: 'put_back', kind: 'command', title: 'Put back', argv: ['true'], mutates: true }), failedRun(step, result))).toEqual([]);
    expect(await localTables(file)).toEqual(['events']);
  });
});

describe('a restore-rows step', () => {
  it('whose COMMIT was not answered may have put the rows back: counted as changed, said so, and its rollback takes them out again', async () => {
    const { ctx, md } = await targets();
    const kept = path.join(ctx.root, 'kept.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT range + 10 AS id FROM range(5)) TO '${kept}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    const recovery = { id: 'put_back', kind: 'restore-rows', target: 'motherduck', title: 'Put the kept rows back', table: 'events', from: kept, key: 'id', mutates: true };
    md.failAfter(/^COMMIT$/, 'IO Error: could not write the commit');
    const step = resolve(recovery);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { transactionOutcome: 'unknown' } });
    // MotherDuck applied it, though the bot was not told.
    expect(await md.value('databox', 'SELECT count(*) FROM events')).toBe('15');
    expect(mayHaveChanged('restore-rows', result)).toBe(true);
    const run = failedRun(step, result);
    expect(changedSomething(run)).toBe(true);
    expect(changedBeforeStopping(run.steps, run.results)).toEqual([
      {
        title: recovery.title,
        summary: `${result.summary}; its transaction's end was not answered, so the kept rows may or may not have been put back into events: count its rows in the window (and look for those kept in ${kept}) before acting on it or putting them back again`,
        partly: true,
      },
    ]);
    const undo = { id: 'take_out', kind: 'sql', target: 'motherduck', title: 'Take the rows put back out again', sql: 'DELETE FROM events WHERE id >= 10', mutates: true, destructive: true };
    const parts = partsUndoing(pathOf(recovery, undo), run);
    expect(parts.map((p) => p.part.id)).toEqual(['take_out']);
    expect((await runStep(resolve(parts[0]!.part as unknown as Record<string, unknown>), ctx)).status).toBe('ok');
    expect(await md.value('databox', 'SELECT count(*) FROM events')).toBe('10');
  });

  it('whose kept file does not read changed nothing: its transaction never began', async () => {
    const { ctx } = await targets();
    const step = resolve({ id: 'put_back', kind: 'restore-rows', target: 'local', title: 'Put the kept rows back', table: 'events', from: path.join(ctx.root, 'databox.duckdb'), key: 'id', mutates: true });
    const result = await runStep(step, ctx);
    expect(result.status).toBe('failed');
    expect(mayHaveChanged('restore-rows', result)).toBe(false);
    expect(changedBeforeStopping([step], [{ stepId: step.id, ...result }])).toEqual([]);
  });
});

/** Runs SQL on the local file apart from any step (a table there before the plan ran). */
async function onLocalFile(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

/** The count of rows in events in the local file, read apart from any step. */
async function localEvents(file: string): Promise<number> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll('SELECT count(*) FROM events')).getRowsJson() as string[][];
  connection.closeSync();
  instance.closeSync();
  return Number(rows[0]?.[0]);
}

describe('a sql step whose first statement DuckDB refused on a local file', () => {
  const undo = { id: 'drop_fixed', kind: 'sql', title: 'Drop the fixed table', sql: 'DROP TABLE IF EXISTS fixed', mutates: true, destructive: true };

  it('changed nothing, alone: no rollback is offered, so the table that was there stays', async () => {
    const { ctx, file } = await targets();
    await onLocalFile(file, 'CREATE TABLE fixed AS SELECT 42 AS answer');
    const recovery = { id: 'fix', kind: 'sql', title: 'Make the fixed table', sql: 'CREATE TABLE fixed AS SELECT * FROM events', mutates: true };
    const step = resolve(recovery);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', untouched: true });
    expect(result.summary).toMatch(/already exists/);
    expect(mayHaveChanged('sql', result)).toBe(false);
    const run = failedRun(step, result);
    expect(changedSomething(run)).toBe(false);
    expect(changedBeforeStopping(run.steps, run.results)).toEqual([]);
    expect(partsUndoing(pathOf(recovery, undo), run)).toEqual([]);
    expect(await localTables(file)).toEqual(['events', 'fixed']);
  });

  it('changed nothing, the first of several: the statements after it never ran', async () => {
    const { ctx, file } = await targets();
    await onLocalFile(file, 'CREATE TABLE fixed AS SELECT 42 AS answer');
    const recovery = { id: 'fix', kind: 'sql', title: 'Make the fixed table and trim events', sql: 'CREATE TABLE fixed AS SELECT * FROM events; DELETE FROM events WHERE id < 3', mutates: true, destructive: true };
    const step = resolve(recovery);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', untouched: true });
    expect(mayHaveChanged('sql', result)).toBe(false);
    expect(partsUndoing(pathOf(recovery, undo), failedRun(step, result))).toEqual([]);
    expect(await localEvents(file)).toBe(10);
  });

  it('on MotherDuck may still have changed something: its CREATE or ALTER DATABASE runs in no transaction', async () => {
    const { ctx } = await targets();
    const step = resolve({ id: 'clone', kind: 'sql', target: 'motherduck', title: 'Clone', sql: 'CREATE DATABASE databox FROM databox', mutates: true, destructive: true });
    const result = await runStep(step, ctx);
    expect(result.status).toBe('failed');
    expect(result.untouched).toBeUndefined();
    expect(mayHaveChanged('sql', result)).toBe(true);
  });
});

describe('a sql step whose SQL begins its own transaction', () => {
  it('that failed inside it, before any COMMIT, rolled back and changed nothing', async () => {
    const { ctx, file } = await targets();
    const recovery = { id: 'trim', kind: 'sql', title: 'Trim and fill', sql: 'BEGIN TRANSACTION; DELETE FROM events WHERE id < 3; INSERT INTO nope VALUES (1); COMMIT', mutates: true, destructive: true };
    const step = resolve(recovery);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', untouched: true });
    expect(result.summary).toMatch(/^statement 3 of 4 failed inside the transaction the SQL began, rolled back, so nothing was changed: Catalog Error: Table with name nope does not exist/);
    expect(result.outputs.statementsDone).toBeUndefined();
    expect(mayHaveChanged('sql', result)).toBe(false);
    expect(await localEvents(file)).toBe(10);
  });

  it('that failed after its COMMIT answered counts only what that COMMIT covered as applied', async () => {
    const { ctx, file } = await targets();
    const recovery = { id: 'trim', kind: 'sql', title: 'Trim, then fill', sql: 'BEGIN TRANSACTION; DELETE FROM events WHERE id < 3; COMMIT; INSERT INTO nope VALUES (1)', mutates: true, destructive: true };
    const step = resolve(recovery);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { statementsDone: 1, statements: 4 } });
    expect(result.summary).toMatch(/^statement 4 of 4 failed, 1 of the 3 before it was applied: Catalog Error/);
    expect(mayHaveChanged('sql', result)).toBe(true);
    const run = failedRun(step, result);
    expect(changedBeforeStopping(run.steps, run.results)[0]?.summary).toBe(
      `${result.summary}; 1 of its 4 statements was applied and committed, and nothing rolled it back; look at the database before acting on it or running the step again`,
    );
    expect(await localEvents(file)).toBe(7);
  });

  it('whose COMMIT was not answered may have applied it', async () => {
    const { ctx, md } = await targets();
    md.failAfter(/^COMMIT$/, 'IO Error: could not write the commit');
    const step = resolve({ id: 'trim', kind: 'sql', target: 'motherduck', title: 'Trim', sql: 'BEGIN TRANSACTION; DELETE FROM events WHERE id < 3; COMMIT', mutates: true, destructive: true });
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { statementsDone: 0, statements: 3, transactionOutcome: 'unknown' } });
    expect(result.summary).toMatch(/^statement 3 of 3 \(its COMMIT\) failed, so whether the one statement of its transaction was applied is not known: IO Error/);
    expect(result.untouched).toBeUndefined();
    expect(mayHaveChanged('sql', result)).toBe(true);
  });
});

describe('a fault in the bot or its driver', () => {
  it('at a restore-rows COMMIT is said as the bot\'s, not as the database\'s answer', async () => {
    const { ctx, md } = await targets();
    const kept = path.join(ctx.root, 'kept.parquet');
    await onLocalFile(path.join(ctx.root, 'scratch.duckdb'), `COPY (SELECT range + 10 AS id FROM range(5)) TO '${kept}' (FORMAT parquet)`);
    md.faultAfter(/^COMMIT$/, "Cannot read properties of undefined (reading 'rows')");
    const step = resolve({ id: 'put_back', kind: 'restore-rows', target: 'motherduck', title: 'Put the kept rows back', table: 'events', from: kept, key: 'id', mutates: true });
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { transactionOutcome: 'unknown' } });
    expect(result.summary).toMatch(/^the bot failed inside \(TypeError: Cannot read properties of undefined \(reading 'rows'\)\), a fault in the bot or its database driver to report/);
    expect(mayHaveChanged('restore-rows', result)).toBe(true);
  });

  it('after the first of several statements ends the step unknown, saying the statements before it were applied', async () => {
    const { ctx, md } = await targets();
    md.faultAfter(/^INSERT INTO fixed/, "Cannot read properties of undefined (reading 'rows')");
    const step = resolve({ id: 'fix', kind: 'sql', target: 'motherduck', title: 'Make the fixed table and fill it', sql: 'CREATE TABLE fixed (id BIGINT); INSERT INTO fixed SELECT * FROM events', mutates: true });
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'unknown', outputs: { statementsDone: 1, statements: 2 } });
    expect(result.summary).toMatch(/^statement 2 of 2 failed, the one before it was applied: the bot failed inside \(TypeError/);
    const run = failedRun(step, result);
    expect(changedBeforeStopping(run.steps, run.results)[0]?.summary).toMatch(/; 1 of its 2 statements was applied and committed, and nothing rolled it back; look at the database/);
  });
});

describe('a failed restore-rows journaled by an earlier build', () => {
  it('without transactionOutcome nor untouched is read as it was then: it may have put rows back', async () => {
    const step = resolve({ id: 'put_back', kind: 'restore-rows', target: 'local', title: 'Put the kept rows back', table: 'events', from: '/srv/kept.parquet', key: 'id', mutates: true });
    const result: StepResult = { status: 'failed', summary: 'IO Error: could not write the commit', durationMs: 5, outputs: {} };
    expect(mayHaveChanged('restore-rows', result)).toBe(true);
    expect(changedBeforeStopping([step], [{ stepId: step.id, ...result }])).toEqual([
      { title: 'Put the kept rows back', summary: 'IO Error: could not write the commit; it stopped part-way, and may have changed part of what it changes: look at the data before acting on it', partly: true },
    ]);
  });
});

describe('a sql step whose SQL begins a transaction and never ends it', () => {
  it('fails saying it was rolled back and nothing was changed, not "done"', async () => {
    const { ctx, file } = await targets();
    const step = resolve({ id: 'trim', kind: 'sql', title: 'Trim', sql: 'BEGIN TRANSACTION; DELETE FROM events WHERE id < 3', mutates: true, destructive: true });
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', untouched: true, summary: 'the SQL began a transaction and did not end it (no COMMIT after its last statement), so it was rolled back: nothing was changed' });
    expect(await localEvents(file)).toBe(10);
  });
});

/** Names in `dir` can be added but not removed (an unlink there fails, as on a folder whose mode or attributes changed): chattr +a as root, whom a mode does not stop. */
function namesKeptIn(dir: string): () => void {
  if (process.getuid?.() !== 0) {
    fs.chmodSync(dir, 0o555);
    return () => fs.chmodSync(dir, 0o755);
  }
  execFileSync('chattr', ['+a', dir]);
  return () => execFileSync('chattr', ['-a', dir]);
}

describe('a move whose old name could not be removed after the file was linked at its new one', () => {
  it('records where it is, counts as changed, and its rollback puts it back by removing the new name', async () => {
    const root = tempDir();
    const [live, aside] = [path.join(root, 'data'), path.join(root, 'aside')];
    fs.mkdirSync(live);
    fs.mkdirSync(aside);
    const [from, to] = [path.join(live, 'databox.duckdb'), path.join(aside, 'databox.duckdb.broken')];
    fs.writeFileSync(from, 'the broken database');
    const recovery = { id: 'move_db', kind: 'move', title: 'Back up the broken file', from, to, ifMissing: 'skip', mutates: true, destructive: true };
    const undo = { id: 'restore_db', kind: 'move', title: 'Put the original file back', from: '{{recovery.move_db.to}}', movedAs: '{{recovery.move_db.moved?}}', to: from, ifTaken: 'fail', mutates: true, destructive: true };
    const step = resolve(recovery);
    const release = namesKeptIn(live);
    let result: StepResult;
    try {
      result = await runStep(step, { ...(await targets()).ctx, root });
    } finally {
      release();
    }
    expect(result).toMatchObject({ status: 'failed', outputs: { from, to } });
    expect(result.untouched).toBeUndefined();
    expect(result.summary).toMatch(new RegExp(`^could not move ${from}: it is now at ${to} too \\(`));
    expect([fs.statSync(from).ino, fs.readFileSync(to, 'utf8')]).toEqual([fs.statSync(to).ino, 'the broken database']);
    expect(mayHaveChanged('move', result)).toBe(true);
    const run = failedRun(step, result);
    expect(changedSomething(run)).toBe(true);
    expect(changedBeforeStopping(run.steps, run.results)).toEqual([
      {
        title: recovery.title,
        summary: `${result.summary}; it stopped half-way: the file is whole under both names, ${from} and ${to} (one file, linked: removing either name loses nothing); putting it back removes ${to}, finishing the move removes ${from}`,
        partly: true,
      },
    ]);
    const parts = partsUndoing(pathOf(recovery, undo), run);
    expect(parts.map((p) => p.part.id)).toEqual(['restore_db']);
    // The rollback's put-back, filled in from what the move recorded: the file is at its old name already, so its new one goes.
    const putBack = resolve({ ...undo, from: result.outputs.to, movedAs: result.outputs.moved });
    expect(stepKind('move').refusal?.(putBack)).toBeUndefined();
    expect(await runStep(putBack, { ...(await targets()).ctx, root })).toMatchObject({ status: 'ok', outputs: { from: to, to: from } });
    expect([fs.readdirSync(live), fs.readdirSync(aside), fs.readFileSync(from, 'utf8')]).toEqual([['databox.duckdb'], [], 'the broken database']);
  });
});
