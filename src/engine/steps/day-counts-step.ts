// The day-counts step kind: rows per day in a window against a baseline of the days before it: zero, low, spiking or normal.
import { z } from 'zod';
import type { TargetSession } from '../../database/target.js';
import { didYouMean } from '../../runbook/did-you-mean.js';
import { stepCommon, stepId, template } from '../../runbook/step-common.js';
import { lookup, type TemplateContext } from '../../runbook/template.js';
import { textTable } from '../../text-table.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, targetOf, type StepRunContext } from './context.js';
import { emptyDates, explainCountFailure } from './date-count-problems.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  target: targetChoice,
  kind: z.literal('day-counts'),
  table: template,
  dateColumn: template,
  /** The window; both empty means "scan the last `scanDays` complete days and propose the window". */
  from: z.string().default(''),
  to: z.string().default(''),
  baselineDays: z.number().int().min(3).max(90).default(14),
  scanDays: z.number().int().min(1).max(90).default(30),
  /** Below this fraction of the baseline median a day is "absurdly low". */
  lowBelow: z.number().min(0).max(1).default(0.2),
  /** Above this multiple of the baseline median a day is "spiking". */
  spikeAbove: z.number().min(1).default(5),
  /** The id of a diagnosis step of the same kind whose counts are shown beside these (validation). */
  compareWith: stepId.optional(),
});

export type DayCountsStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** The counts per day of the diagnosis step named by compareWith, shown beside the new ones. */
    before?: Record<string, number>;
  };
/** `incomplete` is today: its rows are still arriving, so it is shown but never judged. */
export type DayVerdict = 'zero' | 'low' | 'spike' | 'normal' | 'incomplete';

export interface DayCount {
  day: string;
  count: number;
  verdict: DayVerdict;
}

const dayMs = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMsOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The query a day-counts step runs, bound to (first baseline day, last window day); shown as is in plans and postmortems. */
export function dayCountsSql(step: Pick<DayCountsStep, 'table' | 'dateColumn'>): string {
  return `SELECT CAST(CAST(${step.dateColumn} AS DATE) AS VARCHAR) AS day, COUNT(*) AS n
  FROM ${step.table}
 WHERE CAST(${step.dateColumn} AS DATE) BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
 GROUP BY 1`;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function judgeDay(count: number, baselineMedian: number, lowBelow: number, spikeAbove: number): DayVerdict {
  if (count === 0) return 'zero';
  if (baselineMedian > 0 && count < baselineMedian * lowBelow) return 'low';
  if (baselineMedian > 0 && count > baselineMedian * spikeAbove) return 'spike';
  return 'normal';
}

/** The window to scan: the one given, or the last `scanDays` complete days before today. */
export function scanWindow(step: Pick<DayCountsStep, 'from' | 'to' | 'scanDays'>, today: Date): { from: string; to: string; proposed: boolean } {
  if (step.from && step.to) return { from: step.from, to: step.to, proposed: false };
  const yesterday = dayMsOf(today.toISOString().slice(0, 10)) - dayMs;
  return { from: isoDay(yesterday - (step.scanDays - 1) * dayMs), to: isoDay(yesterday), proposed: true };
}

/** The counts per day a diagnosis step found, for a validation step that compares with it. */
function countsBefore(stepId: string, values: TemplateContext): Record<string, number> | undefined {
  try {
    const days = lookup(`diagnosis.${stepId}.days`, values) as { day: string; count: number }[];
    return Object.fromEntries(days.map((d) => [d.day, d.count]));
  } catch {
    return undefined;
  }
}

export async function runDayCountsStep(step: DayCountsStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const { from, to, proposed } = scanWindow(step, ctx.clock());
  const baselineFrom = isoDay(dayMsOf(from) - step.baselineDays * dayMs);
  const today = ctx.clock().toISOString().slice(0, 10);
  let counted = new Map<string, number>();
  let empty = 0;
  const database = targetOf(ctx, step.target).label;
  const explain = (error: Error, session: TargetSession) => explainCountFailure(session, step, database, error);
  const query = await withStepDatabase(ctx, { target: step.target, writable: false, timeoutMs: step.timeoutMs, explain }, async (session, _fail, queryStarted) => {
    const reader = await session.run(dayCountsSql(step), [baselineFrom, to]);
    counted = new Map((reader.rows as [string, string][]).map(([day, n]) => [day, Number(n)]));
    // A row with no date is in no day's count, and no window's DELETE touches it: said beside the counts, not held against them.
    empty = await emptyDates(session, step.table, step.dateColumn);
    return { status: 'ok', summary: '', durationMs: elapsedSince(queryStarted), outputs: {} };
  });
  if (query.status !== 'ok') return query;
  const baseline: number[] = [];
  for (let ms = dayMsOf(baselineFrom); ms < dayMsOf(from); ms += dayMs) baseline.push(counted.get(isoDay(ms)) ?? 0);
  const baselineMedian = median(baseline);
  const days: DayCount[] = [];
  for (let ms = dayMsOf(from); ms <= dayMsOf(to); ms += dayMs) {
    const count = counted.get(isoDay(ms)) ?? 0;
    const day = isoDay(ms);
    days.push({ day, count, verdict: day === today ? 'incomplete' : judgeDay(count, baselineMedian, step.lowBelow, step.spikeAbove) });
  }
  const bad = days.filter((d) => d.verdict !== 'normal' && d.verdict !== 'incomplete');
  const noBaseline = baselineMedian === 0 ? '; no baseline (the days before have no rows), so only empty days can be judged' : '';
  const columns = step.before ? ['day', 'before', 'rows', 'verdict'] : ['day', 'rows', 'verdict'];
  const rows = days.map((d) => (step.before ? [d.day, step.before[d.day] ?? '', d.count, d.verdict] : [d.day, d.count, d.verdict]));
  const table = `${textTable(columns, rows, 100)}\nbaseline: median ${baselineMedian} rows/day over ${baselineFrom} … ${isoDay(dayMsOf(from) - dayMs)}`;
  const tableName = step.table.replace(/"/g, '');
  const described = bad.map((d) => `${d.day} ${d.verdict} (${d.count})`).join(', ');
  return {
    status: bad.length > 0 ? 'anomalies' : 'ok',
    summary:
      (bad.length > 0
        ? `${bad.length} of ${days.length} days look wrong in ${tableName} (${from} … ${to}, baseline median ${baselineMedian}/day${noBaseline}): ${described}`
        : `all ${days.length} days normal in ${tableName} (${from} … ${to}, baseline median ${baselineMedian}/day${noBaseline})`) +
      (empty > 0 ? `; ${empty} ${empty === 1 ? 'row has' : 'rows have'} no ${step.dateColumn.replace(/"/g, '')} (NULL): in no day's count, and untouched by a window's recovery` : ''),
    output: table,
    durationMs: elapsedSince(started),
    outputs: {
      from,
      to,
      windowProposed: proposed,
      baselineMedian,
      days,
      badDays: bad.map((d) => d.day),
      proposedFrom: bad[0]?.day ?? '',
      proposedTo: bad.at(-1)?.day ?? '',
    },
  };
}

export const dayCountsStepKind = defineStepKind({
  kind: 'day-counts',
  schema,
  // no-table: the table is not in the database; bad-dates: values of the date column that do not read as dates.
  statuses: ['ok', 'anomalies', 'no-table', 'bad-dates', 'failed'],
  outputs: ['from', 'to', 'windowProposed', 'baselineMedian', 'days', 'badDays', 'proposedFrom', 'proposedTo'],
  defaultTimeoutMs: 5 * 60_000,
  templates: (step) => [
    { at: ['table'], template: step.table, as: 'sql' },
    { at: ['dateColumn'], template: step.dateColumn, as: 'sql' },
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
  ],
  references: (step, { diagnosisSteps, phase }) => {
    if (!step.compareWith) return [];
    if (phase === 'diagnosis') return [{ at: ['compareWith'], message: 'compareWith names a diagnosis step; a diagnosis step has nothing to compare with' }];
    const target = diagnosisSteps.find((s) => s.id === step.compareWith);
    if (!target) return [{ at: ['compareWith'], message: `no diagnosis step "${step.compareWith}"${didYouMean(step.compareWith, diagnosisSteps.map((s) => s.id))}` }];
    if (target.kind !== 'day-counts') return [{ at: ['compareWith'], message: `diagnosis step "${target.id}" is a ${target.kind} step, not day-counts: it has no counts per day to compare with` }];
    return [];
  },
  resolve: (step, tools) => ({
    ...step,
    table: tools.sql(step.table),
    dateColumn: tools.sql(step.dateColumn),
    from: tools.text(step.from),
    to: tools.text(step.to),
    before: step.compareWith ? countsBefore(step.compareWith, tools.values) : undefined,
  }),
  describe: (step) => {
    const window = step.from && step.to ? `${step.from} … ${step.to}` : `the last ${step.scanDays} complete days`;
    return `${dayCountsSql(step)}\n-- bound: $1 = ${step.baselineDays} days before the window's first day, $2 = its last day; window: ${window}`;
  },
  run: runDayCountsStep,
});
