// The mart-freshness step kind: each mart's newest date against its SLA (the SLAs are the step's data in the runbook), read
// from the database DATABOX_BACKEND names, or the one the step's `target` names.
import { z } from 'zod';
import { formatDuration } from '../../format-duration.js';
import { checkMartFreshness, describeFreshness, describeUnreadable, type MartFreshness } from '../../marts/freshness.js';
import { firstDayMissing } from '../../marts/first-day-missing.js';
import { dayBefore } from './iso-days.js';
import { martSlas } from '../../marts/slas.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, targetOf, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { firstPart } from './window-parts.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('mart-freshness'),
  target: targetChoice,
  /** Each mart: table, date column and the lag allowed behind now (from the end of its newest day, UTC, for a date). */
  marts: martSlas,
  /**
   * A date (YYYY-MM-DD) every mart must reach besides its SLA: the last day a backfill was to build, so a validation
   * does not pass on marts still within their SLA before the backfill's runs have landed. Empty: the SLA alone. One
   * before yesterday is the end of a part of a longer backfill (windowMaxDays at a time): once every mart reaches it and some
   * day after it is still missing, the step ends part-built (the part reached its last day; the SLA waits for the rest).
   */
  through: template.optional(),
  /**
   * The window's first day (YYYY-MM-DD), with through: a part is done only when every mart has every day of it, not
   * only its last (a schedule resumed meanwhile builds yesterday, whatever the backfill did). Empty: its last day alone.
   */
  from: template.optional(),
  /**
   * The most days the command the advice gives takes at a time (scenario 4's backfill: 62): `window` is then the first
   * of them, and `windowRest` says what comes after it.
   */
  windowMaxDays: z.number().int().min(1).optional(),
});

export type MartFreshnessStep = z.output<typeof schema> & ResolvedCommon;

const dayMs = 86_400_000;

export async function runMartFreshnessStep(step: MartFreshnessStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const now = ctx.clock();
  // Never a day still arriving: a window typed to end today asks only through yesterday, as a daily pipeline builds.
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const through = step.through ? (step.through > yesterday ? yesterday : step.through) : undefined;
  const results = await checkMartFreshness(targetOf(ctx, step.target), step.marts, now, step.timeoutMs, through);
  const late = results.filter((r) => r.status === 'stale' || r.status === 'empty');
  const unreadable = results.filter((r) => r.status === 'unreadable');
  const stoppedBefore = stoppedEarlier(results);
  const output = results.map(describeFreshness).join('\n');
  const outputs = { staleMarts: late.map((r) => r.table).join(', '), ...reloadWindow(results, yesterday, step.windowMaxDays), yesterday, builtThrough: builtThrough(results), restFrom: '' };
  // A window ending before yesterday, every mart through its last day: the days after it, not the SLA, say whether it
  // was the whole backfill or one part of a longer one.
  const reached = results.every((r) => (r.status === 'fresh' || r.status === 'stale') && r.through === undefined);
  const firstDay = step.from && step.from <= (through ?? '') ? step.from : undefined;
  const rest =
    through !== undefined && through < yesterday && reached
      ? await firstDayMissing(targetOf(ctx, step.target), step.marts, firstDay ? dayBefore(firstDay) : through, yesterday, step.timeoutMs)
      : undefined;
  if (rest && 'problem' in rest) {
    return { status: 'unreadable', summary: `every mart through ${through}, but which days ${firstDay ? 'of the window and after it' : 'after it'} they have could not be read: ${rest.problem}${stoppedBefore}`, output, durationMs: elapsedSince(started), outputs };
  }
  if (rest?.day && through !== undefined && rest.day <= through) {
    // The window's own days are not all built: its last day reached (a schedule resumed meanwhile) proves nothing.
    return {
      status: 'stale',
      summary: `the window ${firstDay} … ${through} is not built in every mart: ${rest.mart} has no row for ${rest.day} (the first such day of it), though every mart reaches ${through}${stoppedBefore}`,
      output,
      durationMs: elapsedSince(started),
      outputs: { ...outputs, ...windowOf(rest.day, yesterday, step.windowMaxDays) },
    };
  }
  if (rest?.day) {
    return {
      status: 'part-built',
      summary:
        `every mart through ${through}, the window's last day. The days after it are not all built yet (${rest.day} … ${yesterday}, from the first day a mart has no row for to yesterday): ` +
        `a window ending before yesterday is one part of a longer backfill, and the marts are held to their SLA once the rest is built${stoppedBefore}`,
      output,
      durationMs: elapsedSince(started),
      outputs: { ...outputs, ...windowOf(rest.day, yesterday, step.windowMaxDays), restFrom: rest.day },
    };
  }
  const status = late.length > 0 ? 'stale' : unreadable.length > 0 ? 'unreadable' : 'fresh';
  const summary =
    (status === 'fresh'
      ? `all ${results.length} marts within their SLA`
      : status === 'stale'
        ? `${late.length} of ${results.length} marts past their SLA${step.through ? ` or not yet through ${step.through}` : ''}: ${late.map(describeFreshness).join('; ')}${unreadable.length > 0 ? `; could not read ${describeUnreadable(unreadable)}` : ''}`
        : `could not read ${describeUnreadable(unreadable)}`) + stoppedBefore;
  return { status, summary, output, durationMs: elapsedSince(started), outputs };
}

/** Each mart read, its newest day, and how many days that is before the freshest mart's. */
function behindFreshest(results: readonly MartFreshness[]): { mart: MartFreshness; newest: string; days: number; freshest: string }[] {
  const newestOf = (r: MartFreshness) => String(r.newest).slice(0, 10);
  const read = results.filter((r) => r.status === 'stale' || r.status === 'fresh');
  const freshest = read.map(newestOf).sort().at(-1);
  if (!freshest) return [];
  return read.map((mart) => ({ mart, newest: newestOf(mart), days: Math.round((Date.parse(freshest) - Date.parse(newestOf(mart))) / dayMs), freshest }));
}

/** More than this many days before the freshest mart's, a mart's newest day is one that stopped before the others did. */
const togetherDays = 2;

/**
 * The marts whose newest day is more than two days before the freshest mart's: they stopped before the others did (a
 * source that broke weeks before the daemon stopped), and a backfill of the days the others miss leaves theirs between,
 * which is scenario 2's to fill; said as "; … stopped on …".
 */
function stoppedEarlier(results: readonly MartFreshness[]): string {
  const gaps = behindFreshest(results).flatMap(({ mart, newest, days, freshest }) => {
    if (days <= togetherDays) return [];
    const firstMissing = new Date(Date.parse(newest) + dayMs).toISOString().slice(0, 10);
    return [`${mart.table} stopped on ${newest}, ${days} days before the freshest mart (${freshest}): a backfill of only the days the others miss leaves its ${firstMissing} … ${freshest} empty, which is scenario 2's to fill`];
  });
  return gaps.length > 0 ? `; ${gaps.join('; ')}` : '';
}

/**
 * The last day every mart has, those that stopped before the others left out (scenario 2's, said above): where scenario
 * 4's missed window must reach back to (the dagster-health step's martsFrom). Empty when no mart could be read or has rows.
 */
function builtThrough(results: readonly MartFreshness[]): string {
  return behindFreshest(results).filter((r) => r.days <= togetherDays).map((r) => r.newest).sort()[0] ?? '';
}

/**
 * The days a reload would cover: from the day of the oldest newest date any mart has (an empty or unreadable mart has
 * none) to yesterday, the last a daily pipeline has built; as `window`, parameters a command can take as they are
 * ("from=… to=…"), empty when no mart has a day before today, so a command naming it scans its own default window.
 */
function reloadWindow(results: readonly MartFreshness[], yesterday: string, maxDays?: number): { oldestDay: string } & ReturnType<typeof windowOf> {
  const days = results.filter((r) => r.status === 'fresh' || r.status === 'stale').map((r) => String(r.newest).slice(0, 10));
  const oldestDay = days.sort()[0] ?? '';
  if (!oldestDay || oldestDay > yesterday) return { oldestDay, window: '', windowFrom: '', windowTo: '', windowRest: '' };
  return { oldestDay, ...windowOf(oldestDay, yesterday, maxDays) };
}

/** from … to as a command's parameters, its first maxDays days, and what comes after them (said after the command). */
function windowOf(from: string, to: string, maxDays?: number): { window: string; windowFrom: string; windowTo: string; windowRest: string } {
  const part = firstPart(from, to, maxDays ?? Number.POSITIVE_INFINITY);
  return {
    window: `from=${part.from} to=${part.to}`,
    // The same days one by one, for a button's parameters (a verdict's opens).
    windowFrom: part.from,
    windowTo: part.to,
    windowRest: part.rest ? ` (the first ${maxDays} of ${part.days} days: then the same command again from=${part.rest.from}, ${maxDays} days at a time, up to to=${part.rest.to})` : '',
  };
}

export const martFreshnessStepKind = defineStepKind({
  kind: 'mart-freshness',
  schema,
  // part-built only with a window's last day to reach (through).
  statuses: (step) => (step.through ? ['fresh', 'stale', 'unreadable', 'part-built'] : ['fresh', 'stale', 'unreadable']),
  // Could not see: a mart whose days could not be read.
  unseeingStatuses: ['unreadable'],
  // The window to backfill is the stale marts': fresh, it is yesterday alone, and unreadable, nothing.
  outputs: {
    staleMarts: 'text',
    oldestDay: 'text',
    window: { shape: 'text', onlyWhen: ['stale', 'part-built'] },
    windowFrom: { shape: 'text', onlyWhen: ['stale', 'part-built'] },
    windowTo: { shape: 'text', onlyWhen: ['stale', 'part-built'] },
    windowRest: { shape: 'text', onlyWhen: ['stale', 'part-built'] },
    yesterday: 'text',
    builtThrough: 'text',
    restFrom: 'text',
  },
  defaultTimeoutMs: 2 * 60_000,
  rules: (step) => [
    ...(step.mutates ? [{ at: ['mutates'], message: 'mart-freshness only reads: it does not mutate' }] : []),
    ...(step.from && !step.through ? [{ at: ['from'], message: 'from is the first day of the window whose last day is through: set through too' }] : []),
  ],
  templates: (step) => [
    ...(step.through ? [{ at: ['through'], template: step.through, as: 'text' as const }] : []),
    ...(step.from ? [{ at: ['from'], template: step.from, as: 'text' as const }] : []),
  ],
  resolve: (step, tools) => ({ ...step, through: step.through && tools.text(step.through), from: step.from && tools.text(step.from) }),
  describe: (step) =>
    `newest date of each mart${step.target === 'backend' ? '' : step.target === 'motherduck' ? ' on MotherDuck' : ' in the local DuckDB file'} against its SLA: ${step.marts.map((m) => `${m.table}.${m.dateColumn} within ${formatDuration(m.maxLag)}`).join(', ')}` +
    // A plan may end yesterday, or be run a day after it was made: the rule is said as a condition, not as this window's case.
    (step.through ? `; each through ${step.through} at least (should that day be before yesterday when this runs, with a day after it still missing, it is judged as one part of a longer backfill, by that day reached)` : ''),
  run: runMartFreshnessStep,
});
