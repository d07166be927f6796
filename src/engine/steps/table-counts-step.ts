// The table-counts step kind: row counts of the marts now and, with `at` or `snapshot`, as of that moment or in that named
// snapshot, read from a zero-copy clone under a scratch name for the incident that is dropped when the step ends, also when it fails.
import { z } from 'zod';
import { databaseIdentifier, snapshotNameLiteral, timestampLiteral } from '../../database/sql-literal.js';
import { UserError } from '../../errors.js';
import { stepCommon, stepId, template } from '../../runbook/step-common.js';
import { lookup, type TemplateContext } from '../../runbook/template.js';
import { textTable } from '../../text-table.js';
import { rowsSaid } from '../../plural.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice } from './context.js';
import { defineStepKind, unsetAlike, type ResolvedCommon } from './define-step-kind.js';
import { asOfSaid } from './as-of-said.js';
import { changedSincePlanned, diagnosedCounts, diagnosisCountsProblems, leftBehindSaid, writtenSinceWarning, type WrittenSince } from './rows-written-since.js';
import { isMissingTable } from './missing-table.js';
import { firstNumber, withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('table-counts'),
  target: targetChoice,
  /** The database whose tables are counted (MotherDuck: a database name; the local file: its catalog name). */
  database: template,
  /** schema.table names, rendered as quoted identifiers. */
  tables: z.array(template).min(1),
  /** A past moment (UTC "YYYY-MM-DD HH:MM:SS") to count as of too; empty: now only. MotherDuck only. */
  at: z.string().default(''),
  /** A named snapshot (its name as MotherDuck lists it) to count in too; exclusive with `at`. MotherDuck only. */
  snapshot: z.string().default(''),
  /** The scratch clone's name, made for the incident; needed with `at` or `snapshot`. */
  scratch: template.optional(),
  /**
   * Diagnosis steps of this kind whose counts as of their moment (the first that counted one) each table must reach
   * now: a database restored to that moment has at least those rows (more once loads ran since), never fewer.
   */
  notFewerThan: z.array(stepId).default([]),
  /**
   * In a plan that overwrites `database` (scenario 3's swap): diagnosis steps of this kind whose counts now (the first
   * that counted) the tables are compared with when the plan is made. Rows written since are said in the plan, as what it
   * leaves behind; counted again when it runs, any change since the plan was made stops it (status `changed`).
   */
  writtenSince: z.array(stepId).default([]),
  /** With writtenSince: where rows written since are left after the plan (the broken state a swap keeps). */
  leftIn: template.optional(),
  /**
   * With `at` or `snapshot`: end `same`, not ok, when no table differs from now (the moment may be after the bad write),
   * for a verdict of its own. Asked for, so that a runbook written before it keeps its verdicts as they were.
   */
  flagUnchanged: z.boolean().default(false),
});

type Parsed = z.output<typeof schema>;
export type TableCountsStep = Parsed & ResolvedCommon & {
  /** The exact statements, rendered when the plan is made: what the plan shows is what runs. */
  countSql: string[];
  cloneSql?: string;
  countAtSql?: string[];
  dropSql?: string;
  /** Drops a scratch clone of the same name left by an earlier diagnosis that could not drop it. */
  clearSql?: string;
  /** The counts as of the moment the diagnosis counted (notFewerThan), and that moment, when it counted one. */
  floor?: { counts: Record<string, number>; asOf: string };
  /** Why there is no floor although notFewerThan names one: the database was restored to another moment. */
  floorSkipped?: string;
  /** With writtenSince: the diagnosis' counts, the counts when the plan was made, and where rows written since are left. */
  since?: WrittenSince;
};

/**
 * The first of the named diagnosis steps that counted as of a moment: its counts then, and the moment; none when the
 * database was last restored to another moment than that one (`restored`), whose counts the diagnosis never saw.
 */
function floorOf(stepIds: readonly string[], values: TemplateContext): Pick<TableCountsStep, 'floor' | 'floorSkipped'> {
  const restored = typeof values.restored === 'string' ? values.restored : undefined;
  for (const id of stepIds) {
    try {
      const counts = lookup(`diagnosis.${id}.countsAt`, values) as Record<string, number>;
      const asOf = String(lookup(`diagnosis.${id}.asOf`, values) ?? '');
      if (!counts || Object.keys(counts).length === 0) continue;
      if (restored !== undefined && restored !== asOf) return { floorSkipped: `restored ${asOfSaid(restored)}, not ${asOfSaid(asOf)} as the diagnosis counted: the counts are not held to the diagnosis'` };
      return { floor: { counts, asOf } };
    } catch {
      // That step did not run (its onlyIf), or the diagnosis is not at hand: the next one, or no floor.
    }
  }
  return {};
}

/** What the clone holds, in the operator's words: "2026-04-20 12:00:00 UTC" or "snapshot 'pre_rewrite'". */
const cloneOf = (step: Pick<TableCountsStep, 'at' | 'snapshot'>) => (step.snapshot ? `snapshot '${step.snapshot}'` : `${step.at} UTC`);

async function runTableCounts(step: TableCountsStep, ctx: Parameters<typeof withStepDatabase>[0]): Promise<StepResult> {
  const then = cloneOf(step);
  const asOf = step.snapshot ? `in ${then}` : `at ${then}`;
  // A snapshot is not "as of" anything, and it was taken: each phrase in the words that fit the one asked for.
  const cloned = step.snapshot ? `${step.database}'s ${then}` : `${step.database} as of ${then}`;
  const after = step.snapshot ? `${then} was taken after it` : `${then} is after it`;
  return withStepDatabase(ctx, { target: step.target, writable: Boolean(step.cloneSql), timeoutMs: step.timeoutMs }, async (session, fail, started) => {
    const counts: Record<string, number> = {};
    // Tables not there now (dropped, or their schema): damage when there is a state to compare with, counted as 0 rows.
    const missing = new Set<string>();
    const comparable = Boolean(step.cloneSql || step.since || step.floor);
    for (const [i, table] of step.tables.entries()) {
      try {
        counts[table] = firstNumber(await session.run(step.countSql[i] as string));
      } catch (error) {
        const message = (error as Error).message.split('\n')[0] as string;
        if (comparable && isMissingTable(message)) {
          missing.add(table);
          counts[table] = 0;
          continue;
        }
        // DuckDB names a database that is not there as a catalog: said in the operator's words first.
        const gone = /Catalog "[^"]*" does not exist/i.test(message) ? `${step.database} does not exist (${message})` : undefined;
        return fail(gone ?? `cannot count ${table} in ${step.database}: ${message}`, { counts });
      }
    }
    let countsAt: Record<string, number> | undefined;
    let notDropped = '';
    if (step.cloneSql && step.dropSql && step.countAtSql) {
      try {
        // One an earlier diagnosis of this incident could not drop is this step's own: dropped first, or the clone fails.
        if (step.clearSql) await session.run(step.clearSql);
        await session.run(step.cloneSql);
      } catch (error) {
        return { ...fail(`cannot clone ${cloned}: ${(error as Error).message.split('\n')[0]}`, { counts }), status: 'no-snapshot' };
      }
      countsAt = {};
      let counting = '';
      try {
        for (const [i, table] of step.tables.entries()) {
          counting = table;
          countsAt[table] = firstNumber(await session.run(step.countAtSql[i] as string));
        }
      } catch (error) {
        const message = (error as Error).message.split('\n')[0] as string;
        // Not there then either: no damage to speak of, but a name the runbook may have wrong.
        if (missing.has(counting) && isMissingTable(message)) return fail(`${counting} is not in ${step.database} now, nor in the clone of ${cloned}: check the table's name in the runbook (${message})`, { counts });
        return fail(`cannot count in the clone of ${cloned}: ${message}`, { counts });
      } finally {
        // The scratch clone never outlives the step: dropped whether the counts worked or not.
        await session.run(step.dropSql).catch((error: Error) => {
          notDropped = ` (the scratch clone ${step.scratch} could not be dropped: ${error.message.split('\n')[0]}; the next diagnosis drops it, or path C)`;
          ctx.progress(`could not drop the scratch clone ${step.scratch}: ${error.message.split('\n')[0]}`);
        });
      }
    }
    // Said as what going back to it does, in words: a moment with fewer rows than now is as restorable as one with more,
    // and only the sign would tell the two apart.
    const change = (t: string) => (countsAt?.[t] as number) - (counts[t] as number);
    const changeSaid = (t: string) => (change(t) > 0 ? `+${change(t)}` : String(change(t)));
    const header = countsAt ? ['table', 'now', asOf, 'going back changes it by'] : ['table', 'rows'];
    const nowCell = (t: string) => (missing.has(t) ? 'not there' : counts[t]);
    const rows = step.tables.map((t) => (countsAt ? [t, nowCell(t), countsAt[t], changeSaid(t)] : [t, nowCell(t)]));
    const nowSaid = (t: string) => (missing.has(t) ? (countsAt ? `not there now (dropped since ${then})` : 'not there') : countsAt ? `${counts[t]} now` : String(counts[t]));
    const described = step.tables.map((t) => (countsAt ? `${t} ${nowSaid(t)}, ${countsAt[t]} ${asOf}` : `${t} ${nowSaid(t)}`)).join('; ');
    // Rows written since the moment go with a restore, good ones too; a moment where no mart differs from now is either
    // before a write that changed none of them, or after the bad write.
    const fewer = countsAt ? step.tables.filter((t) => change(t) < 0) : [];
    const tables = (n: number) => `${n} of ${step.tables.length} table${step.tables.length === 1 ? '' : 's'}`;
    const fewerSaid = !countsAt
      ? ''
      : fewer.length > 0
        ? `. Going back DISCARDS rows written since ${then}: ${tables(fewer.length)} ${fewer.length === 1 ? 'ends' : 'end'} up with fewer rows than now (${fewer.map((t) => `${t} ${changeSaid(t)}`).join(', ')})${fewer.length < step.tables.length ? ", and the others' changes are nets, which can hide rows lost beside rows restored" : ''}; every load since ${then}, good or bad, is lost with the restore`
        : step.tables.every((t) => change(t) === 0)
          ? `. No table differs between now and ${then}: if a bad write changed them, ${after}`
          : '';
    const floor = step.floor;
    const short = floor ? step.tables.filter((t) => floor.counts[t] !== undefined && (counts[t] as number) < (floor.counts[t] as number)) : [];
    const shortSaid =
      short.length > 0
        ? `. NOT as restored: ${short.map((t) => `${t} ${missing.has(t) ? 'is not there' : `has ${rowsSaid(counts[t] ?? 0)}`}, fewer than the ${floor?.counts[t]} it had ${floor?.asOf ? asOfSaid(floor.asOf) : 'at the moment the diagnosis counted'}`).join('; ')} (the bad state still there, a restore rolled back, or rows deleted since)`
        : '';
    const same = step.flagUnchanged && countsAt !== undefined && step.tables.every((t) => change(t) === 0);
    // Written to after the plan was made: the approver did not see what the plan would leave behind.
    const changed = step.since && changedSincePlanned(step.database, step.tables, counts, step.since);
    if (changed) return { ...fail(changed, { counts }), status: 'changed', output: textTable(header, rows) };
    const leftBehind = step.since ? leftBehindSaid(step.database, step.tables, counts, step.since) : '';
    return {
      status: short.length > 0 ? 'fewer' : same ? 'same' : 'ok',
      summary: `${step.database}: ${described}${fewerSaid}${shortSaid}${leftBehind}${step.floorSkipped ? ` (${step.floorSkipped})` : ''}${notDropped}`,
      output: textTable(header, rows),
      durationMs: elapsedSince(started),
      outputs: { counts, countsAt: countsAt ?? {}, asOf: countsAt ? (step.snapshot ? asOf : `at ${step.at}`) : '', scratch: step.scratch ?? '' },
    };
  });
}

export const tableCountsStepKind = defineStepKind({
  kind: 'table-counts',
  describesSql: true,
  schema,
  // fewer: a table has fewer rows now than the diagnosis counted as of its moment (notFewerThan). same: counted as of a
  // moment or in a snapshot, no table differs from now (the moment may be after the bad write).
  // changed: with writtenSince, a table's count differs from when the plan was made.
  statuses: (step) => [
    'ok',
    'no-snapshot',
    'unreachable',
    ...(step.notFewerThan.length > 0 ? (['fewer'] as const) : []),
    ...(step.flagUnchanged ? (['same'] as const) : []),
    ...(step.writtenSince.length > 0 ? (['changed'] as const) : []),
  ],
  // Could not see: MotherDuck not reached.
  unseeingStatuses: ['unreachable'],
  // A clone that could not be made (no-snapshot), or a table written to since the plan (changed), leaves the counts of now alone.
  outputs: unsetAlike({ countsAt: 'map', asOf: 'text', scratch: 'text' }, ['unreachable', 'no-snapshot', 'changed'], {
    counts: { shape: 'map', unsetWhen: ['unreachable'] },
    problem: { shape: 'text', onlyWhen: ['unreachable'] },
  }),
  references: (step, scope) => [...diagnosisCountsProblems('notFewerThan', step.notFewerThan, scope), ...diagnosisCountsProblems('writtenSince', step.writtenSince, scope)],
  scratchWrites: (step) => (step.cloneSql ? `a scratch clone of ${step.database}, dropped again at the end` : undefined),
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => [
    ...(step.at && step.snapshot ? [{ at: ['snapshot'], message: 'give `at` (a moment to count as of) or `snapshot` (a named snapshot to count in), not both: use one step for each' }] : []),
    ...(step.flagUnchanged && !step.at && !step.snapshot ? [{ at: ['flagUnchanged'], message: 'flagUnchanged compares with a moment or a snapshot: give `at` or `snapshot` too' }] : []),
    ...((step.at || step.snapshot) && !step.scratch ? [{ at: ['scratch'], message: `counting ${step.at ? 'as of `at`' : 'in `snapshot`'} needs \`scratch\`: the name of the clone to count in` }] : []),
    ...(step.writtenSince.length > 0 && (step.at || step.snapshot) ? [{ at: ['writtenSince'], message: 'writtenSince compares the tables as they are now: leave `at` and `snapshot` out' }] : []),
    ...(step.leftIn && step.writtenSince.length === 0 ? [{ at: ['leftIn'], message: 'leftIn says where rows written since are left: give writtenSince too' }] : []),
  ],
  templates: (step) => [
    { at: ['database'], template: step.database, as: 'text' },
    ...step.tables.map((table, i) => ({ at: ['tables', i], template: table, as: 'sql' as const })),
    { at: ['at'], template: step.at, as: 'text' },
    { at: ['snapshot'], template: step.snapshot, as: 'text' },
    ...(step.scratch ? [{ at: ['scratch'], template: step.scratch, as: 'text' as const }] : []),
    ...(step.leftIn ? [{ at: ['leftIn'], template: step.leftIn, as: 'text' as const }] : []),
  ],
  resolve: (step, tools): TableCountsStep => {
    const database = tools.text(step.database);
    const tables = step.tables.map((t) => tools.sql(t));
    const at = tools.text(step.at);
    const snapshot = tools.text(step.snapshot);
    const scratch = step.scratch && tools.text(step.scratch);
    const countIn = (db: string) => tables.map((t) => `SELECT count(*) FROM ${databaseIdentifier(db)}.${t}`);
    const since = step.writtenSince.length > 0 ? { diagnosed: diagnosedCounts(step.writtenSince, tools.values), leftIn: step.leftIn && tools.text(step.leftIn) } : undefined;
    const resolved = { ...step, database, tables, at, snapshot, scratch, since, ...floorOf(step.notFewerThan, tools.values) } as TableCountsStep;
    resolved.countSql = countIn(database);
    // The load check allows one of them; rendered empty (an optional parameter not given), neither.
    const selector = snapshot ? `SNAPSHOT_NAME ${snapshotNameLiteral(snapshot)}` : at ? `SNAPSHOT_TIME ${timestampLiteral(at, tools.now)}` : undefined;
    if (selector && scratch) {
      resolved.cloneSql = `CREATE DATABASE ${databaseIdentifier(scratch)} FROM ${databaseIdentifier(database)} (${selector})`;
      resolved.countAtSql = countIn(scratch);
      resolved.dropSql = `DROP DATABASE ${databaseIdentifier(scratch)}`;
      resolved.clearSql = `DROP DATABASE IF EXISTS ${databaseIdentifier(scratch)}`;
    }
    return resolved;
  },
  describe: (step) =>
    [
      // First, so a message that shows only the start of a long step still says what it writes, and that it is undone.
      ...(step.cloneSql && step.dropSql ? [`-- writes only a scratch clone beside ${step.database}, dropped again at the end: ${step.dropSql}`] : []),
      ...step.countSql,
      ...(step.floor ? [`-- each must have at least the rows the diagnosis counted ${asOfSaid(step.floor.asOf)}: ${step.tables.map((t) => `${t} ${step.floor?.counts[t] ?? '?'}`).join(', ')}`] : []),
      ...(step.since ? [sinceLines(step, step.since)] : []),
      ...(step.cloneSql
        ? [...(step.clearSql ? [`${step.clearSql} -- a scratch clone an earlier diagnosis left`] : []), step.cloneSql, ...(step.countAtSql ?? []), `${step.dropSql} -- always, also when a count fails`]
        : []),
    ].join('\n'),
  readWhenPlanned: async (step, { target }) => {
    if (!step.since) return step;
    const planned: Record<string, number> = {};
    const database = target(step.target);
    const session = await database.open({ writable: false }).catch((error: Error) => Promise.reject(new UserError(`cannot count ${step.database} to make the plan: ${error.message.split('\n')[0]}; nothing was proposed`)));
    try {
      for (const [i, table] of step.tables.entries()) {
        // A table not there (dropped since the moment restored) counts as 0 rows, as the diagnosis and the run count it.
        planned[table] = await session.run(step.countSql[i] as string).then(firstNumber, (error: Error) => (isMissingTable(error.message) ? 0 : Promise.reject(error)));
      }
    } catch (error) {
      throw new UserError(`cannot count ${step.database} to make the plan: ${(error as Error).message.split('\n')[0]}; nothing was proposed`);
    } finally {
      await session.close();
    }
    return { ...step, since: { ...step.since, planned } };
  },
  planWarning: (step) => (step.since ? writtenSinceWarning(step.database, step.tables, step.since) : undefined),
  run: runTableCounts,
});

/** The counts a plan holds its database to, and the diagnosis' they are compared with, as comment lines of the plan. */
function sinceLines(step: TableCountsStep, since: WrittenSince): string {
  const counted = (counts: Record<string, number>) => step.tables.map((t) => `${t} ${counts[t] ?? '?'}`).join(', ');
  return [
    ...(since.diagnosed ? [`-- the diagnosis counted: ${counted(since.diagnosed)}`] : ['-- no diagnosis counted these tables: nothing to compare with']),
    ...(since.planned ? [`-- when this plan was made: ${counted(since.planned)}; any change by the time it runs stops it${since.leftIn ? ` (rows written since would be left only in ${since.leftIn})` : ''}`] : []),
  ].join('\n');
}
