// The rows-outside-window step kind: a table's rows on the day before and the day after a window, against the recovery plan's counts of them before it changed anything.
import { z } from 'zod';
import { keptRowsOn, keptRowsSaid, type KeptRowsOn } from './kept-rows-on.js';
import type { TargetSession } from '../../database/target.js';
import { didYouMean } from '../../runbook/did-you-mean.js';
import { stepCommon, stepId, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, targetOf, type StepRunContext } from './context.js';
import { explainCountFailure } from './date-count-problems.js';
import { defineStepKind, unsetAlike, type ResolvedCommon, type StepIssue, type StepReferences } from './define-step-kind.js';
import { diagnoseTakingIn } from './diagnose-again.js';
import { dayAfter, dayBefore } from './iso-days.js';
import { reloadRowsOutside, reloadRowsSaid, type ReloadRowsOn } from './reload-rows-outside.js';
import { withStepDatabase } from './step-database.js';
import { rowsSaid } from '../../plural.js';

import { resolvedTimeZone, sourceDaySql, sourceToday, timeZoneSetting } from './source-day-sql.js';
const schema = z.strictObject({
  ...stepCommon,
  target: targetChoice,
  kind: z.literal('rows-outside-window'),
  table: template,
  dateColumn: template,
  /** The IANA zone the source works in, whose local day a TIMESTAMPTZ falls on (source-day-sql.ts); absent or empty: its UTC day. */
  timeZone: timeZoneSetting,
  /** The window: its first and last day. */
  from: template,
  to: template,
  /**
   * The ids of a recovery path's previews that counted the table's rows on the day before the window and on the day
   * after it, when its plan was made: the counts these are compared with (a path without them: nothing to compare).
   */
  countedBefore: z.strictObject({ dayBefore: stepId, dayAfter: stepId }),
  /** The command that diagnoses the source again (`from=… to=…` appended) and the most days a window may have. */
  diagnoseAgain: z.strictObject({ command: template, maxDays: z.number().int().positive() }).optional(),
  /**
   * The folder the recovery kept the rows it deleted in: a day outside the window that lost rows is said with the kept
   * files holding rows of it (the ones to put them back from), or that none does.
   */
  keptIn: template.optional(),
});

export type RowsOutsideWindowStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** The recovery plan's counts of the two days, by day; absent when the recovery in place took none of this window. */
    before?: Record<string, number>;
  };

/** The rows per day on the two days, bound to (the day before the window, the day after it); by source_day, as day-counts counts. */
export function outsideCountsSql(step: Pick<RowsOutsideWindowStep, 'table' | 'dateColumn' | 'timeZone'>): string {
  const day = sourceDaySql(step.dateColumn, step.timeZone);
  return `SELECT CAST(${day} AS VARCHAR) AS day, COUNT(*) AS n
  FROM ${step.table}
 WHERE ${day} IN (CAST($1 AS DATE), CAST($2 AS DATE))
 GROUP BY 1`;
}

/**
 * The counts the recovery in place took of the two days when its plan was made, from the `previews` the service gives a
 * validation (that recovery's, when it had this validation's parameters); none when either is missing.
 */
function countedBefore(step: Pick<RowsOutsideWindowStep, 'countedBefore'>, previews: unknown, from: string, to: string): Record<string, number> | undefined {
  const counts = typeof previews === 'object' && previews !== null ? (previews as Record<string, unknown>) : {};
  const [before, after] = [counts[step.countedBefore.dayBefore], counts[step.countedBefore.dayAfter]];
  if (typeof before !== 'number' || typeof after !== 'number') return undefined;
  return { [dayBefore(from)]: before, [dayAfter(to)]: after };
}

export async function runRowsOutsideWindowStep(step: RowsOutsideWindowStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const days = [dayBefore(step.from), dayAfter(step.to)] as const;
  const sides = { [days[0]]: 'the day before the window', [days[1]]: 'the day after it' };
  const table = step.table.replace(/"/g, '');
  const target = targetOf(ctx, step.target);
  let counted = new Map<string, number>();
  let byReload: ReloadRowsOn[] = [];
  let loadsUntold = false;
  let kept: KeptRowsOn[] = [];
  const explain = (error: Error, session: TargetSession) => explainCountFailure(session, step, target.label, error, target.name === 'local');
  const query = await withStepDatabase(ctx, { target: step.target, writable: false, timeoutMs: step.timeoutMs, explain }, async (session, _fail, queryStarted) => {
    counted = new Map((await session.run(outsideCountsSql(step), [...days])).rows.map((row) => [String(row[0]), Number(row[1])]));
    // Only after path A's reload (its plan counted the days): the window was emptied first, so its loads are the reload's.
    if (step.before) {
      const found = await reloadRowsOutside(session, step, days);
      loadsUntold = found === 'untold';
      byReload = found === 'untold' ? [] : found;
    }
    const lost = days.filter((day) => (counted.get(day) ?? 0) < (step.before?.[day] ?? 0));
    if (step.keptIn && lost.length > 0) kept = await keptRowsOn(session, { folder: step.keptIn, table, dateColumn: step.dateColumn, timeZone: step.timeZone }, lost);
    return { status: 'ok', summary: '', durationMs: elapsedSince(queryStarted), outputs: {} };
  });
  if (query.status !== 'ok') return query;
  const now = Object.fromEntries(days.map((day) => [day, counted.get(day) ?? 0]));
  const outputs = { table, dayBefore: days[0], dayAfter: days[1], counts: now, before: step.before ?? {} };
  const nowSaid = days.map((day) => `${day} (${sides[day]}) ${rowsSaid(now[day] ?? 0)}`).join(', ');
  const result = (status: string, summary: string): StepResult => ({ status, summary, durationMs: elapsedSince(started), outputs });
  if (!step.before) {
    return result('not-compared', `${table} has ${nowSaid}; not compared: no recovery of this window counted them before changing anything (path A's plan does, before its reload)`);
  }
  const before = step.before;
  const changes = days.map((day) => ({ day, then: before[day] ?? 0, now: now[day] ?? 0 })).filter((c) => c.now !== c.then);
  if (changes.length === 0 && byReload.length === 0) return result('ok', `no rows added or gone outside the window: ${table} has ${nowSaid}, as when the recovery's plan counted them`);
  // Yesterday's and today's rows (the source's own days, in its timeZone) may still be arriving (a daily load of
  // yesterday lands in the morning, perhaps while the recovery ran): rows added there may be a load's, said but not held
  // against the recovery, unless the reload's own load wrote them.
  const yesterday = dayBefore(sourceToday(ctx.clock(), step.timeZone));
  const loading = (day: string) => day >= yesterday;
  const said = (c: (typeof changes)[number]) =>
    `${c.day} (${sides[c.day]}${loading(c.day) ? '; still loading, so a load may have written them' : ''}): ${c.now > c.then ? `${rowsSaid(c.now - c.then)} added` : `${rowsSaid(c.then - c.now)} gone`} (${c.then} when the plan was made, ${c.now} now)`;
  const held = changes.filter((c) => !(loading(c.day) && c.now > c.then));
  const added = held.filter((c) => c.now > c.then);
  const changedDays = [...new Set([...changes.map((c) => c.day), ...byReload.map((r) => r.day)])].sort();
  const takeIn = diagnoseTakingIn(step.diagnoseAgain, [step.from, ...changedDays].sort()[0] as string, [step.to, ...changedDays].sort().at(-1) as string, [changedDays]);
  const counts = changes.length > 0 ? `rows of ${table} outside the window changed since the recovery's plan counted them: ${changes.map(said).join('; ')}. ` : '';
  const byLoad = byReload.length > 0 ? `${reloadRowsSaid(table, byReload, sides)}. ` : '';
  // As the rollback's restore-rows step does: without dlt's load column it cannot tell the reload's rows there, and leaves them all.
  const rollbackThere = loadsUntold
    ? `${table} has no _dlt_load_id column, so its rollback cannot tell the rows the reload wrote on those days from the others there and leaves them all`
    : 'its rollback takes out, kept first, the rows there of the dlt loads that wrote the window (by _dlt_load_id) and leaves the others';
  const gone = held.filter((c) => c.now < c.then);
  const goneSaid =
    gone.length > 0
      ? `Rows that were there before the recovery are gone from ${gone.map((c) => c.day).join(' and ')}, outside the window its reload loads again: the validation fails on it. ${keptRowsSaid(table, gone.map((c) => c.day), kept, step.keptIn)} `
      : '';
  const summary =
    `${counts}${byLoad}${goneSaid}` +
    `The recovery kept, deleted and restated the window only: what the reload (or a load since) wrote on those days was not kept, is in no mart it restated (a source working in local time into a TIMESTAMPTZ column writes the hours either side of the window into those days, in UTC); ${rollbackThere}; ${takeIn}`;
  if (byReload.length > 0) return result('rows-added', summary);
  if (held.length === 0) return result('ok', summary);
  return result(added.length > 0 ? 'rows-added' : 'rows-gone', summary);
}

function countedBeforeProblems(step: { countedBefore: { dayBefore: string; dayAfter: string } }, scope: StepReferences): StepIssue[] {
  if (scope.phase !== 'validation') return [{ at: ['countedBefore'], message: 'a rows-outside-window step compares a recovery\'s counts with what is there after it: it belongs in the validation' }];
  const known = scope.recoveryPreviews ?? [];
  return (['dayBefore', 'dayAfter'] as const).flatMap((side) =>
    known.includes(step.countedBefore[side]) ? [] : [{ at: ['countedBefore', side], message: `no recovery path has a preview "${step.countedBefore[side]}"${didYouMean(step.countedBefore[side], known)}` }],
  );
}

export const rowsOutsideWindowStepKind = defineStepKind({
  kind: 'rows-outside-window',
  describesSql: true,
  schema,
  // rows-added: a day before yesterday has more rows than the recovery's plan counted (a day still loading is only said),
  // or either day has rows of the dlt load that wrote the window after path A's delete (the reload's, told by _dlt_load_id);
  // rows-gone: fewer, and none more; not-compared: the recovery in place counted neither day (path B, none, another window).
  // unreachable: its target (MotherDuck) could not be reached, so nothing was counted (withStepDatabase).
  statuses: ['ok', 'rows-added', 'rows-gone', 'not-compared', 'no-table', 'bad-dates', 'damaged', 'failed', 'unreachable'],
  // Could not see: nothing to compare with, MotherDuck not reached.
  unseeingStatuses: ['not-compared', 'unreachable'],
  // A count that could not be read (no-table, bad-dates, damaged, failed, unreachable) set nothing but, unreachable, why.
  outputs: unsetAlike({ table: 'text', dayBefore: 'text', dayAfter: 'text', counts: 'map', before: 'map' }, ['no-table', 'bad-dates', 'damaged', 'failed', 'unreachable'], { problem: { shape: 'text', onlyWhen: ['unreachable'] } }),
  defaultTimeoutMs: 5 * 60_000,
  templates: (step) => [
    { at: ['table'], template: step.table, as: 'sql' },
    { at: ['dateColumn'], template: step.dateColumn, as: 'sql' },
    ...(step.timeZone !== undefined ? [{ at: ['timeZone'], template: step.timeZone, as: 'text' as const }] : []),
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
    ...(step.diagnoseAgain ? [{ at: ['diagnoseAgain', 'command'], template: step.diagnoseAgain.command, as: 'text' as const }] : []),
    ...(step.keptIn ? [{ at: ['keptIn'], template: step.keptIn, as: 'text' as const }] : []),
  ],
  references: countedBeforeProblems,
  resolve: (step, tools) => {
    const [from, to] = [tools.text(step.from), tools.text(step.to)];
    const before = countedBefore(step, tools.values.previews, from, to);
    return {
      ...step,
      table: tools.sql(step.table),
      dateColumn: tools.sql(step.dateColumn),
      timeZone: resolvedTimeZone(step.timeZone, tools.text),
      from,
      to,
      ...(step.diagnoseAgain ? { diagnoseAgain: { ...step.diagnoseAgain, command: tools.text(step.diagnoseAgain.command) } } : {}),
      ...(step.keptIn ? { keptIn: tools.text(step.keptIn) } : {}),
      ...(before ? { before } : {}),
    };
  },
  describe: (step) => {
    const then = step.before ? `compared with the recovery plan's counts: ${Object.entries(step.before).map(([day, n]) => `${day} ${n}`).join(', ')}` : 'no recovery plan of this window counted them: not compared';
    return `${outsideCountsSql(step)}\n-- bound: $1 = ${dayBefore(step.from)} (the day before the window), $2 = ${dayAfter(step.to)} (the day after it); ${then}`;
  },
  run: runRowsOutsideWindowStep,
});
