// The day-counts step kind: rows per day in a window against a baseline of the days before it (zero, low, spiking, normal, loaded twice), and where the table's rows begin and end.
import { z } from 'zod';
import type { TargetSession } from '../../database/target.js';
import { didYouMean } from '../../runbook/did-you-mean.js';
import { stepCommon, stepId, template } from '../../runbook/step-common.js';
import { lookup, quoteIdentifier, type TemplateContext } from '../../runbook/template.js';
import { foldRows, textTable } from '../../text-table.js';
import { plural, rowsSaid } from '../../plural.js';
import { stepExcerptChars } from '../../excerpt.js';
import type { StepResult } from '../types.js';
import { compareBadDays, dayRanges, doubledFrom, normalBetween } from './bad-days-compared.js';
import { elapsedSince, targetChoice, targetOf, type StepRunContext } from './context.js';
import { emptyDates, explainCountFailure } from './date-count-problems.js';
import { defineStepKind, unsetAlike, type ResolvedCommon, type StepIssue, type StepReferences } from './define-step-kind.js';
import { dayMs, dayMsOf, isoDay } from './iso-days.js';
import { partlyRemovedAround, partlyRemovedAroundSaid, removedAround, removedAroundSaid, removedDays, removedSaid } from './rows-removed.js';
import { badBeforeSaid, badBeforeWindow } from './bad-before-window.js';
import { diagnoseTakingIn } from './diagnose-again.js';
import { withStepDatabase } from './step-database.js';
import { settingOf } from './undated-column.js';
import { resolvedTimeZone, sourceDaySql, sourceToday, timeZoneSetting } from './source-day-sql.js';
import { weekdaysSaid } from './weekdays-said.js';
import { loadsOfDays, loadsSaid } from './dlt-loads.js';
import { median } from './median.js';
import { shortSaid, usualPerWeekday, type ShortOf } from './short-days.js';
import { repeatsAround, repeatsAroundSaid, type RepeatsOn } from './repeats-around.js';

const schema = z.strictObject({
  ...stepCommon,
  target: targetChoice,
  kind: z.literal('day-counts'),
  table: template,
  dateColumn: template,
  /** The IANA zone the source works in, whose local day a TIMESTAMPTZ falls on (source-day-sql.ts); absent or empty: its UTC day. */
  timeZone: timeZoneSetting,
  /** The window; both empty means "scan the last `scanDays` complete days and propose the window". */
  from: z.string().default(''),
  to: z.string().default(''),
  baselineDays: z.number().int().min(3).max(90).default(14),
  scanDays: z.number().int().min(1).max(90).default(30),
  /** Below this fraction of the baseline median a day is "absurdly low". */
  lowBelow: z.number().min(0).max(1).default(0.2),
  /**
   * Below this fraction of the baseline median (or of its weekday's, where that weekday is usually lower) a day not low
   * is "short": part of its rows missing, as a load that hit API errors part-way leaves. Normal variation stays above it.
   */
  shortBelow: z.number().min(0).max(1).default(0.6),
  /** Above this multiple of the baseline median a day is "spiking". */
  spikeAbove: z.number().min(1).default(5),
  /** The id of a diagnosis step of the same kind whose counts are shown beside these (validation). */
  compareWith: stepId.optional(),
  /**
   * Comma-separated primary-key columns: each day of the window also counts the rows that repeat a key another row of
   * that day has (a day loaded twice doubles its rows, which the spike threshold lets pass). Empty: not counted.
   */
  key: z.string().default(''),
  /**
   * A day whose rows repeat a key another row of the day has is "duplicates" however few they are (a key is loaded once:
   * a repeat left in the table is a wrong row, and a window that left the day out would leave it). From this fraction
   * of its rows the day is said loaded more than once (a day loaded twice has about half); under it, part of it again.
   */
  repeatsFrom: z.number().gt(0).max(1).default(0.1),
  /**
   * Up to this many rows on the window's largest day, repeated keys are counted exactly; above it, in the keys whose
   * hash falls in a 1-in-n slice (every row of a key is in it or none is), then scaled: an exact distinct count per day
   * was most of the diagnosis' time on a large table. DuckDB's approx_count_distinct is no cheaper way: its estimate of
   * a day with no repeat is off by up to a quarter of the day's rows, over the 10 % above.
   */
  exactRepeatsUpTo: z.number().int().min(1_000).default(50_000),
  /**
   * An earlier diagnosis step of this kind counting the table built from this one (the mart, for a raw table): the
   * outputs then say which bad days both tables have and which only one of them has.
   */
  tellApartFrom: stepId.optional(),
  /**
   * The command that diagnoses this source again (`from=… to=…` appended) and the most days a window may have, for days
   * outside the window to take in: days before it that look wrong too, and (with tellApartFrom) days around it whose
   * rows were removed too. Without it, `from=… to=…` alone is said.
   */
  diagnoseAgain: z.strictObject({ command: template, maxDays: z.number().int().positive() }).optional(),
});

export type DayCountsStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** The counts per day of the diagnosis step named by compareWith, shown beside the new ones. */
    before?: Record<string, number>;
    /** That diagnosis step's baseline median: one it had and this count has lost is not "no baseline" to accept. */
    baselineBefore?: number;
    /** That diagnosis step found the table with no rows at all: rows in the window alone now are not a table rebuilt. */
    diagnosedEmpty?: boolean;
    /** The runbook setting dateColumn names the column by (raw_date_column): what to correct when it holds no dates. */
    dateColumnSetting?: string;
  };
/**
 * `short`: under the step's `shortBelow` of the usual rows, not low (part of the day's rows missing). `incomplete` is today: its rows are still arriving, so it is shown but never judged. `before-first-row`: a day before
 * the table's first row, which the source never had (a source younger than the window), shown but never judged.
 * `duplicates`: a count in the normal range, but rows repeating a primary key another row of the day has (the day,
 * or part of it, was loaded again). `doubled`: in the normal range, but at about twice the median or more (doubledFrom),
 * no key repeated: no bad day by its count alone, no normal one either. `quiet`: no rows on a weekday that had none in every week of
 * the baseline either (a source that does not load at weekends): as usual, not a bad day.
 */
export type DayVerdict = 'zero' | 'low' | 'short' | 'spike' | 'normal' | 'doubled' | 'quiet' | 'duplicates' | 'incomplete' | 'before-first-row';

export interface DayCount {
  day: string;
  count: number;
  verdict: DayVerdict;
  /** Rows beyond the first with the same key that day (only when the step has a key; an estimate when sampled). */
  repeated?: number;
}

/** One key in how many the repeats query reads (1: all), given the rows of the window's largest day. */
export function repeatsSampleEvery(largestDay: number, exactUpTo: number): number {
  return Math.max(1, Math.ceil(largestDay / exactUpTo));
}

/** Under this share of its usual rows, a day next to a bad one is short too (see markShortNextToBadDays). */
const shortNextToBadBelow = 0.9;

/**
 * A day counted by UTC that the source keeps in its own zone (a TIMESTAMPTZ, whose offset is lost): a local day lost
 * whole is a UTC day short or zero and the first or last hours of the UTC day next to it, which the usual shortBelow
 * calls normal (95 of 120 rows). A normal day next to a zero, low or short one, under 90% of its usual rows, is short.
 */
function markShortNextToBadDays(days: DayCount[], usualOn: (day: string) => number): void {
  const badNow = new Set(days.filter((d) => d.verdict === 'zero' || d.verdict === 'low' || d.verdict === 'short').map((d) => d.day));
  for (const [i, d] of days.entries()) {
    const nextToBad = badNow.has(days[i - 1]?.day ?? '') || badNow.has(days[i + 1]?.day ?? '');
    if (d.verdict === 'normal' && nextToBad && d.count < usualOn(d.day) * shortNextToBadBelow) d.verdict = 'short';
  }
}

const keyColumns = (key: string) => key.split(',').map((k) => k.trim()).filter(Boolean).map(quoteIdentifier);

/**
 * The rows per day, bound to (first day read before the window: the baseline's and the as many days before it, last day
 * read after the window); shown as is in plans and postmortems. By source_day (duckdb/open.ts), as the runbooks keep and
 * delete a window's rows and the reload loads them: text with an offset falls on the date written (the source's day), a
 * TIMESTAMPTZ on its day in the step's timeZone (the source's), or its UTC day without one.
 */
export function dayCountsSql(step: Pick<DayCountsStep, 'table' | 'dateColumn' | 'timeZone'>): string {
  const day = sourceDaySql(step.dateColumn, step.timeZone);
  return `SELECT CAST(${day} AS VARCHAR) AS day, COUNT(*) AS n
  FROM ${step.table}
 WHERE ${day} BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
 GROUP BY 1`;
}

/**
 * The rows repeating a key per day, for the days judged only (the baseline's are never read), bound to (first judged
 * day, last judged day, n): in the keys whose hash is in a 1-in-n slice, to be multiplied by n. '' without a key.
 */
export function repeatedKeysSql(step: Pick<DayCountsStep, 'table' | 'dateColumn' | 'timeZone' | 'key'>): string {
  const keys = keyColumns(step.key ?? '');
  if (keys.length === 0) return '';
  const key = keys.length === 1 ? keys[0] : `(${keys.join(', ')})`;
  const day = sourceDaySql(step.dateColumn, step.timeZone);
  // A NULL key is no key: count(key) leaves it out, so it is never a repeat.
  return `SELECT CAST(${day} AS VARCHAR) AS day, COUNT(${key}) - COUNT(DISTINCT ${key}) AS repeated
  FROM ${step.table}
 WHERE ${day} BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) AND hash(${keys.join(', ')}) % CAST($3 AS UBIGINT) = 0
 GROUP BY 1`;
}

/** The table's first and last day: whether a window of empty days is before its rows, after them, or a gap in them. */
/**
 * The table's first and last day up to today ($1), its rows dated after today (how many, and the latest), and those
 * dated -infinity: a mis-dated row is in no day judged, and taken for the first or last day it would hide where the
 * source's rows start, or that it stopped loading.
 */
export function daySpanSql(step: Pick<DayCountsStep, 'table' | 'dateColumn' | 'timeZone'>): string {
  const onADay = `d > DATE '-infinity' AND d <= CAST($1 AS DATE)`;
  return `SELECT CAST(min(d) FILTER (WHERE ${onADay}) AS VARCHAR), CAST(max(d) FILTER (WHERE ${onADay}) AS VARCHAR), count(*) FILTER (WHERE d > CAST($1 AS DATE)), CAST(max(d) AS VARCHAR), count(*) FILTER (WHERE d = DATE '-infinity') FROM (SELECT ${sourceDaySql(step.dateColumn, step.timeZone)} AS d FROM ${step.table})`;
}

/**
 * The fewest days with rows before the window that a median is taken of. With one or two, one odd day (a half load, a
 * catch-up) is the median or half of it; three is the fewest whose median one odd day does not move, and the fewest
 * days `baselineDays` allows. Fewer: no baseline, as for a window at the source's start.
 */
const fewestBaselineDays = 3;

export function judgeDay(count: number, baselineMedian: number, lowBelow: number, spikeAbove: number): 'zero' | 'low' | 'spike' | 'normal' {
  if (count === 0) return 'zero';
  if (baselineMedian > 0 && count < baselineMedian * lowBelow) return 'low';
  if (baselineMedian > 0 && count > baselineMedian * spikeAbove) return 'spike';
  return 'normal';
}

/**
 * The weekdays (0 Sunday … 6 Saturday) with no rows in any week of the baseline, seen at least twice there outside an
 * outage: a source that does not load at weekends has none on them, which is as usual, not a bad day. None without a
 * baseline to judge by.
 */
export function quietWeekdays(baselineFrom: string, windowFrom: string, countOf: (day: string) => number | undefined, baselineMedian: number): Set<number> {
  const seen = new Map<number, number[]>();
  if (baselineMedian === 0) return new Set();
  const baseline: { ms: number; count: number | undefined }[] = [];
  for (let ms = dayMsOf(baselineFrom); ms < dayMsOf(windowFrom); ms += dayMs) baseline.push({ ms, count: countOf(isoDay(ms)) });
  // An outage (more than two empty days in a row) empties every weekday it spans: no sign of a weekday the source skips.
  const inOutage = baseline.map((_, i) => {
    let start = i;
    let end = i;
    while (start > 0 && baseline[start - 1]?.count === 0 && baseline[i]?.count === 0) start -= 1;
    while (end < baseline.length - 1 && baseline[end + 1]?.count === 0 && baseline[i]?.count === 0) end += 1;
    return baseline[i]?.count === 0 && end - start >= 2;
  });
  for (const [i, { ms, count }] of baseline.entries()) {
    if (count === undefined || inOutage[i]) continue;
    const weekday = new Date(ms).getUTCDay();
    seen.set(weekday, [...(seen.get(weekday) ?? []), count]);
  }
  return new Set([...seen].filter(([, counts]) => counts.length >= 2 && counts.every((n) => n === 0)).map(([weekday]) => weekday));
}

/** "no rows on 2026-11-07, 2026-11-08 (Saturdays and Sundays), as on every one of those weekdays in the 14 days before …". */
function quietSaid(days: readonly DayCount[], baselineDays: number): string {
  const listed = days.length > 4 ? `${days.length} days` : days.map((d) => d.day).join(', ');
  return `no rows on ${listed} (${weekdaysSaid(days.map((d) => d.day))}), as on every one of those weekdays in the ${baselineDays} days before: as usual for this source, not bad days`;
}

/** The window to scan: the one given, or the last `scanDays` complete days before today (the source's, in its timeZone). */
export function scanWindow(step: Pick<DayCountsStep, 'from' | 'to' | 'scanDays' | 'timeZone'>, now: Date): { from: string; to: string; proposed: boolean } {
  if (step.from && step.to) return { from: step.from, to: step.to, proposed: false };
  const yesterday = dayMsOf(sourceToday(now, step.timeZone)) - dayMs;
  return { from: isoDay(yesterday - (step.scanDays - 1) * dayMs), to: isoDay(yesterday), proposed: true };
}

/** A diagnosis day-counts step's days, when it counted `table` (as SQL renders it); undefined for another table or none. */
export function diagnosedDays(stepId: string, values: TemplateContext, table: string): DayCount[] | undefined {
  try {
    if (String(lookup(`diagnosis.${stepId}.table`, values)) !== table.replace(/"/g, '')) return undefined;
    return lookup(`diagnosis.${stepId}.days`, values) as DayCount[];
  } catch {
    return undefined;
  }
}

/**
 * What a diagnosis step found of the same table, for a validation step that compares with it: its counts per day, and
 * its baseline median when it judged a window starting on the same day (so the same days before). Another source's
 * (diagnosed ebird, recovering noaa) is nothing to compare with.
 */
function diagnosedBefore(stepId: string, values: TemplateContext, table: string, from: string): { before?: Record<string, number>; baselineBefore?: number; diagnosedEmpty?: boolean } {
  try {
    const days = diagnosedDays(stepId, values, table);
    if (!days) return {};
    const median = Number(lookup(`diagnosis.${stepId}.baselineMedian`, values));
    const sameWindow = String(lookup(`diagnosis.${stepId}.from`, values)) === from && Number.isFinite(median);
    const empty = String(lookup(`diagnosis.${stepId}.status`, values)) === 'empty';
    return { before: Object.fromEntries(days.map((d) => [d.day, d.count])), ...(sameWindow ? { baselineBefore: median } : {}), ...(empty ? { diagnosedEmpty: true } : {}) };
  } catch {
    return {};
  }
}

/** Where the table's rows are, when a window has none: before them, after them (it stopped loading), or nowhere. */
function noRowsThere(table: string, from: string, to: string, span: { first: string; last: string }, futureRows: number, beforeAnyDay: number): string | undefined {
  if (!span.first && beforeAnyDay > 0) return `${table} has no rows on any day up to today`;
  if (!span.first) return futureRows > 0 ? `${table} has no rows dated up to today` : `${table} has no rows at all (no day has any, in the window or out of it)`;
  const runs = `its rows run from ${span.first} to ${span.last}`;
  if (to < span.first) return `no rows in ${table} for ${from} … ${to}: ${runs}, all after the window`;
  if (from > span.last) return `no rows in ${table} for ${from} … ${to}: ${runs}, so it stopped loading on ${span.last}`;
  return undefined;
}

/** "80%"; "under 1%" for a share that rounds to none, which would read as no repeats at all. */
function shareOf(part: number, whole: number): string {
  const percent = Math.round((part / whole) * 100);
  return percent === 0 ? 'under 1%' : `${percent}%`;
}

/**
 * `about` when the repeats were counted in a slice of the keys and scaled. A bad day's repeats are said here, with
 * their share of its rows: from `repeatsFrom` of them it was loaded more than once, whatever its count says too.
 */
function describeDay(d: DayCount, about: string, repeatsFrom: number, usual: (day: string) => ShortOf): string {
  if (d.verdict === 'short' && !d.repeated) return `${d.day} short (${rowsSaid(d.count)}, ${shortSaid(d.count, usual(d.day))}: part of the day's rows missing)`;
  if (d.verdict === 'duplicates') {
    const part = (d.repeated ?? 0) < d.count * repeatsFrom ? `: ${shareOf(d.repeated ?? 0, d.count)}, part of the day loaded again` : '';
    return `${d.day} duplicates (${rowsSaid(d.count)}, ${about}${plural(d.repeated ?? 0, 'repeats a key', 'repeat a key')} of the day${part})`;
  }
  if (!d.repeated) return `${d.day} ${d.verdict} (${d.count})`;
  const loadedAgain = d.repeated >= d.count * repeatsFrom ? ': loaded more than once' : '';
  return `${d.day} ${d.verdict} (${rowsSaid(d.count)}, ${about}${d.repeated} of them (${shareOf(d.repeated, d.count)}) ${d.repeated === 1 ? 'repeats' : 'repeat'} a key of the day${loadedAgain})`;
}

const maxDay = (a: string, b: string) => (a > b ? a : b);
const minDay = (a: string, b: string) => (a < b ? a : b);

export async function runDayCountsStep(step: DayCountsStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const { from, to, proposed } = scanWindow(step, ctx.clock());
  const baselineFrom = isoDay(dayMsOf(from) - step.baselineDays * dayMs);
  // As many days again before the baseline: a level that changed before the window is told by them (below).
  const olderFrom = isoDay(dayMsOf(baselineFrom) - step.baselineDays * dayMs);
  // The source's today, still loading and never judged: in its time zone, where its day may still be under way in UTC's next.
  const today = sourceToday(ctx.clock(), step.timeZone);
  // As many days after the window as before it, up to yesterday: rows removed just after it are left by its recovery too.
  const readTo = maxDay(to, minDay(isoDay(dayMsOf(to) + step.baselineDays * dayMs), isoDay(dayMsOf(today) - dayMs)));
  let counted = new Map<string, number>();
  let repeats = new Map<string, number>();
  let around: RepeatsOn[] = [];
  let sampleEvery = 1;
  let empty = 0;
  let span = { first: '', last: '' };
  let future = { rows: 0, latest: '' };
  let beforeAnyDay = 0;
  const keyed = keyColumns(step.key).length > 0;
  const target = targetOf(ctx, step.target);
  const database = target.label;
  // Damage is a local file's: MotherDuck's own errors are not a file to diagnose with scenario 1.
  const explain = (error: Error, session: TargetSession) => explainCountFailure(session, step, database, error, target.name === 'local');
  const query = await withStepDatabase(ctx, { target: step.target, writable: false, timeoutMs: step.timeoutMs, explain }, async (session, _fail, queryStarted) => {
    const reader = await session.run(dayCountsSql(step), [olderFrom, readTo]);
    counted = new Map(reader.rows.map((row) => [String(row[0]), Number(row[1])]));
    // A row with no date is in no day's count, and no window's DELETE touches it: said beside the counts, not held against them.
    empty = await emptyDates(session, step.table, step.dateColumn);
    const [first, last, later, latest, earliest] = (await session.run(daySpanSql(step), [today])).rows[0] ?? [];
    span = { first: first == null ? '' : String(first), last: last == null ? '' : String(last) };
    future = { rows: Number(later ?? 0), latest: latest == null ? '' : String(latest) };
    beforeAnyDay = Number(earliest ?? 0);
    // Repeats only on the days judged: from the table's first row (or the window's first day) to yesterday at the latest.
    const judgedFrom = maxDay(from, span.first);
    const judgedTo = minDay(to, isoDay(dayMsOf(today) - dayMs));
    if (keyed && span.first && judgedFrom <= judgedTo) {
      const largest = Math.max(0, ...[...counted].filter(([day]) => day >= judgedFrom && day <= judgedTo).map(([, n]) => n));
      sampleEvery = repeatsSampleEvery(largest, step.exactRepeatsUpTo);
      const sampled = await session.run(repeatedKeysSql(step), [judgedFrom, judgedTo, sampleEvery]);
      repeats = new Map(sampled.rows.map((row) => [String(row[0]), Number(row[1]) * sampleEvery]));
      // A load run twice across the window's edge repeats keys on the days beyond it too: those read around it are asked.
      const repeatsOn = async (day: string): Promise<RepeatsOn> => {
        const count = counted.get(day) ?? 0;
        const every = repeatsSampleEvery(count, step.exactRepeatsUpTo);
        const [row] = (await session.run(repeatedKeysSql(step), [day, day, every])).rows;
        return { day, count, repeated: Number(row?.[1] ?? 0) * every };
      };
      const readFrom = maxDay(baselineFrom, span.first);
      const edges = { first: judgedFrom === from && (repeats.get(from) ?? 0) > 0, last: judgedTo === to && (repeats.get(to) ?? 0) > 0 };
      around = await repeatsAround({ from, to, readFrom, readTo: minDay(readTo, isoDay(dayMsOf(today) - dayMs)) }, edges, repeatsOn);
    }
    return { status: 'ok', summary: '', durationMs: elapsedSince(queryStarted), outputs: {} };
  });
  if (query.status !== 'ok') return query;
  // Days before the table's first row are days the source never had: not a baseline of empty days, and not judged.
  const beforeRows = (day: string) => span.first !== '' && day < span.first;
  const baseline: number[] = [];
  for (let ms = dayMsOf(baselineFrom); ms < dayMsOf(from); ms += dayMs) if (!beforeRows(isoDay(ms))) baseline.push(counted.get(isoDay(ms)) ?? 0);
  // An empty day before the window (an outage, a weekend off) is no count to judge a day by: a week-long outage would
  // take the median to 0 and every day of the window to "normal". The median is of the days that have rows.
  const baselineWithRows = baseline.filter((n) => n > 0);
  const baselineMedian = baselineWithRows.length >= fewestBaselineDays ? median(baselineWithRows) : 0;
  // The days before the window may be bad themselves: once more than half of them are (a source down to a tenth of its
  // rows since before the window), their median is the bad level and every day at it normal. The days before them,
  // where the table has them, tell: when the baseline's median would itself be low or spiking against theirs, the level
  // changed before the window, and its days (and the baseline's) are judged by the older median.
  const older: number[] = [];
  for (let ms = dayMsOf(olderFrom); ms < dayMsOf(baselineFrom); ms += dayMs) if (!beforeRows(isoDay(ms))) older.push(counted.get(isoDay(ms)) ?? 0);
  const olderWithRows = older.filter((n) => n > 0);
  const olderMedian = olderWithRows.length >= fewestBaselineDays ? median(olderWithRows) : 0;
  const levelChange = baselineMedian > 0 && olderMedian > 0 ? judgeDay(baselineMedian, olderMedian, step.lowBelow, step.spikeAbove) : 'normal';
  const shifted = levelChange === 'low' || levelChange === 'spike';
  const reference = shifted ? olderMedian : baselineMedian;
  // What the diagnosis counted on these same days before the window, where its own window covered them; else its own
  // baseline's median when it judged a window starting on the same day.
  const countedThen: number[] = [];
  // Days before the window that had rows when the diagnosis counted them and have none now (a replace load wiped them).
  const emptiedDays: string[] = [];
  for (let ms = dayMsOf(baselineFrom); ms < dayMsOf(from); ms += dayMs) {
    const then = step.before?.[isoDay(ms)];
    if (then !== undefined) countedThen.push(then);
    if (then !== undefined && then > 0 && (counted.get(isoDay(ms)) ?? 0) === 0) emptiedDays.push(isoDay(ms));
  }
  const medianThen = countedThen.length > 0 ? median(countedThen) : (step.baselineBefore ?? 0);
  const quiet = quietWeekdays(baselineFrom, from, (day) => (beforeRows(day) ? undefined : (counted.get(day) ?? 0)), baselineMedian);
  // Short is judged against the days the median was taken of, weekday by weekday: a weekend usually lower is no short day.
  const usual = usualPerWeekday(shifted ? olderFrom : baselineFrom, shifted ? baselineFrom : from, reference, (day) => (beforeRows(day) ? undefined : (counted.get(day) ?? 0)));
  const days: DayCount[] = [];
  for (let ms = dayMsOf(from); ms <= dayMsOf(to); ms += dayMs) {
    const day = isoDay(ms);
    const count = counted.get(day) ?? 0;
    const repeated = repeats.get(day) ?? 0;
    const judgedByCount = day === today ? 'incomplete' : beforeRows(day) ? 'before-first-row' : judgeDay(count, reference, step.lowBelow, step.spikeAbove);
    const short = judgedByCount === 'normal' && reference > 0 && count < usual(day).usual * step.shortBelow;
    const judged = judgedByCount === 'zero' && quiet.has(new Date(ms).getUTCDay()) ? 'quiet' : short ? 'short' : judgedByCount;
    // About twice the usual rows (a day loaded twice) is under the spike threshold, but no normal day: labelled so in the
    // table, where the summary says it, and kept in the table's short view.
    const twice = judged === 'normal' && reference > 0 && count >= reference * doubledFrom;
    const verdict = judged === 'normal' && repeated > 0 ? 'duplicates' : twice ? 'doubled' : judged;
    days.push(keyed ? { day, count, verdict, repeated } : { day, count, verdict });
  }
  markShortNextToBadDays(days, (day) => usual(day).usual);
  const complete = days.filter((d) => d.verdict !== 'incomplete');
  const judgedDays = complete.filter((d) => d.verdict !== 'before-first-row');
  const unjudgedBefore = complete.length - judgedDays.length;
  const loading = days.find((d) => d.verdict === 'incomplete');
  // A doubled day is no bad day by its count alone (the status `doubled` says it apart).
  const bad = judgedDays.filter((d) => d.verdict !== 'normal' && d.verdict !== 'quiet' && d.verdict !== 'doubled');
  const quietDays = judgedDays.filter((d) => d.verdict === 'quiet');
  const doubledDays = judgedDays.filter((d) => d.verdict === 'doubled').map((d) => d.day);
  const tableName = step.table.replace(/"/g, '');
  // Every complete day before the first row is a window wholly before the table's rows, as much as one with no rows at all.
  const noRows = complete.length > 0 && judgedDays.every((d) => d.count === 0) ? noRowsThere(tableName, complete[0]!.day, complete.at(-1)!.day, span, future.rows, beforeAnyDay) : undefined;
  // With no rows in the days before, only an empty day can be told from a normal one: "all normal" would claim more.
  const judged = bad.some((d) => d.verdict !== 'duplicates') ? 'anomalies' : bad.length > 0 ? 'duplicates' : baselineMedian === 0 ? 'no-baseline' : 'ok';
  // The days before the window had rows when the diagnosis counted them and have none now: rows outside the window went.
  const baselineLost = emptiedDays.length > 0 || (countedThen.length === 0 && judged === 'no-baseline' && medianThen > 0 && baseline.every((n) => n === 0));
  // The table built from this one has rows on days this one has none on, the whole window or days inside it: they
  // were here, and were removed (not an outage, which empties both; not days the mart has yet to be rebuilt for).
  const other = step.tellApartFrom ? ctx.earlier?.get(step.tellApartFrom) : undefined;
  const otherTable = String(other?.outputs.table ?? '');
  const otherDays = other && Array.isArray(other.outputs.days) ? (other.outputs.days as DayCount[]) : [];
  const windowEmpty = judgedDays.every((d) => d.count === 0);
  const removedFrom = removedDays(days, otherDays);
  // The days read before and after the window that have rows, for a raw step to find the rows removed around it.
  const countsOutside = Object.fromEntries([...counted].filter(([day, n]) => ((day >= baselineFrom && day < from) || day > to) && n > 0));
  const builtOutside = other?.outputs.countsOutside && typeof other.outputs.countsOutside === 'object' ? (other.outputs.countsOutside as Record<string, number>) : {};
  const removedOutside = removedAround(builtOutside, (day) => counted.get(day) ?? 0, (day) => quiet.has(new Date(dayMsOf(day)).getUTCDay()), today);
  // Days around the window with part of their rows left, judged as the window's days are, where the built table has
  // its usual rows (not short by its own median): removed there too. Said only: the window proposed stays the one typed.
  const builtJudgedBy = Number(other?.outputs.judgedBy ?? 0);
  const partlyOutside = partlyRemovedAround(
    builtOutside,
    (count) => builtJudgedBy > 0 && count >= builtJudgedBy * step.shortBelow,
    (day) => {
      const count = counted.get(day) ?? 0;
      if (reference === 0 || count === 0 || beforeRows(day)) return undefined;
      const verdict = judgeDay(count, reference, step.lowBelow, step.spikeAbove);
      if (verdict === 'low') return { count, verdict };
      return verdict === 'normal' && count < usual(day).usual * step.shortBelow ? { count, verdict: 'short' } : undefined;
    },
    today,
  );
  const aroundSaid = [
    removedOutside.length > 0 ? removedAroundSaid({ table: tableName, from, to }, otherTable, removedOutside, step.diagnoseAgain) : '',
    partlyOutside.length > 0 ? partlyRemovedAroundSaid({ table: tableName, from, to }, otherTable, partlyOutside, step.diagnoseAgain) : '',
    repeatsAroundSaid({ table: tableName, from, to }, around, around.some((d) => d.count > step.exactRepeatsUpTo) ? 'about ' : '', step.diagnoseAgain),
  ]
    .filter(Boolean)
    .join('; ');
  // Days before the window bad by the same measure (rows removed there are said above, apart).
  const isQuiet = (day: string) => quiet.has(new Date(dayMsOf(day)).getUTCDay());
  const badBefore = badBeforeWindow({
    readFrom: olderFrom,
    baselineFrom,
    windowFrom: from,
    firstDay: span.first,
    windowStartsBad: bad[0]?.day === from,
    count: (day) => counted.get(day) ?? 0,
    judge: (day) => {
      if (reference === 0 || beforeRows(day) || removedOutside.includes(day) || partlyOutside.some((d) => d.day === day)) return undefined;
      const verdict = judgeDay(counted.get(day) ?? 0, reference, step.lowBelow, step.spikeAbove);
      return verdict === 'zero' && isQuiet(day) ? 'quiet' : verdict;
    },
  });
  const badBeforeText = badBeforeSaid(tableName, badBefore, reference);
  // A table with no rows at all is not a window of bad days: nothing in it is (an empty mart is rebuilt whole).
  const tableEmpty = noRows !== undefined && !span.first && future.rows === 0 && beforeAnyDay === 0 && empty === 0;
  // The diagnosis found the table empty, and the days before the window still have no rows: only the window was built.
  const stillEmpty = step.diagnosedEmpty === true && !noRows && baselineWithRows.length === 0;
  // A day with about twice its usual rows (a day loaded twice) is under the spike threshold, but it is no normal day.
  const doubled = judgedDays.filter((d) => d.verdict === 'doubled');
  // Neither a diagnosis nor a validation calls such a window ok: a raw day loaded twice with new ids (or NULL keys)
  // repeats no key, and a mart, having no key, shows a day loaded or built twice by its count alone. A validation does
  // not pass a recovered window with one; a diagnosis names the days (a busy day cannot be told from them by count).
  const validated = judged === 'ok' && doubled.length > 0 ? 'doubled' : judged;
  // A table with no rows at all that the built one has rows in was emptied whole: not a window of days removed.
  const builtFirst = String(other?.outputs.firstDay ?? '');
  const emptied = tableEmpty && builtFirst !== '';
  const status =
    complete.length === 0 ? 'not-judged' : emptied ? 'emptied' : removedFrom.length > 0 ? 'rows-removed' : tableEmpty ? 'empty' : noRows ? 'no-data' : stillEmpty ? 'still-empty' : baselineLost ? 'baseline-lost' : validated;
  // A keyed (raw) table's days at twice their rows (none repeats a key: a day that does is `duplicates`): its dlt loads
  // of them are what tells.
  let doubledLoads = '';
  if (status === 'doubled' && keyed) {
    const days = doubled.map((d) => d.day);
    await withStepDatabase(ctx, { target: step.target, writable: false, timeoutMs: step.timeoutMs }, async (session, _fail, queryStarted) => {
      doubledLoads = loadsSaid(step.table, days, await loadsOfDays(session, step.table, step.dateColumn, days, step.timeZone));
      return { status: 'ok', summary: '', durationMs: elapsedSince(queryStarted), outputs: {} };
    });
  }
  const daysBefore = `${plural(baseline.length, 'day', 'days')} before the window${baseline.length < step.baselineDays ? ' from its first row' : ''}`;
  const emptyBefore = baseline.length - baselineWithRows.length;
  const tooFew = `only ${baselineWithRows.length === baseline.length ? 'the' : `${baselineWithRows.length} of the`} ${daysBefore} ${baselineWithRows.length === 1 ? 'has' : 'have'} rows: too few to judge by`;
  const noBaseline = baselineMedian > 0 ? '' : `; no baseline (${baselineWithRows.length === 0 ? 'the days before have no rows' : tooFew}), so only empty days can be judged`;
  const leftOut = baselineMedian > 0 && emptyBefore > 0 ? `; ${emptyBefore} of the ${daysBefore} ${emptyBefore === 1 ? 'is' : 'are'} empty; judged by the ${baselineWithRows.length} that ${baselineWithRows.length === 1 ? 'has' : 'have'} rows` : '';
  // "median 0/day" beside "no baseline" would say the same twice, the first as if it were a figure to judge by.
  const olderDays = `the ${older.length} days before it (${olderFrom} … ${isoDay(dayMsOf(baselineFrom) - dayMs)}, median ${olderMedian}/day)`;
  const levelSaid = shifted ? `, itself ${levelChange === 'low' ? 'low' : 'spiking'} against ${olderDays}: the level changed before the window, so its days are judged by ${olderMedian}/day` : '';
  const range = `${from} … ${to}${baselineMedian === 0 ? '' : `, baseline median ${baselineMedian}/day`}${levelSaid}${noBaseline}${leftOut}`;
  const stillLoading = loading ? `today (${loading.day}) is still loading: ${plural(loading.count, 'row', 'rows')} so far` : '';
  const about = sampleEvery > 1 ? 'about ' : '';
  const badList = bad.map((d) => describeDay(d, about, step.repeatsFrom, usual)).join(', ');
  // Days of the window before the table's first row are not counted among "all N days": said which ones are.
  const since = unjudgedBefore > 0 ? ' from its first row' : '';
  const badOfJudged = `${bad.length} of ${plural(judgedDays.length, 'day', 'days')} ${bad.length === 1 ? 'looks' : 'look'} wrong`;
  const otherBad = other && Array.isArray(other.outputs.badDays) ? (other.outputs.badDays as string[]) : [];
  // Days removed from a window that still has rows: its other bad days, and the built table's, are to be reloaded too.
  const removed = new Set(removedFrom.map((d) => d.day));
  const alsoBad = windowEmpty ? [] : bad.filter((d) => !removed.has(d.day));
  const builtOnly = windowEmpty ? [] : otherBad.filter((day) => !removed.has(day) && !bad.some((d) => d.day === day));
  // An outage empties both tables: a bad day of the load, to reload with the others, but the source's rows were never
  // there to be removed (said apart from the days that were, which the verdict says the source had).
  const builtCount = new Map(otherDays.map((d) => [d.day, d.count]));
  const emptyInBoth = alsoBad.filter((d) => d.verdict === 'zero' && builtCount.get(d.day) === 0).map((d) => d.day);
  const otherWrong = alsoBad.filter((d) => !emptyInBoth.includes(d.day));
  const alsoWrong =
    (otherWrong.length > 0 ? `; ${plural(otherWrong.length, 'other day looks', 'other days look')} wrong in ${tableName} (${range}): ${otherWrong.map((d) => describeDay(d, about, step.repeatsFrom, usual)).join(', ')}` : '') +
    (emptyInBoth.length > 0
      ? `; ${plural(emptyInBoth.length, 'other day has', 'other days have')} no rows in ${otherTable} either (${dayRanges(emptyInBoth)}): empty in both tables, an outage or a failed load, not rows removed; reloaded with the others`
      : '') +
    (builtOnly.length > 0 ? `; bad in ${otherTable} only, their rows in ${tableName} look normal: ${dayRanges(builtOnly)}` : '');
  // Whether the built table counts a duplicates day's repeated rows: its count nearer this day's than the day's distinct
  // keys' is raised (built from them); otherwise it has not been built from them yet, and will count them when it is.
  const duplicateDays = judgedDays.filter((d) => d.verdict === 'duplicates' && builtCount.has(d.day));
  const raised = duplicateDays.filter((d) => (builtCount.get(d.day) ?? 0) > d.count - (d.repeated ?? 0) / 2).map((d) => d.day);
  const notRaised = duplicateDays.map((d) => d.day).filter((day) => !raised.includes(day));
  const duplicatesInBuilt =
    (raised.length > 0 ? `, and ${otherTable} counts the repeated rows too (its count is raised on ${dayRanges(raised)})` : '') +
    (notRaised.length > 0 ? `; ${otherTable}'s count is not raised on ${dayRanges(notRaised)} (not built from those rows yet): it will count them twice when next built` : '');
  const doubledSaid =
    doubled.length > 0
      ? `${doubled.map((d) => `${d.day} (${rowsSaid(d.count)}, ${(d.count / reference).toFixed(2)}× the median)`).join(', ')} ${doubled.length === 1 ? 'has' : 'have'} about twice the usual rows or more: under the spike threshold (${step.spikeAbove}×), so not called a spike, but not normal either (a day loaded twice has as many)`
      : '';
  const allNormal =
    doubled.length > 0
      ? `${judgedDays.length - doubled.length} of ${plural(judgedDays.length, 'day', 'days')}${since} normal in ${tableName} (${range}); ${doubledSaid}`
      : `${judgedDays.length === 1 ? `the one day${since} is` : `all ${judgedDays.length} days${since}`} normal in ${tableName} (${range})`;
  const found = {
    'not-judged': `nothing to judge in ${tableName} yet: ${stillLoading}`,
    'no-data': noRows,
    empty: noRows,
    emptied: `${noRows}, while ${otherTable}, built from it, has rows from ${builtFirst} to ${String(other?.outputs.lastDay ?? '')}: the raw table was emptied whole (a DELETE, or a load that replaced it with nothing), not days of a window`,
    'still-empty': `${tableName} had no rows at all when the diagnosis counted, and still has none before the window (${from} … ${to}; its rows now run from ${span.first} to ${span.last}): only the window was built, the rest of the table is still empty; rebuild it in full, then diagnose again`,
    // Not where its rows run (noRowsThere's "it stopped loading"): the built table says the rows were there.
    'rows-removed': removedSaid({ table: tableName, from, to, judgedDays: judgedDays.length, windowEmpty }, otherTable, removedFrom) + alsoWrong,
    anomalies: `${badOfJudged} in ${tableName} (${range}): ${badList}${doubledSaid ? `; ${doubledSaid}` : ''}`,
    duplicates: `${badOfJudged} in ${tableName} (${range}): ${badList}${doubledSaid ? `; ${doubledSaid}` : ''}`,
    ok: allNormal,
    doubled: step.compareWith
      ? `${allNormal}; a recovered window does not pass with such a day: a reload or restate that wrote it twice leaves exactly that. A day the source really had that many rows on cannot be told from it by its count: look at that day's rows before closing the incident`
      : `${allNormal}${doubledLoads ? `, though no key repeats there (a second load with new ids or NULL keys repeats none); ${doubledLoads}` : ''}`,
    'no-baseline': `${judgedDays.length === 1 ? `the one day${since} has` : `all ${judgedDays.length} days${since} have`} rows in ${tableName}, but none can be judged further (${range})`,
    'baseline-lost':
      emptiedDays.length > 0
        ? `${plural(emptiedDays.length, 'day', 'days')} before the window that had rows in ${tableName} when the diagnosis counted ${emptiedDays.length === 1 ? 'it has' : 'them have'} none now (${emptiedDays.length > 4 ? `${emptiedDays[0]} … ${emptiedDays.at(-1)}` : emptiedDays.join(', ')}): rows outside the window are gone (${range})`
        : `the ${step.baselineDays} days before the window have no rows in ${tableName} now, where the diagnosis counted a median of ${medianThen}/day on them: rows outside the window are gone (${range})`,
  }[status];
  // Empty days after the table's last row are not a gap in it: nothing has been loaded since.
  const lastRow = judgedDays.at(-1);
  const stopped = status === 'anomalies' && span.last && lastRow && span.last < lastRow.day ? `; no rows after ${span.last}: it stopped loading on ${span.last}` : '';
  const youngSource = unjudgedBefore > 0 && !noRows ? `; its rows start on ${span.first}: ${plural(unjudgedBefore, 'day', 'days')} before it not judged` : '';
  const columns = ['day', ...(step.before ? ['before'] : []), 'rows', ...(keyed ? ['repeated keys'] : []), 'verdict'];
  const rows = days.map((d) => [d.day, ...(step.before ? [step.before[d.day] ?? ''] : []), d.count, ...(keyed ? [`${sampleEvery > 1 ? '~' : ''}${d.repeated ?? 0}`] : []), d.verdict]);
  const spanLine =
    (span.first
      ? `\nrows in ${tableName} run from ${span.first} to ${span.last}`
      : `\n${tableName} has no rows${beforeAnyDay > 0 ? ' on any day up to today' : future.rows > 0 ? ' dated up to today' : ''}`) +
    (future.rows > 0 ? `, and ${plural(future.rows, 'row is', 'rows are')} dated after today (up to ${future.latest})` : '') +
    (beforeAnyDay > 0 ? `, and ${plural(beforeAnyDay, 'row is', 'rows are')} dated -infinity` : '');
  const sampledLine = sampleEvery > 1 ? `\nrepeated keys (~): estimated from the keys in a 1-in-${sampleEvery} slice by hash, as a day has over ${step.exactRepeatsUpTo.toLocaleString('en')} rows` : '';
  const levelNote = shifted ? `; itself ${levelChange === 'low' ? 'low' : 'spiking'} against ${olderDays}, which the days are judged by` : '';
  const badBeforeNote = badBefore.days.length > 0 ? `; days before the window that look wrong too: ${dayRanges(badBefore.days.map((d) => d.day))}` : '';
  const notes = `\nbaseline: median ${baselineMedian} rows/day over ${baselineFrom} … ${isoDay(dayMsOf(from) - dayMs)}${leftOut ? `, of the ${baselineWithRows.length} days with rows` : ''}${levelNote}${badBeforeNote}${spanLine}${sampledLine}`;
  const table = `${textTable(columns, rows, 100)}${notes}`;
  const compared = compareBadDays(
    { table: tableName, badDays: bad.map((d) => d.day), quietDays: quietDays.map((d) => d.day), doubledDays },
    { table: otherTable, badDays: otherBad, days: otherDays, median: Number(other?.outputs.judgedBy ?? 0) },
  );
  // Rows removed: the days to reload are those the built table has, whether or not this one's are judged, and the
  // window's other bad days; normal and quiet days between them are said, as path A replaces them too.
  const proposedDays =
    status === 'rows-removed'
      ? [...new Set([...removed, ...alsoBad.map((d) => d.day), ...builtOnly])].sort()
      : status === 'doubled'
        ? doubled.map((d) => d.day)
        : status === 'emptied'
          ? []
          : bad.map((d) => d.day);
  // Said once for both tables in a verdict, with the window that takes in the days before and the bad days of both.
  const takeInBefore = (days: readonly string[], lastBad: string | undefined) => diagnoseTakingIn(step.diagnoseAgain, days[0] as string, lastBad ?? (days.at(-1) as string), [days]);
  const otherBefore = other && Array.isArray(other.outputs.badBefore) ? (other.outputs.badBefore as string[]) : [];
  const bothBefore = [...new Set([...badBefore.days.map((d) => d.day), ...otherBefore])].sort();
  // The same days in both tables (a bad load, built as it was) are said once, naming both.
  const sameBefore = otherBefore.length > 0 && otherBefore.join() === badBefore.days.map((d) => d.day).join();
  const saidBefore = sameBefore
    ? badBeforeSaid(`${tableName} (and ${otherTable} on the same days)`, badBefore, reference)
    : [badBeforeText, otherBefore.length > 0 ? String(other?.outputs.badBeforeSaid ?? '') : ''].filter(Boolean).join('; ');
  const lastBadOfBoth = [...bad.map((d) => d.day), ...otherBad].sort().at(-1);
  const beforeWindow = bothBefore.length > 0 ? ` ${saidBefore}; ${takeInBefore(bothBefore, lastBadOfBoth)}.` : '';
  const badBeforeHere = badBeforeText ? `${badBeforeText}; ${takeInBefore(badBefore.days.map((d) => d.day), bad.at(-1)?.day)}` : '';
  const between = status === 'rows-removed' ? { normalBetween: windowEmpty ? '' : normalBetween(proposedDays, quietDays.map((d) => d.day), doubledDays) } : {};
  return {
    status,
    summary:
      found +
      (badBeforeHere ? `; ${badBeforeHere}` : '') +
      stopped +
      youngSource +
      (quietDays.length > 0 && !noRows ? `; ${quietSaid(quietDays, step.baselineDays)}` : '') +
      (stillLoading && status !== 'not-judged' ? `; ${stillLoading}, not judged` : '') +
      (empty > 0 ? `; ${plural(empty, 'row has', 'rows have')} no ${step.dateColumn.replace(/"/g, '')} (NULL): in no day's count, and untouched by a window's recovery` : '') +
      (future.rows > 0 ? `; ${plural(future.rows, 'row is', 'rows are')} dated after today, up to ${future.latest}: mis-dated (a wrong date is a day's rows missing from it), in no day judged here` : '') +
      (beforeAnyDay > 0 ? `; ${plural(beforeAnyDay, 'row is', 'rows are')} dated -infinity: mis-dated (a wrong date is a day's rows missing from it), in no day judged here` : '') +
      // A table emptied whole has no window around which rows went: every day did.
      (aroundSaid && status !== 'emptied' ? `; ${aroundSaid}` : ''),
    output: table,
    ...(table.length > stepExcerptChars ? { shown: `${textTable(columns, keptRows(rows, days), 100)}${notes}` } : {}),
    durationMs: elapsedSince(started),
    outputs: {
      table: tableName,
      from,
      to,
      windowProposed: proposed,
      baselineMedian,
      // The median the days were judged by: the baseline's, or the older days' where the level changed before the window.
      judgedBy: reference,
      days,
      badDays: bad.map((d) => d.day),
      proposedFrom: proposedDays[0] ?? '',
      proposedTo: proposedDays.at(-1) ?? '',
      firstDay: span.first,
      lastDay: span.last,
      countsOutside,
      // For a verdict that does not show this summary: a sentence of its own, '' when there are none.
      removedAround: aroundSaid && status !== 'emptied' ? ` Outside the window: ${aroundSaid}.` : '',
      badBefore: badBefore.days.map((d) => d.day),
      badBeforeSaid: badBeforeText,
      // For a verdict that quotes neither summary: this table's days before the window and the built one's.
      beforeWindow,
      // For a verdict that quotes the built table's summary, which says its own: '' when those are the same days.
      beforeWindowHere: badBeforeHere && !sameBefore ? ` ${badBeforeHere}.` : '',
      ...(other ? compared : { comparison: '', unionFrom: bad[0]?.day ?? '', unionTo: bad.at(-1)?.day ?? '', normalBetween: normalBetween(bad.map((d) => d.day), quietDays.map((d) => d.day), doubledDays) }),
      ...between,
      // For the duplicate-load verdict: whether the built table counts the repeated rows yet, '' without one.
      duplicatesInBuilt,
    },
  };
}

/**
 * The rows of a per-day table worth a glance when all do not fit: every day not normal and a day either side of it,
 * the first and last; each stretch of normal days between them one line ("12 normal days, 2026-03-27 … 2026-04-07").
 */
function keptRows(rows: readonly (readonly unknown[])[], days: readonly DayCount[]): (readonly unknown[])[] {
  const keep = days.map((d, i) => i === 0 || i === days.length - 1 || [days[i - 1], d, days[i + 1]].some((near) => near !== undefined && near.verdict !== 'normal'));
  const blanks = Array((rows[0]?.length ?? 2) - 2).fill('');
  return foldRows(rows, keep, (first, last) => ['…', ...blanks, `${last - first + 1} normal days, ${days[first]?.day} … ${days[last]?.day}`]);
}

type Steps = StepReferences['diagnosisSteps'];

function compareWithProblems(step: { compareWith?: string }, diagnosisSteps: Steps, phase: string): StepIssue[] {
  if (!step.compareWith) return [];
  if (phase === 'diagnosis') return [{ at: ['compareWith'], message: 'compareWith names a diagnosis step; a diagnosis step has nothing to compare with' }];
  const target = diagnosisSteps.find((s) => s.id === step.compareWith);
  if (!target) return [{ at: ['compareWith'], message: `no diagnosis step "${step.compareWith}"${didYouMean(step.compareWith, diagnosisSteps.map((s) => s.id))}` }];
  if (target.kind !== 'day-counts') return [{ at: ['compareWith'], message: `diagnosis step "${target.id}" is a ${target.kind} step, not day-counts: it has no counts per day to compare with` }];
  return [];
}

/** tellApartFrom reads an earlier step's results as the diagnosis runs: a day-counts step before this one in it. */
function tellApartProblems(step: { id: string; tellApartFrom?: string }, diagnosisSteps: Steps, phase: string): StepIssue[] {
  if (!step.tellApartFrom) return [];
  const at = ['tellApartFrom'];
  if (phase !== 'diagnosis') return [{ at, message: 'tellApartFrom names an earlier step of the same diagnosis: only a diagnosis step has one' }];
  const before = diagnosisSteps.slice(0, diagnosisSteps.findIndex((s) => s.id === step.id));
  const target = before.find((s) => s.id === step.tellApartFrom);
  if (!target) return [{ at, message: `no step "${step.tellApartFrom}" before this one in the diagnosis${didYouMean(step.tellApartFrom, before.map((s) => s.id))}` }];
  if (target.kind !== 'day-counts') return [{ at, message: `diagnosis step "${target.id}" is a ${target.kind} step, not day-counts: it has no bad days to tell apart from` }];
  return [];
}

export const dayCountsStepKind = defineStepKind({
  kind: 'day-counts',
  describesSql: true,
  schema,
  // no-table: the table is not in the database; bad-dates: values of the date column that do not read as dates.
  // not-judged: the window is today alone; no-data: no rows in the window, which is before or after all the table's rows;
  // emptied: with tellApartFrom, no rows at all while the table built from it has rows (emptied whole, not a window);
  // rows-removed: with tellApartFrom, no rows on days (the whole window, or days of it judged zero) that the table built
  // from this one has rows on;
  // duplicates: no day out of range, but some repeat a key. empty: the table has no rows at all (none dated either).
  // baseline-lost: with compareWith, the days before the window had rows when the diagnosis counted and have none now;
  // still-empty: with compareWith, the diagnosis found the table empty, and it has rows in the window only.
  // doubled: every day in range, but one or more at about twice the median or more (doubledFrom), no key repeated.
  // unreachable: its target (MotherDuck) could not be reached, so nothing was counted (withStepDatabase).
  statuses: (step) => ['ok', 'anomalies', 'duplicates', 'doubled', 'no-baseline', 'no-data', 'empty', 'not-judged', 'no-table', 'bad-dates', 'damaged', 'failed', 'unreachable', ...(step.compareWith ? (['baseline-lost', 'still-empty'] as const) : []), ...(step.tellApartFrom ? (['rows-removed', 'emptied'] as const) : [])],
  // Could not see: nothing to judge yet (the window is today alone), MotherDuck not reached.
  unseeingStatuses: ['not-judged', 'unreachable'],
  // A count that could not be read (no-table, bad-dates, damaged, failed, unreachable) judged nothing, and set nothing
  // but, unreachable, why.
  outputs: unsetAlike(
    {
      table: 'text', from: 'text', to: 'text', windowProposed: 'text', baselineMedian: 'text', judgedBy: 'text', days: 'list', badDays: 'list', proposedFrom: 'text', proposedTo: 'text',
      firstDay: 'text', lastDay: 'text', countsOutside: 'map', removedAround: 'text', badBefore: 'list', badBeforeSaid: 'text', beforeWindow: 'text', beforeWindowHere: 'text',
      comparison: 'text', unionFrom: 'text', unionTo: 'text', normalBetween: 'text', duplicatesInBuilt: 'text',
    },
    ['no-table', 'bad-dates', 'damaged', 'failed', 'unreachable'],
    { problem: { shape: 'text', onlyWhen: ['unreachable'] } },
  ),
  defaultTimeoutMs: 5 * 60_000,
  // A doubled day is in no badDays (the terminal keeps those), but the status `doubled` turns on it: its row is kept too.
  keptInShortView: ['  doubled'],
  templates: (step) => [
    { at: ['table'], template: step.table, as: 'sql' },
    { at: ['dateColumn'], template: step.dateColumn, as: 'sql' },
    ...(step.timeZone !== undefined ? [{ at: ['timeZone'], template: step.timeZone, as: 'text' as const }] : []),
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
    { at: ['key'], template: step.key, as: 'sql' },
    ...(step.diagnoseAgain ? [{ at: ['diagnoseAgain', 'command'], template: step.diagnoseAgain.command, as: 'text' as const }] : []),
  ],
  references: (step, { diagnosisSteps, phase }) => [...tellApartProblems(step, diagnosisSteps, phase), ...compareWithProblems(step, diagnosisSteps, phase)],
  resolve: (step, tools) => ({
    ...step,
    table: tools.sql(step.table),
    dateColumn: tools.sql(step.dateColumn),
    dateColumnSetting: settingOf(step.dateColumn),
    timeZone: resolvedTimeZone(step.timeZone, tools.text),
    from: tools.text(step.from),
    to: tools.text(step.to),
    key: tools.text(step.key),
    ...(step.diagnoseAgain ? { diagnoseAgain: { ...step.diagnoseAgain, command: tools.text(step.diagnoseAgain.command) } } : {}),
    ...(step.compareWith ? diagnosedBefore(step.compareWith, tools.values, tools.sql(step.table), tools.text(step.from)) : {}),
  }),
  describe: (step) => {
    const window = step.from && step.to ? `${step.from} … ${step.to}` : `the last ${step.scanDays} complete days`;
    const repeated = repeatedKeysSql(step);
    const repeatedBound = `\n${repeated}\n-- bound: $1, $2 = the window's days from the table's first row to yesterday; $3 = 1 (every key) up to ${step.exactRepeatsUpTo.toLocaleString('en')} rows a day, else one key in $3, its count multiplied by $3`;
    return `${dayCountsSql(step)}\n-- bound: $1 = ${step.baselineDays * 2} days before the window's first day (its baseline of ${step.baselineDays} days, and as many before those), $2 = ${step.baselineDays} days after its last day (yesterday at the latest); window: ${window}\n${daySpanSql(step)}\n-- bound: $1 = today (${step.timeZone || 'UTC'})${repeated ? repeatedBound : ''}`;
  },
  run: runDayCountsStep,
});
