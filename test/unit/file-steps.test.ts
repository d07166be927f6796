// Tests the built-in move and copy-file steps (src/engine/steps/move-step.ts, copy-file-step.ts) on real files: never overwriting, bytes copied exactly;
// and disk-usage's room for a copy (disk-usage-step.ts).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../../src/engine/types.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { copyFileStepKind, runCopyFileStep } from '../../src/engine/steps/copy-file-step.js';
import type { ResolveTools } from '../../src/engine/steps/define-step-kind.js';
import { diskUsageStepKind, runDiskUsageStep } from '../../src/engine/steps/disk-usage-step.js';
import { moveStepKind, runMoveStep } from '../../src/engine/steps/move-step.js';
import { freeName } from '../../src/engine/steps/move-without-overwriting.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';

const moveStep = moveStepKind.schema;
const copyFileStep = copyFileStepKind.schema;
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-files-');
const now = new Date('2026-04-20T10:15:30.123Z');
const stamp = '20260420T101530Z';

type MoveStep = Extract<ResolvedStep, { kind: 'move' }>;
type CopyStep = Extract<ResolvedStep, { kind: 'copy-file' }>;

function move(from: string, to: string, options: { ifMissing?: 'fail' | 'skip'; ifTaken?: 'suffix' | 'fail'; follows?: string; id?: string } = {}): MoveStep {
  const step = moveStep.parse({ id: 'move_db', kind: 'move', title: 'Move aside', from, to, mutates: true, destructive: true, ...options });
  return { ...step, timeoutMs: 10_000, guard: false };
}

function copy(from: string, to: string): CopyStep {
  const step = copyFileStep.parse({ id: 'copy_backup', kind: 'copy-file', title: 'Copy into place', from, to, mutates: true });
  return { ...step, timeoutMs: 10_000, guard: false };
}

function context(root: string): StepRunContext {
  return {
    root,
    databasePath: path.join(root, 'databox.duckdb'),
    stateDir: path.join(root, 'var'),
    incidentId: 'dbx-20260420-3fa2',
    runId: 'run-1',
    diskFullPercent: 95,
    runCommand,
    redact: createRedactor([]),
    clock: () => now,
    progress: () => undefined,
  };
}

const read = (file: string) => fs.readFileSync(file, 'utf8');

describe('runMoveStep', () => {
  it('moves a file to a free name', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb');
    const to = `${from}.broken`;
    fs.writeFileSync(from, 'broken database');
    const result = await runMoveStep(move(from, to), context(root));
    expect(result.status).toBe('ok');
    // What it moved is recorded, so a rollback can tell it from another file put under that name since.
    const moved = fs.statSync(to);
    expect(result.outputs).toEqual({ from, to, moved: `inode ${moved.ino}, ${moved.size} bytes, last written ${moved.mtime.toISOString()}` });
    expect(result.summary).toBe(`moved ${from} → ${to}`);
    expect(fs.existsSync(from)).toBe(false);
    expect(read(to)).toBe('broken database');
  });

  it('never overwrites: a taken destination gets a timestamp suffix, then a counter', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb');
    const to = `${from}.broken`;
    fs.writeFileSync(to, 'the broken file from last time');

    fs.writeFileSync(from, 'second');
    const second = await runMoveStep(move(from, to), context(root));
    expect(second.status).toBe('ok');
    expect(second.outputs.to).toBe(`${to}.${stamp}`);
    expect(second.summary).toContain(`(${to} was taken)`);

    fs.writeFileSync(from, 'third');
    const third = await runMoveStep(move(from, to), context(root));
    expect(third.outputs.to).toBe(`${to}.${stamp}-1`);

    expect(read(to)).toBe('the broken file from last time');
    expect(read(`${to}.${stamp}`)).toBe('second');
    expect(read(`${to}.${stamp}-1`)).toBe('third');
    expect(fs.readdirSync(root).sort()).toEqual(['databox.duckdb.broken', `databox.duckdb.broken.${stamp}`, `databox.duckdb.broken.${stamp}-1`]);
  });

  it('with ifTaken fail, refuses a taken destination and touches neither file', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb.broken');
    const to = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, 'original');
    fs.writeFileSync(to, 'rebuilt');
    const result = await runMoveStep(move(from, to, { ifTaken: 'fail' }), context(root));
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(`refusing to move ${from} onto ${to}: that name is taken`);
    expect(result.outputs).toEqual({});
    expect(read(from)).toBe('original');
    expect(read(to)).toBe('rebuilt');
  });

  it('with ifTaken fail, moves when the destination is free', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb.broken');
    const to = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, 'original');
    const result = await runMoveStep(move(from, to, { ifTaken: 'fail' }), context(root));
    expect(result.status).toBe('ok');
    expect(read(to)).toBe('original');
  });

  it('with ifMissing skip, skips a missing source and creates nothing', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb.wal');
    const result = await runMoveStep(move(from, `${from}.broken`, { ifMissing: 'skip' }), context(root));
    expect(result.status).toBe('skipped');
    expect(result.summary).toBe(`${from} does not exist: nothing to move`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('with ifMissing fail (the default), fails on a missing source', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb');
    const result = await runMoveStep(move(from, `${from}.broken`), context(root));
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(`${from} does not exist`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('moves a directory (such as .sqlmesh) with its contents', async () => {
    const root = tempDir();
    const from = path.join(root, '.sqlmesh');
    fs.mkdirSync(path.join(from, 'cache'), { recursive: true });
    fs.writeFileSync(path.join(from, 'cache', 'state'), 'state');
    const to = path.join(root, `.sqlmesh.aside-${stamp}`);
    const result = await runMoveStep(move(from, to), context(root));
    expect(result.status).toBe('ok');
    expect(read(path.join(to, 'cache', 'state'))).toBe('state');
    expect(fs.existsSync(from)).toBe(false);
  });

  it('fails cleanly when the destination directory does not exist', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, 'x');
    const result = await runMoveStep(move(from, path.join(root, 'no', 'such', 'dir', 'x')), context(root));
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(`could not move ${from}: the folder ${path.join(root, 'no', 'such', 'dir')} does not exist (nothing moved)`);
    // Nothing moved: the run's end does not call it a step that may have changed part of what it changes.
    expect(result.untouched).toBe(true);
    expect(read(from)).toBe('x');
  });
});

describe('a move onto its own name', () => {
  it('is refused when the runbook loads if its from and to are written the same', () => {
    const parsed = moveStep.parse({ id: 'restore_db', kind: 'move', title: 'Put it back', from: '{{database_path}}', to: '{{database_path}}', mutates: true, destructive: true });
    expect(moveStepKind.rules?.(parsed)).toContainEqual({ at: ['to'], message: expect.stringMatching(/^to is the same as from: the move would go nowhere/) });
  });

  it('is refused when the plan is made if two different templates name one file, before anyone approves it', () => {
    const root = tempDir();
    const file = path.join(root, 'databox.duckdb');
    const values: Record<string, string> = { '{{recovery.move_db.from}}': file, '{{database_path}}': file };
    const tools = { root, inRoot: (template: string) => values[template] ?? template } as unknown as ResolveTools;
    const step = move('{{recovery.move_db.from}}', '{{database_path}}', { id: 'restore_db' });
    expect(() => moveStepKind.resolve(step, tools)).toThrow(
      `step "restore_db" would move ${file} onto its own name (from "{{recovery.move_db.from}}" and to "{{database_path}}" both come out as it): the runbook is wrong there; nothing was proposed`,
    );
  });
});

describe('a move pins what it moves as the plan found it', () => {
  const tools = (root: string) => ({ root, inRoot: (template: string) => template }) as unknown as ResolveTools;
  const planned = (root: string, step: MoveStep): MoveStep => ({ ...moveStepKind.resolve(step, tools(root)), timeoutMs: 10_000, guard: false });

  it('refuses a file replaced since the plan was made (a healthy database put in place of the broken one), before it or in it, moving nothing', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, 'garbage');
    fs.utimesSync(from, new Date('2026-04-20T09:00:00Z'), new Date('2026-04-20T09:00:00Z'));
    // Kept elsewhere, so its inode is not reused by the copies below.
    fs.linkSync(from, path.join(tempDir(), 'kept'));
    const step = planned(root, move(from, `${from}.broken`, { ifMissing: 'skip' }));
    expect(moveStepKind.refusal?.(step)).toBeUndefined();

    const healthy = path.join(root, 'healthy.duckdb');
    fs.writeFileSync(healthy, 'a healthy database');
    fs.utimesSync(healthy, new Date('2026-04-20T10:00:00Z'), new Date('2026-04-20T10:00:00Z'));
    fs.renameSync(healthy, from);
    const why = `${from} changed since the plan was made (it was 7 bytes, last written 2026-04-20 09:00:00 UTC; it is 18 bytes, last written 2026-04-20 10:00:00 UTC now): nothing was moved. Propose a plan on what is there now (for a recovery, diagnose again first: its verdict was about the file as it was)`;
    expect(moveStepKind.refusal?.(step)).toBe(why);
    expect(await runMoveStep(step, context(root))).toMatchObject({ status: 'failed', summary: why, untouched: true });
    expect(fs.readdirSync(root)).toEqual(['databox.duckdb']);

    // Put back byte for byte with its times kept (cp -p): another inode all the same.
    fs.writeFileSync(path.join(root, 'copy'), 'garbage');
    fs.utimesSync(path.join(root, 'copy'), new Date('2026-04-20T09:00:00Z'), new Date('2026-04-20T09:00:00Z'));
    fs.renameSync(path.join(root, 'copy'), from);
    expect(moveStepKind.refusal?.(step)).toMatch(/; it is another file with the same size and time \(a copy that kept its times\) now\): nothing was moved/);
  });

  it('refuses a log that appeared since the plan found none, and one gone since; absent both times, it skips as before', async () => {
    const root = tempDir();
    const wal = path.join(root, 'databox.duckdb.wal');
    const step = planned(root, move(wal, path.join(root, 'databox.duckdb.broken.wal'), { ifMissing: 'skip' }));
    expect(step.asPlanned).toEqual({ absent: true });
    expect(moveStepKind.refusal?.(step)).toBeUndefined();
    expect((await runMoveStep(step, context(root))).status).toBe('skipped');

    fs.writeFileSync(wal, 'a log a healthy database left');
    expect(moveStepKind.refusal?.(step)).toMatch(new RegExp(`^${wal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} changed since the plan was made \\(it was not there; it is 29 bytes, last written .* UTC now\\): nothing was moved\\. Propose a plan on what is there now`));
    expect(await runMoveStep(step, context(root))).toMatchObject({ status: 'failed', untouched: true });
    expect(fs.readdirSync(root)).toEqual(['databox.duckdb.wal']);

    const pinned = planned(root, move(wal, path.join(root, 'databox.duckdb.broken.wal'), { ifMissing: 'skip' }));
    fs.rmSync(wal);
    expect(moveStepKind.refusal?.(pinned)).toMatch(/; it is gone now\): nothing was moved/);
  });

  it('lets a file the stack writes meanwhile (a database that opened at diagnosis) grow, and refuses only another file in its place', async () => {
    const root = tempDir();
    const from = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, 'a database the loads write');
    fs.linkSync(from, path.join(tempDir(), 'kept'));
    const found = planned(root, move(from, `${from}.broken`));
    const step: MoveStep = { ...found, asPlanned: { ...(found.asPlanned as object), writtenMeanwhile: true } as MoveStep['asPlanned'] };
    // A load wrote it: the same file, grown, its times moved.
    fs.appendFileSync(from, ' and a day of rows more');
    fs.utimesSync(from, new Date('2026-04-21T09:00:00Z'), new Date('2026-04-21T09:00:00Z'));
    expect(moveStepKind.refusal?.(step)).toBeUndefined();
    // Another file renamed into its place: refused, saying so.
    fs.writeFileSync(path.join(root, 'other'), 'a database restored by hand');
    fs.renameSync(path.join(root, 'other'), from);
    expect(moveStepKind.refusal?.(step)).toMatch(/\(it was \d+ bytes, last written [^;]+; it is another file \(27 bytes, last written [^)]+\) put in its place now\): nothing was moved\. Propose a plan on what is there now/);
  });

  it('does not pin a directory (.sqlmesh): what is in it may change, and it is moved as it is', async () => {
    const root = tempDir();
    const from = path.join(root, '.sqlmesh');
    fs.mkdirSync(from);
    const step = planned(root, move(from, `${from}.aside`));
    expect(step.asPlanned).toBeUndefined();
    fs.writeFileSync(path.join(from, 'cache'), 'more');
    expect(moveStepKind.refusal?.(step)).toBeUndefined();
    expect((await runMoveStep(step, context(root))).status).toBe('ok');
  });
});

describe('a write-ahead log lands beside the file it belongs to', () => {
  /** move_db then move_wal, as path A runs them: the log follows wherever the file went. */
  async function moveBoth(root: string) {
    const db = path.join(root, 'databox.duckdb');
    const first = await runMoveStep(move(db, `${db}.broken`, { ifMissing: 'skip' }), context(root));
    const earlier = new Map([['move_db', first]]);
    const second = await runMoveStep(move(`${db}.wal`, `${db}.broken.wal`, { ifMissing: 'skip', follows: 'move_db', id: 'move_wal' }), { ...context(root), earlier });
    return [first.outputs.to, second.outputs.to];
  }

  /** A database of `rows` rows; with `inLog`, they are only in its write-ahead log (a bot killed before a checkpoint). */
  async function database(file: string, rows: number, inLog: boolean): Promise<void> {
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    if (inLog) {
      await connection.run('PRAGMA disable_checkpoint_on_shutdown');
      await connection.run('SET wal_autocheckpoint = \'1GB\'');
    }
    await connection.run(`CREATE TABLE t AS SELECT range AS n FROM range(${rows})`);
    connection.closeSync();
    instance.closeSync();
  }

  async function rowsIn(file: string): Promise<number> {
    const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll('SELECT count(*) FROM t')).getRows();
    connection.closeSync();
    instance.closeSync();
    return Number(rows[0]![0]);
  }

  it('an earlier .broken without a log: the database and its log both go to the timestamped name, and the older file still opens', async () => {
    const root = tempDir();
    const db = path.join(root, 'databox.duckdb');
    await database(`${db}.broken`, 10, false);
    expect(fs.existsSync(`${db}.broken.wal`)).toBe(false);
    await database(db, 20, true);
    expect(fs.existsSync(`${db}.wal`), 'the new database has its rows in its log').toBe(true);

    expect(await moveBoth(root)).toEqual([`${db}.broken.${stamp}`, `${db}.broken.${stamp}.wal`]);
    expect(fs.readdirSync(root).sort()).toEqual(['databox.duckdb.broken', `databox.duckdb.broken.${stamp}`, `databox.duckdb.broken.${stamp}.wal`]);
    expect(await rowsIn(`${db}.broken`)).toBe(10);
    expect(await rowsIn(`${db}.broken.${stamp}`)).toBe(20);
  });

  it('an earlier .broken with its log: both are left as they are, and the new pair goes beside them', async () => {
    const root = tempDir();
    const db = path.join(root, 'databox.duckdb');
    fs.writeFileSync(`${db}.broken`, 'the broken file from last time');
    fs.writeFileSync(`${db}.broken.wal`, 'its log');
    fs.writeFileSync(db, 'this time');
    fs.writeFileSync(`${db}.wal`, 'its log this time');
    expect(await moveBoth(root)).toEqual([`${db}.broken.${stamp}`, `${db}.broken.${stamp}.wal`]);
    expect(read(`${db}.broken.wal`)).toBe('its log');
    expect(read(`${db}.broken.${stamp}.wal`)).toBe('its log this time');
  });

  it('a log taken with no .broken beside it: the database is not put beside a log that is not its own', async () => {
    const root = tempDir();
    const db = path.join(root, 'databox.duckdb');
    fs.writeFileSync(`${db}.broken.wal`, 'a stray log');
    fs.writeFileSync(db, 'this time');
    expect(await moveBoth(root)).toEqual([`${db}.broken.${stamp}`, undefined]);
    expect(read(`${db}.broken.wal`)).toBe('a stray log');
    // Why it went to the timestamped name, said as it was: the log beside the planned name, not the name itself.
    fs.writeFileSync(db, 'once more');
    const again = await runMoveStep(move(db, `${db}.broken`, { ifMissing: 'skip' }), context(root));
    expect(again.summary).toContain(`(${db}.broken.wal was there, a log DuckDB would replay into a file put beside it)`);
  });

  it('an earlier .broken.wal.checkpoint alone: the database goes to the timestamped name, and its checkpoint log beside it', async () => {
    const root = tempDir();
    const db = path.join(root, 'databox.duckdb');
    fs.writeFileSync(`${db}.broken.wal.checkpoint`, 'a checkpoint log from last time');
    fs.writeFileSync(db, 'this time');
    fs.writeFileSync(`${db}.wal.checkpoint`, 'its checkpoint log this time');
    const first = await runMoveStep(move(db, `${db}.broken`, { ifMissing: 'skip' }), context(root));
    const earlier = new Map([['move_db', first]]);
    const second = await runMoveStep(move(`${db}.wal.checkpoint`, `${db}.broken.wal.checkpoint`, { ifMissing: 'skip', follows: 'move_db', id: 'move_checkpoint_wal' }), { ...context(root), earlier });
    expect([first.outputs.to, second.outputs.to]).toEqual([`${db}.broken.${stamp}`, `${db}.broken.${stamp}.wal.checkpoint`]);
    expect(first.summary).toContain(`(${db}.broken.wal.checkpoint was there, a checkpoint's log, which DuckDB would replay or delete beside a file put there)`);
    expect(read(`${db}.broken.wal.checkpoint`)).toBe('a checkpoint log from last time');
  });

  it('a log whose database was missing (move_db skipped) goes where neither its name nor its database name is taken', async () => {
    const root = tempDir();
    const db = path.join(root, 'databox.duckdb');
    fs.writeFileSync(`${db}.broken`, 'the broken file from last time');
    fs.writeFileSync(`${db}.wal`, 'a log alone');
    expect(await moveBoth(root)).toEqual([undefined, `${db}.broken.${stamp}.wal`]);
  });
});

describe('freeName', () => {
  it('returns the name itself when free', () => {
    const root = tempDir();
    expect(freeName(path.join(root, 'x'), now)).toBe(path.join(root, 'x'));
  });

  it('treats a name whose .wal is taken as taken, and the name of a log whose database name is taken', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'x.wal'), 'log');
    expect(freeName(path.join(root, 'x'), now)).toBe(path.join(root, `x.${stamp}`));
    fs.writeFileSync(path.join(root, 'y'), 'database');
    expect(freeName(path.join(root, 'y.wal'), now)).toBe(path.join(root, `y.${stamp}.wal`));
  });

  it('treats a name whose .wal.checkpoint is taken as taken, and a checkpoint log\'s name whose database or .wal is taken', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'x.wal.checkpoint'), 'a checkpoint log from last time');
    expect(freeName(path.join(root, 'x'), now)).toBe(path.join(root, `x.${stamp}`));
    fs.writeFileSync(path.join(root, 'y.wal'), 'log');
    expect(freeName(path.join(root, 'y.wal.checkpoint'), now)).toBe(path.join(root, `y.${stamp}.wal.checkpoint`));
  });

  it('treats a directory of that name as taken', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'x'));
    expect(freeName(path.join(root, 'x'), now)).toBe(path.join(root, `x.${stamp}`));
  });
});

describe('runCopyFileStep', () => {
  it('copies the bytes exactly, leaving the source and no partial file', async () => {
    const root = tempDir();
    const from = path.join(root, 'backup.duckdb');
    const to = path.join(root, 'databox.duckdb');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(from, bytes);
    const result = await runCopyFileStep(copy(from, to));
    expect(result.status).toBe('ok');
    expect(result.outputs).toEqual({ from, to });
    expect(result.summary).toBe(`copied ${from} → ${to} (${bytes.length} bytes)`);
    expect(fs.readFileSync(to).equals(bytes)).toBe(true);
    expect(fs.readFileSync(from).equals(bytes)).toBe(true);
    expect(fs.readdirSync(root).sort()).toEqual(['backup.duckdb', 'databox.duckdb']);
  });

  it('refuses to overwrite an existing destination', async () => {
    const root = tempDir();
    const from = path.join(root, 'backup.duckdb');
    const to = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, 'backup');
    fs.writeFileSync(to, 'do not touch');
    const result = await runCopyFileStep(copy(from, to));
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(`refusing to overwrite ${to}: it already exists`);
    expect(read(to)).toBe('do not touch');
    expect(fs.readdirSync(root).sort()).toEqual(['backup.duckdb', 'databox.duckdb']);
  });

  it('refuses a source with a write-ahead log beside it (a copy of the file alone would lose it), copying nothing; an empty log is no reason', async () => {
    const root = tempDir();
    const from = path.join(root, 'nightly.duckdb');
    const to = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, randomBytes(4096));
    fs.writeFileSync(`${from}.wal`, randomBytes(100));
    const result = await runCopyFileStep(copy(from, to));
    expect(result).toMatchObject({ status: 'failed', summary: `${from} has a write-ahead log beside it now (${from}.wal, 100 bytes): a copy of the file alone would lose what is only in the log. Checkpoint it first (open it read-write with DuckDB and run CHECKPOINT), then propose the plan again` });
    expect(fs.existsSync(to)).toBe(false);
    fs.writeFileSync(`${from}.wal`, '');
    expect((await runCopyFileStep(copy(from, to))).status).toBe('ok');
  });

  it('shows the size and time of the file as the plan found it, and refuses a file changed since (before the run and in it), copying nothing', async () => {
    const root = tempDir();
    const from = path.join(root, 'backup.duckdb');
    const to = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, randomBytes(3 * 1024 * 1024));
    fs.utimesSync(from, new Date('2026-11-30T02:00:41Z'), new Date('2026-11-30T02:00:41Z'));
    const tools = { root, inRoot: (template: string) => template } as unknown as ResolveTools;
    const planned = { ...copyFileStepKind.resolve(copy(from, to), tools), timeoutMs: 10_000, guard: false };
    const describeTools = { root, rel: (target: string) => path.relative(root, target), showArg: (arg: string) => arg, bound: () => '' };
    expect(copyFileStepKind.describe(planned, describeTools)).toBe('cp backup.duckdb databox.duckdb  (refuses to overwrite; the file copied: 3.0 MiB, last written 2026-11-30 02:00 UTC)');
    expect(copyFileStepKind.refusal?.(planned)).toBeUndefined();

    // A nightly job writes a newer backup under the same name after the plan was shown.
    fs.writeFileSync(from, randomBytes(3 * 1024 * 1024 + 5));
    fs.utimesSync(from, new Date('2026-12-02T02:00:00Z'), new Date('2026-12-02T02:00:00Z'));
    const why = `${from} changed since the plan was made (it was 3145728 bytes, last written 2026-11-30 02:00:41 UTC; it is 3145733 bytes, last written 2026-12-02 02:00:00 UTC now): propose the plan again, so its approver sees the file that will be copied`;
    expect(copyFileStepKind.refusal?.(planned)).toBe(why);
    expect(await runCopyFileStep(planned)).toMatchObject({ status: 'failed', summary: why });
    expect(fs.existsSync(to)).toBe(false);

    // Another file put in its place with the planned size and time kept (cp -p, rsync -a): the inode tells them apart.
    const replanned = { ...copyFileStepKind.resolve(copy(from, to), tools), timeoutMs: 10_000, guard: false };
    const other = path.join(root, 'other.duckdb');
    fs.writeFileSync(other, randomBytes(3 * 1024 * 1024 + 5));
    fs.utimesSync(other, new Date('2026-12-02T02:00:00Z'), new Date('2026-12-02T02:00:00Z'));
    fs.renameSync(other, from);
    expect(copyFileStepKind.refusal?.(replanned)).toMatch(/; it is another file with the same size and time \(a copy that kept its times\) now\): propose the plan again/);
    // The same file, its mode changed: its inode's change time moved, said as such (the plan is proposed again).
    const again = { ...copyFileStepKind.resolve(copy(from, to), tools), timeoutMs: 10_000, guard: false };
    // The kernel stamps times at its clock tick (a few ms): a chmod in the same tick as the rename keeps the same ctime.
    await new Promise((resolve) => setTimeout(resolve, 25));
    fs.chmodSync(from, 0o444);
    expect(copyFileStepKind.refusal?.(again)).toContain('; it is the same size and time, but its change time (ctime) moved since (a rewrite that kept its times, or only its mode, links or name) now)');

    fs.rmSync(from);
    expect(copyFileStepKind.refusal?.(planned)).toMatch(/; it is gone now\): propose the plan again/);
    // A file the plan could not find (made by an earlier step, say) is shown and copied as it is when the step runs.
    const unplanned = copyFileStepKind.resolve(copy(from, to), tools);
    expect(unplanned.asPlanned).toBeUndefined();
    expect(copyFileStepKind.describe({ ...unplanned, timeoutMs: 10_000, guard: false }, describeTools)).toBe('cp backup.duckdb databox.duckdb  (refuses to overwrite)');
  });

  it('puts nothing in place once its timeout has passed: the run stopped waiting, and a copy appearing after it would be a change nobody saw', async () => {
    const root = tempDir();
    const from = path.join(root, 'backup.duckdb');
    const to = path.join(root, 'databox.duckdb');
    fs.writeFileSync(from, randomBytes(1024 * 1024));
    // Its timeout already over when the bytes are copied, as it is for one the engine's deadline gave up on.
    const result = await runCopyFileStep({ ...copy(from, to), timeoutMs: 0 }, { databasePath: to });
    expect(result).toMatchObject({
      status: 'failed',
      untouched: true,
      summary: `could not copy ${from} → ${to}: it took longer than its timeout (0 ms), so it was not put in place; its partial copy was removed: no database at ${to} now: roll back, or put that right and propose again`,
    });
    expect(fs.readdirSync(root)).toEqual(['backup.duckdb']);
  });

  it('fails on a missing source', async () => {
    const root = tempDir();
    const from = path.join(root, 'backup.duckdb');
    const result = await runCopyFileStep(copy(from, path.join(root, 'databox.duckdb')));
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(`${from} does not exist`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('fails cleanly when the destination directory does not exist, leaving no partial file', async () => {
    const root = tempDir();
    const from = path.join(root, 'backup.duckdb');
    fs.writeFileSync(from, 'backup');
    const to = path.join(root, 'missing-dir', 'databox.duckdb');
    const result = await runCopyFileStep(copy(from, to));
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(/^could not copy /);
    expect(fs.readdirSync(root)).toEqual(['backup.duckdb']);
  });
});

describe('runDiskUsageStep with roomFor', () => {
  function diskUsage(where: string, roomFor: string): Extract<ResolvedStep, { kind: 'disk-usage' }> {
    const step = diskUsageStepKind.schema.parse({ id: 'room_for_backup', kind: 'disk-usage', title: 'Room for the copy', path: where, roomFor });
    return { ...step, timeoutMs: 10_000, guard: true };
  }

  // Says what the room beyond the copy is for, and that no setting changes it.
  const workRoom = "room for SQLMesh's writes and DuckDB's write-ahead log and temporary files while the stack works on the file, a tenth of its size and at least 256 MiB, which no setting changes";
  it('says there is room for a copy of a file that fits, and "no-room" for one larger than the free space, before anything is copied', async () => {
    const root = tempDir();
    const small = path.join(root, 'small.duckdb');
    fs.writeFileSync(small, randomBytes(4096));
    const fits = await runDiskUsageStep(diskUsage(path.join(root, 'data', 'databox.duckdb'), small), context(root));
    expect(fits.status).toMatch(/^(ok|full)$/);
    expect(fits.summary).toContain(`room for a copy of ${small} (4.0 KiB, and 256.0 MiB more to work beside it: ${workRoom})`);

    // A sparse file that fits in the free space, but not with room to work beside it: it takes no room itself.
    const { bavail, bsize } = fs.statfsSync(root);
    const huge = path.join(root, 'huge.duckdb');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, bavail * bsize - 2 ** 20);
    const tooBig = await runDiskUsageStep(diskUsage(path.join(root, 'data', 'databox.duckdb'), huge), context(root));
    expect(tooBig.status).toBe('no-room');
    expect(tooBig.summary).toMatch(new RegExp(`, but a copy of ${huge.replace(/[.]/g, '\\.')} needs [\\d.]+ [KMGT]iB and [\\d.]+ [KMGT]iB more to work beside it \\(${workRoom.replace(/[().,:']/g, '\\$&')}\\): make room there first`));
  });

  it('asks a rebuild over no file at all for the room to work in, saying its size is not known, where a copy of nothing asks nothing', async () => {
    const root = tempDir();
    const missing = path.join(root, 'data', 'databox.duckdb');
    const rebuild = { ...diskUsage(missing, missing), roomAs: 'rebuild' as const };
    const result = await runDiskUsageStep(rebuild, context(root));
    expect(result.status).toMatch(/^(ok|full)$/);
    expect(result.summary).toContain(`, room for a rebuild (its size unknown: ${missing} is not there) (at least 256.0 MiB to work in)`);
    expect((await runDiskUsageStep(diskUsage(missing, missing), context(root))).summary).not.toContain('room for');
  });
});
