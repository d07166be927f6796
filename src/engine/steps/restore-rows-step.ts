// The restore-rows step kind: put rows an export-rows step kept back into their table: only those not there, or a window exactly.
import fs from 'node:fs';
import { z } from 'zod';
import { stepCommon, template } from '../../runbook/step-common.js';
import { quoteIdentifier } from '../../runbook/template.js';
import type { StepResult } from '../types.js';
import type { StepRunContext } from './context.js';
import { elapsedSince, targetChoice } from './context.js';
import { boundValueIssues } from './bound-values.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { makeKeptRowsFolder } from './kept-rows-folder.js';
import { keptFilesNotPerRun } from './kept-file-per-run.js';
import { keptFileThereSaid } from './kept-file-there.js';
import { keepRows } from './keep-rows.js';
import { plural, rowsSaid } from '../../plural.js';
import { notKeptExactlySaid, parquetChangesWarning, parquetChangesWhenPlanned, readBackLine, type ParquetChange } from './parquet-changes.js';
import { beforeWriting, ChangedNothing, firstNumber, inTransaction, withStepDatabase, type Fail } from './step-database.js';
import { rolledBackWords } from './rolled-back.js';
import { servedThrough, type ServedThrough } from './view-projection.js';
import { hasLoadColumn, reloadLoads, reloadSpill, spillDaysSaid, type Spill, type SpillSettings } from './reload-spill.js';
import type { ReloadRowsOn } from './reload-rows-outside.js';
import type { DatabaseTarget, TargetSession } from '../../database/target.js';
import { keysDeletedWith, keysOutsideRefusal, keysOutsideSaid, keysOutsideWindow, type KeysOutside } from './keys-outside-window.js';
import { changedSinceKept } from './changed-since-kept.js';
import { keptRowsGone } from './kept-rows-gone.js';
import { keptUnchecked, notTheKeptFile } from './kept-file-identity.js';
import { resolvedTimeZone, sourceDaySql, timeZoneSetting } from './source-day-sql.js';

const schema = z.strictObject({
  ...stepCommon,
  target: targetChoice,
  kind: z.literal('restore-rows'),
  table: template,
  /** The Parquet file an export-rows step wrote. */
  from: template,
  /** Comma-separated primary-key columns; rows whose key is already in the table are not inserted again. Empty: whole-row comparison. */
  key: z.string().default(''),
  /**
   * Put a window back exactly as it was kept (a rollback of a reload): the rows in it now are kept in `keepTo` first,
   * then, in one transaction, compared with that file again, deleted and every kept row inserted. Without it only the
   * kept rows not there go back, and rows added since stay beside them. With a `key`, refused before anything changes
   * when a row outside the window holds a kept row's key: that row stays, and the kept one would repeat its key (not
   * the reload's rows around the window, `reloadRowsAround`, which its transaction deletes with the window's); the plan
   * warns of such rows first.
   */
  replace: z
    .strictObject({
      where: z.string().min(1),
      params: z.array(template).default([]),
      keepTo: template,
      /**
       * A window a dlt reload wrote (`from` … `to`, days read from `dateColumn`): the rows on the day before and the day
       * after it of the loads in the window now that are not the kept rows' (the reload's: a source in local time writes
       * past UTC midnight) are kept in `keepTo` and deleted with the window, in its transaction. None where the table has
       * no _dlt_load_id.
       */
      reloadRowsAround: z.strictObject({ dateColumn: template, timeZone: timeZoneSetting, from: template, to: template, keepTo: template }).optional(),
    })
    .optional(),
  /**
   * What the step that kept the rows recorded of its file (`{{recovery.<keep>.rowCount?}}`, `….bytes?`, `….sha256?`):
   * another file under that name since is refused, before the plan is proposed and right before it puts rows back. All
   * empty (a recovery from before the bot recorded them): not checked, and the plan says so.
   */
  keptAs: z.strictObject({ rows: template, bytes: template, sha256: template }).optional(),
});

export type RestoreRowsStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** With replace: the table's columns Parquet may not keep exactly, read when the plan was made: said in its warnings. */
    parquetChanges?: ParquetChange[];
    /**
     * With replace.reloadRowsAround: the reload's rows around the window when the plan was made, or 'untold' when the
     * table has no _dlt_load_id to tell them by; said in its warnings.
     */
    spillWhenPlanned?: ReloadRowsOn[] | 'untold';
    /** With replace.reloadRowsAround: how many of those rows held a kept row's key when the plan was made (they go with them). */
    spillKeysWhenPlanned?: number;
    /** With a key: the rows outside the window that held a kept row's key and stay, as the plan was made; said first in its warnings. */
    keysOutsideWhenPlanned?: { rows: number; said: string };
    /** `table` named a view showing one table whole when the plan was made: `table` is now that table, written to in its place. */
    servedThrough?: ServedThrough;
  };

/** What a view the step's table names cannot do, said with it when the plan is refused. */
const viewRefused = 'the rollback puts the kept rows back into it, and DuckDB writes to base tables only. Nothing was proposed';

/**
 * Right before rows are put back through a view: it must still show the table the plan was made for (a SQLMesh plan
 * applied since points it at another version's table, and rows put back in the old one would not be seen).
 */
async function viewMovedSince(session: TargetSession, through: ServedThrough): Promise<string | undefined> {
  const now = await servedThrough(session, through.view, viewRefused).catch((error: Error) => ({ shown: `something else (${error.message})` }));
  if (now?.shown === through.shown) return undefined;
  return `${through.viewShown} no longer shows ${through.shown}, the table this plan puts the rows back in, but ${now?.shown ?? 'is no view now'} (a SQLMesh plan applied since?): nothing was changed. Propose the rollback again, so its plan names the table the view shows now`;
}

/** The step's table as a person reads it, with the view it was named by where it was one. */
const tableSaid = (step: RestoreRowsStep) => (step.servedThrough ? `${step.servedThrough.shown} (the table the view ${step.servedThrough.viewShown} shows)` : step.table.replace(/"/g, ''));

export async function runRestoreRowsStep(step: RestoreRowsStep, ctx: StepRunContext): Promise<StepResult> {
  if (!fs.existsSync(step.from)) {
    return { status: 'failed', summary: `the kept rows are not at ${step.from}`, durationMs: 0, outputs: {}, untouched: true };
  }
  // Right before rows are put back, as well as before the plan ran: a file swapped in between is not the one approved.
  const another = step.keptAs && (await notTheKeptFile(step.from, step.keptAs));
  if (another) return { status: 'failed', summary: another, durationMs: 0, outputs: {}, untouched: true };
  if (step.replace) return replaceWindow(step, step.replace, ctx);
  const through = step.servedThrough;
  const keys = keyColumns(step.key);
  const missing =
    keys.length > 0
      ? `SELECT kept.* FROM read_parquet($1) AS kept WHERE NOT EXISTS (SELECT 1 FROM ${step.table} AS present WHERE ${keys.map((k) => `present.${k} = kept.${k}`).join(' AND ')})`
      : `SELECT * FROM read_parquet($1) EXCEPT SELECT * FROM ${step.table}`;
  return withStepDatabase(ctx, { target: step.target, writable: true, timeoutMs: step.timeoutMs }, async (session, fail, started) => {
    // Read before its transaction begins: a failure there changed nothing.
    const { moved, kept } = await beforeWriting(async () => ({
      moved: through && (await viewMovedSince(session, through)),
      kept: firstNumber(await session.run('SELECT count(*) FROM read_parquet($1)', [step.from])),
    }));
    if (moved) return { ...fail(moved), untouched: true };
    const inserted = await inTransaction(session, async () => ({
      commit: true,
      value: firstNumber(await session.run(`INSERT INTO ${step.table} BY NAME ${missing}`, [step.from])),
    }), rolledBackWords);
    return {
      status: 'ok',
      summary: `re-inserted ${inserted} of ${plural(kept, 'kept row', 'kept rows')} into ${tableSaid(step)}; ${plural(kept - inserted, 'was', 'were')} already there`,
      durationMs: elapsedSince(started),
      outputs: { inserted, kept },
    };
  });
}

/** The view the step's table names, resolved as the plan is made; none when the database does not open then (the step finds out when it runs). */
async function viewWhenPlanned(target: DatabaseTarget, table: string): Promise<ServedThrough | undefined> {
  const session = await target.open({ writable: false }).catch(() => undefined);
  if (!session) return undefined;
  try {
    return await servedThrough(session, table, viewRefused);
  } finally {
    await session.close();
  }
}

/** What the plan says of the window as it is made: the reload's rows around it, and the kept keys rows outside it hold. */
interface WindowWhenPlanned {
  spill?: Spill | 'untold';
  spillKeys?: number;
  keysOutside?: { rows: number; said: string };
}

/**
 * The reload's rows around the window and the rows outside it that would repeat a kept key, as the plan is made; none
 * when the database does not open then or a read fails (the step reads them again when it runs).
 */
async function windowWhenPlanned(target: DatabaseTarget, step: RestoreRowsStep): Promise<WindowWhenPlanned> {
  const replace = step.replace;
  const keys = keyColumns(step.key);
  if (!replace || (!replace.reloadRowsAround && keys.length === 0) || !fs.existsSync(step.from)) return {};
  const session = await target.open({ writable: false }).catch(() => undefined);
  if (!session) return {};
  try {
    const around = replace.reloadRowsAround;
    const spill = around && ((await hasLoadColumn(session, step.table)) ? await reloadSpill(session, windowOf(step, replace), around) : 'untold');
    const deletedWith = spill && spill !== 'untold' ? spill : undefined;
    if (keys.length === 0) return { spill };
    const outside = await keyClash(session, step, replace, keys, deletedWith);
    return {
      spill,
      ...(deletedWith ? { spillKeys: await keysDeletedWith(session, { table: step.table, from: step.from }, keys, deletedWith.where) } : {}),
      ...(outside ? { keysOutside: { rows: outside.count, said: keysOutsideSaid(tableSaid(step), outside, Boolean(around)) } } : {}),
    };
  } catch {
    return {};
  } finally {
    await session.close();
  }
}

/** The window the reload's loads are told in: the step's table, WHERE and kept file. */
const windowOf = (step: RestoreRowsStep, replace: Replace) => ({ table: step.table, where: replace.where, params: replace.params, keptFile: step.from });

/**
 * The rows outside the window holding a kept row's key that stay when it is replaced: not the reload's rows around it
 * (`spill`), which its transaction deletes before it commits, so they repeat no key. Each dated in the source's zone and
 * said to be the reload's where its load wrote the window.
 */
async function keyClash(session: TargetSession, step: RestoreRowsStep, replace: Replace, keys: readonly string[], spill: Spill | undefined): Promise<KeysOutside | undefined> {
  const around = replace.reloadRowsAround;
  return keysOutsideWindow(session, { table: step.table, from: step.from, where: replace.where, params: replace.params }, keys, {
    ...(spill ? { deletedWith: spill.where } : {}),
    ...(around?.timeZone ? { timeZone: around.timeZone } : {}),
    ...(around ? { reloadLoads: await reloadLoads(session, windowOf(step, replace)) } : {}),
  });
}

/** The plan's note of the rows the reload wrote around the window, which this step takes out with it. */
function spillWarning(step: RestoreRowsStep, days: ReloadRowsOn[] | 'untold', around: SpillSettings): string {
  if (days === 'untold') {
    return `${tableSaid(step)} has no _dlt_load_id column: the rows the reload wrote on the day before and the day after the window cannot be told from the others there, so "${step.title}" leaves them all.`;
  }
  const rows = days.reduce((sum, on) => sum + on.rows, 0);
  const holding = step.spillKeysWhenPlanned ?? 0;
  // A reload that moved a kept row's time across the window's edge wrote its key there: deleted before the commit, it is no clash.
  const keysSaid =
    holding > 0
      ? ` ${holding === 1 ? '1 of them holds' : `${holding} of them hold`} the key of a kept row (the reload dated ${holding === 1 ? 'it' : 'them'} outside the window): deleted with them, ${holding === 1 ? 'it repeats' : 'they repeat'} no key.`
      : '';
  return (
    `The reload also wrote ${plural(rows, 'row', 'rows')} of ${tableSaid(step)} just outside the window, told by their dlt load: ${spillDaysSaid({ days }, around)}. ` +
    `"${step.title}" keeps them in ${around.keepTo} and deletes them with the window's rows, in the same transaction, so those days are as they were before the recovery; the rows of other loads there stay.${keysSaid}`
  );
}

/** The plan's first warning when rows outside the window would repeat a kept key: the step will refuse unless they go first. */
function keysOutsideWarning(step: RestoreRowsStep, outside: { rows: number; said: string }): string {
  const one = outside.rows === 1;
  return (
    `"${step.title}" will refuse, changing nothing, as the database is now: ${outside.said}. Put back, the kept rows would repeat ${one ? 'that key' : 'those keys'}: ` +
    `delete ${one ? 'that row' : 'those rows'} (or date ${one ? 'it' : 'them'} back into the window) before approving, or put the window back by hand from the kept rows in ${step.from}.`
  );
}

type Replace = NonNullable<RestoreRowsStep['replace']>;

/** Why a window cannot be replaced as planned: a file it keeps rows in (`keepTo`s) is already there; undefined when none is. */
function keepToThere(step: RestoreRowsStep): string | undefined {
  const replace = step.replace;
  if (!replace) return undefined;
  if (fs.existsSync(replace.keepTo)) return keptFileThereSaid(replace.keepTo, 'the rows it replaces', 'rollback');
  const around = replace.reloadRowsAround;
  return around && fs.existsSync(around.keepTo) ? keptFileThereSaid(around.keepTo, "the reload's rows around the window", 'rollback') : undefined;
}

/** The step's `key` as quoted column names; none when it has no key. */
const keyColumns = (key: string): string[] => key.split(',').map((k) => k.trim()).filter(Boolean).map(quoteIdentifier);

/** The window's rows now kept in a file, then, in one transaction, found unchanged, deleted and the kept rows inserted in their place. */
function replaceWindow(step: RestoreRowsStep, replace: Replace, ctx: StepRunContext): Promise<StepResult> {
  const there = [replace.keepTo, replace.reloadRowsAround?.keepTo].find((file) => file !== undefined && fs.existsSync(file));
  if (there) {
    return Promise.resolve({ status: 'failed', summary: `refusing to overwrite ${there}: it already exists`, durationMs: 0, outputs: {}, untouched: true });
  }
  const unmade = makeKeptRowsFolder(replace.keepTo, step.table);
  if (unmade) return Promise.resolve(unmade);
  return withStepDatabase(ctx, { target: step.target, writable: true, timeoutMs: step.timeoutMs }, async (session, fail: Fail, started) => {
    // Before anything is kept aside or deleted: refused here, or failed in a read (beforeWriting), the window and the
    // kept file are as they were.
    const through = step.servedThrough;
    const moved = through && (await beforeWriting(() => viewMovedSince(session, through)));
    if (moved) return { ...fail(moved), untouched: true };
    // Read while the window still holds the reload's rows: their loads tell its rows around the window.
    const around = replace.reloadRowsAround;
    const spill = around && (await beforeWriting(() => reloadSpill(session, windowOf(step, replace), around)));
    const keys = keyColumns(step.key);
    if (keys.length > 0) {
      const outside = await beforeWriting(() => keyClash(session, step, replace, keys, spill));
      if (outside) return { ...fail(keysOutsideRefusal(tableSaid(step), outside, Boolean(around), step.from)), untouched: true };
    }
    const kept = firstNumber(await beforeWriting(() => session.run('SELECT count(*) FROM read_parquet($1)', [step.from])));
    const window = await beforeWriting(() => keepRows(session, { table: step.table, where: replace.where, params: replace.params, to: replace.keepTo }, ctx.clock()));
    // Stopped before the delete: the table is as it was, the rows kept only in a file beside it.
    if (window.aside && window.notExact) {
      return { ...fail(`the rows in the window now cannot be kept aside exactly: ${notKeptExactlySaid(step.table, window.kept, window.notExact)}; nothing was put back either (the file is at ${window.aside})`, { file: window.aside }), untouched: true };
    }
    if (window.aside) return { ...fail(`kept ${window.kept} of the ${rowsSaid(window.expected)} in the window: stopping before anything is deleted (the file is at ${window.aside})`, { file: window.aside }), untouched: true };
    const now = window.kept;
    const spillKept = spill && around && (await beforeWriting(() => keepRows(session, { table: step.table, where: spill.where, params: [], to: around.keepTo }, ctx.clock())));
    if (spillKept?.aside) {
      return { ...fail(`the rows the reload wrote around the window could not be kept aside exactly (the file is at ${spillKept.aside}): stopping before anything is deleted; the window's rows of the moment are kept in ${replace.keepTo}`, { file: spillKept.aside }), untouched: true };
    }
    const outcome = await inTransaction<{ changed?: string; deleted: number; inserted: number }>(session, async () => {
      // The keep above was its own transaction: another writer (on MotherDuck) may have changed the window since, and an
      // UPDATE changes no count. Only the rows just kept, as they were kept, may be deleted.
      const changed = await changedSinceKept(session, { table: step.table, where: replace.where, params: replace.params, file: replace.keepTo });
      if (changed) return { commit: false, value: { changed, deleted: 0, inserted: 0 } };
      const deleted = firstNumber(await session.run(`DELETE FROM ${step.table} WHERE ${replace.where}`, replace.params));
      if (deleted !== now) return { commit: false, value: { deleted, inserted: 0 } };
      // Before the INSERT: a key the reload wrote around the window (it moved a row's time across the window's edge) is
      // a kept row's, and DuckDB checks a PRIMARY KEY or UNIQUE at each statement, not at the commit.
      if (spill && around && spillKept) {
        const spillChanged = await changedSinceKept(session, { table: step.table, where: spill.where, params: [], file: around.keepTo });
        if (spillChanged) return { commit: false, value: { changed: `around it, ${spillChanged}`, deleted: 0, inserted: 0 } };
        const spillDeleted = firstNumber(await session.run(`DELETE FROM ${step.table} WHERE ${spill.where}`));
        if (spillDeleted !== spillKept.kept) return { commit: false, value: { changed: `around it, ${spillKept.kept} rows of the reload's loads were kept and ${spillDeleted} found to delete`, deleted: 0, inserted: 0 } };
      }
      const inserted = firstNumber(await session.run(`INSERT INTO ${step.table} BY NAME SELECT * FROM read_parquet($1)`, [step.from]));
      return { commit: true, value: { deleted, inserted } };
    }, rolledBackWords).catch((error: unknown) => {
      // Its DELETE or INSERT failed and was rolled back: the window is as it was, its rows also kept in the file.
      if (error instanceof ChangedNothing) throw new ChangedNothing(`${error.message}; the rows in the window are also kept in ${replace.keepTo}`, { file: replace.keepTo });
      throw error;
    });
    if (outcome.changed) {
      return {
        ...fail(
          `the window's rows changed after they were kept in ${replace.keepTo} and before they were to be deleted (another writer wrote in between): ${outcome.changed}. ` +
            `Nothing was deleted or put back: the window is as that writer left it, the rows kept of it are in ${replace.keepTo}, the rows to put back still in ${step.from}. Propose the rollback again, so the rows there now are kept and replaced`,
          { file: replace.keepTo },
        ),
        untouched: true,
      };
    }
    if (outcome.deleted !== now) {
      // The transaction was rolled back: the table is as it was.
      return { ...fail(`the window held ${rowsSaid(now)} when ${now === 1 ? 'it was' : 'they were'} kept and ${outcome.deleted} when deleted (a write came in between): nothing was changed; the rows kept are in ${replace.keepTo}`, { file: replace.keepTo }), untouched: true };
    }
    const spillSaid =
      spill && around
        ? `; the ${plural(spill.rows, 'row', 'rows')} the reload wrote around the window (${spillDaysSaid(spill, around)}) ${spill.rows === 1 ? 'is' : 'are'} kept in ${around.keepTo} and deleted`
        : '';
    return {
      status: 'ok',
      summary: `put the window of ${tableSaid(step)} back as it was kept: its ${plural(now, 'row of the moment is', 'rows of the moment are')} kept in ${replace.keepTo}, and the ${plural(outcome.inserted, 'kept row replaces', 'kept rows replace')} ${now === 1 ? 'it' : 'them'}${spillSaid}`,
      durationMs: elapsedSince(started),
      outputs: { inserted: outcome.inserted, kept, replaced: now, replacedFile: replace.keepTo, ...(around ? { reloadRowsAround: spill?.rows ?? 0, reloadRowsAroundFile: spill ? around.keepTo : '' } : {}) },
    };
  });
}

export const restoreRowsStepKind = defineStepKind({
  kind: 'restore-rows',
  describesSql: true,
  schema,
  // unreachable: its target (MotherDuck) could not be reached, so nothing was restored (withStepDatabase).
  statuses: ['ok', 'failed', 'unreachable'],
  // Could not see: its database not reached.
  unseeingStatuses: ['unreachable'],
  // What a window replaced held, and where it was kept, only with replace. Unreachable, it says why alone.
  outputs: (step) => ({
    inserted: { shape: 'text', unsetWhen: ['failed', 'unreachable'] },
    kept: { shape: 'text', unsetWhen: ['failed', 'unreachable'] },
    ...(step.replace ? { replaced: { shape: 'text', unsetWhen: ['failed', 'unreachable'] }, replacedFile: { shape: 'text', unsetWhen: ['failed', 'unreachable'] } } : {}),
    // How many rows the reload wrote around the window were taken out, and the file they are kept in ('' when none).
    ...(step.replace?.reloadRowsAround ? { reloadRowsAround: { shape: 'text', unsetWhen: ['failed', 'unreachable'] }, reloadRowsAroundFile: { shape: 'text', unsetWhen: ['failed', 'unreachable'] } } : {}),
    problem: { shape: 'text', onlyWhen: ['unreachable'] },
    // Its transaction's COMMIT, or its ROLLBACK after an error, not answered (inTransaction): only then.
    transactionOutcome: { shape: 'text', onlyWhen: ['failed'] },
  }),
  defaultTimeoutMs: 30 * 60_000,
  // A window's `keepTo`s naming the same file on every run: as export-rows' `to:`, never overwritten (replaceWindow), so
  // every rollback after the first would be refused there.
  references: (step, { names }) =>
    step.replace
      ? keptFilesNotPerRun(
          step,
          'rollback',
          [
            { at: ['replace', 'keepTo'], said: 'replace.keepTo', template: step.replace.keepTo, holds: 'the rows it replaces' },
            ...(step.replace.reloadRowsAround
              ? [{ at: ['replace', 'reloadRowsAround', 'keepTo'], said: 'replace.reloadRowsAround.keepTo', template: step.replace.reloadRowsAround.keepTo, holds: "the reload's rows around the window" }]
              : []),
          ],
          names,
        )
      : [],
  rules: (step) => [
    ...(step.mutates ? [] : [{ at: ['mutates'], message: 'a restore-rows step mutates: set mutates: true' }]),
    ...(step.replace && !step.destructive ? [{ at: ['destructive'], message: 'a restore-rows step that replaces a window deletes its rows (kept first): set destructive: true' }] : []),
    ...(step.replace ? boundValueIssues(step.replace.where, step.replace.params, ['replace', 'params']) : []),
  ],
  templates: (step) => [
    { at: ['table'], template: step.table, as: 'sql' },
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['key'], template: step.key, as: 'sql' },
    ...(step.keptAs
      ? [
          { at: ['keptAs', 'rows'], template: step.keptAs.rows, as: 'text' as const },
          { at: ['keptAs', 'bytes'], template: step.keptAs.bytes, as: 'text' as const },
          { at: ['keptAs', 'sha256'], template: step.keptAs.sha256, as: 'text' as const },
        ]
      : []),
    ...(step.replace
      ? [
          { at: ['replace', 'where'], template: step.replace.where, as: 'sql' as const },
          ...step.replace.params.map((param, i) => ({ at: ['replace', 'params', i], template: param, as: 'text' as const })),
          { at: ['replace', 'keepTo'], template: step.replace.keepTo, as: 'text' as const },
          ...(step.replace.reloadRowsAround
            ? [
                { at: ['replace', 'reloadRowsAround', 'dateColumn'], template: step.replace.reloadRowsAround.dateColumn, as: 'sql' as const },
                ...(step.replace.reloadRowsAround.timeZone !== undefined
                  ? [{ at: ['replace', 'reloadRowsAround', 'timeZone'], template: step.replace.reloadRowsAround.timeZone, as: 'text' as const }]
                  : []),
                { at: ['replace', 'reloadRowsAround', 'from'], template: step.replace.reloadRowsAround.from, as: 'text' as const },
                { at: ['replace', 'reloadRowsAround', 'to'], template: step.replace.reloadRowsAround.to, as: 'text' as const },
                { at: ['replace', 'reloadRowsAround', 'keepTo'], template: step.replace.reloadRowsAround.keepTo, as: 'text' as const },
              ]
            : []),
        ]
      : []),
  ],
  resolve: (step, tools) => ({
    ...step,
    table: tools.sql(step.table),
    from: tools.inRoot(step.from),
    key: tools.text(step.key),
    replace: step.replace && {
      where: tools.sql(step.replace.where),
      params: step.replace.params.map(tools.text),
      keepTo: tools.inRoot(step.replace.keepTo),
      reloadRowsAround: step.replace.reloadRowsAround && {
        dateColumn: tools.sql(step.replace.reloadRowsAround.dateColumn),
        timeZone: resolvedTimeZone(step.replace.reloadRowsAround.timeZone, tools.text),
        from: tools.text(step.replace.reloadRowsAround.from),
        to: tools.text(step.replace.reloadRowsAround.to),
        keepTo: tools.inRoot(step.replace.reloadRowsAround.keepTo),
      },
    },
    keptAs: step.keptAs && { rows: tools.text(step.keptAs.rows), bytes: tools.text(step.keptAs.bytes), sha256: tools.text(step.keptAs.sha256) },
  }),
  // The rows in the window now are kept aside before they are deleted: the approver is told if some may not be kept exactly.
  // A view showing one table whole (as SQLMesh serves a model) is resolved to that table, which the rows go back in; any
  // other view refuses the plan, naming it: DuckDB writes to base tables only.
  readWhenPlanned: async (step, { target }) => {
    const through = await viewWhenPlanned(target(step.target), step.table);
    const resolved = through ? { ...step, table: through.table, servedThrough: through } : step;
    if (!resolved.replace) return resolved;
    const changes = await parquetChangesWhenPlanned(target, resolved.target, resolved.table);
    const { spill, spillKeys, keysOutside } = await windowWhenPlanned(target(resolved.target), resolved);
    return {
      ...resolved,
      ...(changes.length > 0 ? { parquetChanges: changes } : {}),
      ...(spill ? { spillWhenPlanned: spill === 'untold' ? spill : spill.days } : {}),
      ...(spillKeys ? { spillKeysWhenPlanned: spillKeys } : {}),
      ...(keysOutside ? { keysOutsideWhenPlanned: keysOutside } : {}),
    };
  },
  planWarning: (step) =>
    [
      step.keysOutsideWhenPlanned && keysOutsideWarning(step, step.keysOutsideWhenPlanned),
      step.servedThrough &&
        `${step.servedThrough.viewShown} is a view showing ${step.servedThrough.shown} whole (as SQLMesh serves a model's current version): "${step.title}" keeps aside, deletes and puts back the window's rows in ${step.servedThrough.shown}, where the view reads them.`,
      parquetChangesWarning(step.table, step.parquetChanges, step.title),
      step.spillWhenPlanned && step.replace?.reloadRowsAround && spillWarning(step, step.spillWhenPlanned, step.replace.reloadRowsAround),
      step.keptAs && keptUnchecked(step.from, step.keptAs),
    ]
      .filter(Boolean)
      .join('\n') || undefined,
  // Checked before the plan is proposed (and before its counts, which read the file too) and again right before it runs:
  // a file moved, deleted or replaced by another while the plan waited is said with where to put it back, not found by
  // the step part-way, nor its rows put back as the kept ones. A file an earlier step of the same plan keeps the rows in
  // is not there before it runs: the run looks for it then. A `keepTo` already there is refused too, before approval,
  // rather than by the step after the steps before it ran (replaceWindow still refuses one that appears in between).
  refusal: async (step, plan) =>
    (plan?.writes(step.from) ? undefined : (keptRowsGone(step.from) ?? (step.keptAs && (await notTheKeptFile(step.from, step.keptAs))))) ?? keepToThere(step),
  // With replace, the window's rows of the moment are kept in a new file, which a later step may put back.
  writesFiles: (step) => (step.replace ? [step.replace.keepTo, ...(step.replace.reloadRowsAround ? [step.replace.reloadRowsAround.keepTo] : [])] : []),
  // The reload's rows around the window go before the INSERT (they may hold a kept key), said there in short and in
  // full after it: a plan message cuts a long step's text at its end, and the INSERT is what the approver must see.
  describe: (step, { rel, bound }) => {
    const around = step.replace?.reloadRowsAround;
    return step.replace
      ? [
          ...(step.key ? [`-- first: refused, nothing changed, if a row outside the window holds a kept row's key (${step.key})${around ? ", but for the reload's rows deleted below" : ''}`] : []),
          `COPY (SELECT * FROM ${step.table} WHERE ${step.replace.where.trim()}) TO '${rel(step.replace.keepTo)}' (FORMAT parquet)${bound(step.replace.params)}`,
          readBackLine,
          '-- then, in one transaction: first the rows the WHERE picks must still be the rows just kept, value by value (another writer may have changed them), or nothing is changed',
          `DELETE FROM ${step.table} WHERE ${step.replace.where.trim()}${bound(step.replace.params)}  -- must delete exactly the rows just kept`,
          ...(around ? [`DELETE FROM ${step.table} WHERE <the reload's rows around the window, below>  -- before the INSERT: they may hold a kept row's key`] : []),
          `INSERT INTO ${step.table} BY NAME SELECT * FROM read_parquet('${rel(step.from)}')`,
          ...(around
            ? [
                `-- the reload's rows around the window: ${sourceDaySql(around.dateColumn, around.timeZone)} IN (<day before>, <day after>) AND _dlt_load_id IN (<the reload's: in the window, not the kept rows'>); kept first in '${rel(around.keepTo)}', compared again before their DELETE`,
              ]
            : []),
        ].join('\n')
      : `INSERT INTO ${step.table} BY NAME SELECT * FROM read_parquet('${rel(step.from)}')  -- only rows not already there${step.key ? ` (by key ${step.key})` : ''}`;
  },
  // What it writes is one transaction: an error in it rolled back changed nothing, and so did a refusal before it or a
  // read that failed there: each says so (untouched). Only a transaction whose end was not answered (its COMMIT failed,
  // or its ROLLBACK after an error; MotherDuck may have applied it: transactionOutcome unknown) may have put rows back,
  // and so may a failure journaled by a build that did not yet mark those apart (no untouched, no transactionOutcome).
  partWay: { statuses: ['failed'], changed: () => true },
  stoppedPartWay: (step, result) =>
    result.outputs?.transactionOutcome === 'unknown'
      ? `its transaction's end was not answered, so the kept rows may or may not have been put back into ${step.table}: count its rows in the window (and look for those kept in ${step.from}) before acting on it or putting them back again`
      : undefined,
  run: runRestoreRowsStep,
});
