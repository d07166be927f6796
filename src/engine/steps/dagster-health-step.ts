// The dagster-health step kind: daemon heartbeats and each schedule's last tick (webserver first, else the CLI) as evidence and a verdict.
import { z } from 'zod';
import { assessDagster, describeDagsterEvidence, type DagsterVerdict, type DagsterVerdictId, type ScheduleEvidence } from '../../dagster/evidence.js';
import { probeDagster } from '../../dagster/probe.js';
import { codeFailures } from '../../dagster/code-failures.js';
import { tickedLately } from '../../dagster/running-again.js';
import { parseDuration } from '../../config.js';
import { nothingMissedByNeverTicked, windowForNeverTicked, windowFromMarts, windowFromMartsAlone } from '../../dagster/window-from-marts.js';
import { stackSchedules } from '../../dagster/stack-schedules.js';
import { lastDayEndedEverywhere } from '../../dagster/zoned-days.js';
import { didYouMean } from '../../runbook/did-you-mean.js';
import { age, stepCommon, stepId, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, everyStatus, type ResolvedCommon, type StepIssue, type StepReferences } from './define-step-kind.js';
import { minuteUtc } from '../../timestamps.js';
import { firstFew } from '../../first-few.js';
import { maxNames } from '../../runbook/params.js';
import { firstPart } from './window-parts.js';
import { dayAfter } from './iso-days.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-health'),
  /** A STOPPED schedule with no tick for longer than this was switched off on purpose: named, left out of the verdict. */
  switchedOffAfter: age.default('31d'),
  /**
   * The stack runs on sensors, not schedules: Dagster listing none of its schedules is then as expected. Otherwise that is
   * never healthy (a deploy dropped or renamed the schedule), here and in the paused schedules watcher.
   */
  runsOnSensors: z.boolean().default(false),
  /**
   * The stack's Dagster jobs (the job its recovery backfills): without DAGSTER_LOCATION, where Dagster lists several
   * repositories, only the schedules of those holding one count; a STOPPED one elsewhere (another team's) is a note.
   * Not given: the jobs the runbook's recovery backfills, filled in at load (withStackJobs).
   */
  jobs: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Dagster job name (letters, digits and underscores)')).optional(),
  /**
   * An earlier mart-freshness step of the diagnosis: the missed window starts no later than the day after the marts'
   * last day built, which the schedules' last success does not tell (runs that succeeded and wrote nothing).
   */
  martsFrom: stepId.optional(),
  /**
   * The most days the recovery's backfill takes at a time (the runbook's window's maxDays), and the command that
   * backfills a later part (`from=… to=…` appended): a longer missed window is proposed as its first part, the oldest
   * days first, and windowRest (a sentence for the advice) says how long it is and gives the command for the next part.
   */
  backfillAgain: z.strictObject({ command: template, maxDays: z.number().int().positive() }).optional(),
});

export type DagsterHealthStep = z.output<typeof schema> & ResolvedCommon;

/**
 * Not conclusive, though the webserver answered, so not "is it up?": it refused the bot's query as not fitting its schema
 * (schema-mismatch), or the stack's code location or code server failed (code-unreadable: codeFailures names which).
 */
type DagsterHealthStatus = DagsterVerdictId | 'schema-mismatch' | 'code-unreadable';

const statuses = everyStatus<DagsterHealthStatus>({
  healthy: true,
  'daemon-stopped': true,
  'daemon-stopped-no-day-missed': true,
  'schedules-paused': true,
  'schedules-paused-no-day-missed': true,
  'schedules-behind': true,
  'run-queue-stuck': true,
  'no-schedule': true,
  inconclusive: true,
  'schema-mismatch': true,
  'code-unreadable': true,
});

/** A "no day missed yet" verdict, and the one it is when the marts lack days all the same. */
const daysMissed: Partial<Record<DagsterVerdictId, DagsterVerdictId>> = {
  'daemon-stopped-no-day-missed': 'daemon-stopped',
  'schedules-paused-no-day-missed': 'schedules-paused',
};

/** A verdict whose window is unknown, and the one it is when the marts say no day is missed (a never-ticked schedule's). */
const noneMissed: Partial<Record<DagsterVerdictId, DagsterVerdictId>> = {
  'daemon-stopped': 'daemon-stopped-no-day-missed',
  'schedules-paused': 'schedules-paused-no-day-missed',
};

/** How many reasons or notes the summary says before "… and N more". */
const shownLines = 10;

export async function runDagsterHealthStep(step: DagsterHealthStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const now = ctx.clock();
  const probed = await probeDagster({ client: (ctx.dagster ?? defaultDagsterRunTools).client, runCommand: ctx.runCommand, cwd: ctx.root, now });
  // The verdict is made on the stack's own schedules; the evidence shows every one Dagster listed.
  const { evidence, notes: othersLeftOff } = stackSchedules(probed, step.jobs ?? []);
  const thresholds = {
    heartbeatMaxAgeSeconds: (ctx.dagster ?? defaultDagsterRunTools).heartbeatMaxAgeMs / 1000,
    switchedOffAfterSeconds: (parseDuration(step.switchedOffAfter) as number) / 1000,
    runsOnSensors: step.runsOnSensors,
  };
  const assessedStack = assessDagster(evidence, thresholds, now, martsBuiltThrough(step, ctx));
  const found = { ...assessedStack, notes: [...assessedStack.notes, ...othersLeftOff] };
  const reach = reachBack(step, found, ctx, now);
  // The marts lacking days that are over: a day was missed after all, whatever the ticks of today say.
  const missedAfterAll = reach.window !== null && found.window === null ? daysMissed[found.id] : undefined;
  // A never-ticked schedule taken as the cause, whose marts lack no day due: nothing to backfill, not an unknown window.
  const knownEmpty = reach.nothingMissed ? noneMissed[found.id] : undefined;
  const assessed = missedAfterAll ? { ...found, id: missedAfterAll, noDayMissed: false } : knownEmpty ? { ...found, id: knownEmpty, noDayMissed: true } : found;
  // What is proposed is the part a backfill takes at once (windowRest says how the rest follows); the summary names the
  // whole window.
  const part = reach.window && step.backfillAgain ? firstPart(reach.window.from, reach.window.to, step.backfillAgain.maxDays) : undefined;
  const verdict = { ...assessed, window: part ? { from: part.from, to: part.to } : reach.window };
  const noWindowSaid = knownEmpty && reach.nothingMissed ? `${reach.nothingMissed}${dueBefore(verdict)}` : noWindow(verdict, evidence.source);
  // Stopped or paused before a day was missed: said where a window would be, as that is what tells it from the others.
  const window = reach.window
    ? `; missed window ${reach.window.from} … ${reach.window.to}${reach.why ? ` (${reach.why})` : ''}`
    : verdict.id === 'daemon-stopped-no-day-missed' || verdict.id === 'schedules-paused-no-day-missed'
      ? `; ${noWindowSaid}`
      : '';
  // One reason or note per schedule can be hundreds: the first few are said, the rest are in the evidence's table, and
  // the window, the advice and the marts after them in the verdict are kept.
  const shown = (lines: readonly string[]) => firstFew(lines, shownLines, (count) => `… and ${count} more, in the evidence`).join('; ');
  const notes = verdict.notes.length > 0 ? `. Note: ${shown(verdict.notes)}` : '';
  // A names parameter takes one plan's worth: the first of those paused are suggested, and the summary says so.
  const paused = verdict.pausedSchedules;
  const perPlan = evidence.source === 'graphql' && paused.length > maxNames
    ? `; ${paused.length} schedules paused, at most ${maxNames} per plan: the suggested schedules= names the first ${maxNames}; once that plan has run, diagnose again to propose the other ${paused.length - maxNames}`
    : '';
  const code = codeFailures(evidence);
  return {
    status: verdict.id !== 'inconclusive' ? verdict.id : evidence.schemaMismatch ? 'schema-mismatch' : code.length > 0 ? 'code-unreadable' : verdict.id,
    summary: `${verdict.title}${window}${perPlan}${verdict.reasons.length > 0 ? ` (${shown(verdict.reasons)})` : ''}${notes}`,
    output: ctx.redact(describeDagsterEvidence(probed)),
    durationMs: elapsedSince(started),
    outputs: {
      since: verdict.since ?? '',
      windowFrom: verdict.window?.from ?? '',
      windowTo: verdict.window?.to ?? '',
      window: verdict.window ? `${verdict.window.from} … ${verdict.window.to}` : noWindowSaid,
      windowRest: part && step.backfillAgain ? inParts(part, step.backfillAgain) : '',
      source: evidence.source,
      stoppedDaemons: (evidence.daemons ?? []).filter((d) => d.required && d.healthy === false).map((d) => d.type).join(', '),
      // Joined with commas only: the form a names parameter takes, typed on a command line as one word. None through
      // the CLI alone: it cannot tell a paused schedule from one switched off on purpose, so the operator names them.
      pausedSchedules: evidence.source === 'cli' ? '' : paused.slice(0, maxNames).join(','),
      // Those the CLI found STOPPED instead, for a plan that starts none of them to say they stay off.
      stoppedNotProposed: evidence.source === 'cli' ? verdict.pausedSchedules.join(', ') : '',
      // The code locations of the paused copies (a staging copy of the same name may run): the backfill takes that one's assets.
      pausedLocations: pausedLocations(evidence.schedules ?? [], paused, thresholds.switchedOffAfterSeconds * 1000, now).join(','),
      // Where the schedules that build days run: a typed window may end no later than the last day over in all of them
      // (a date parameter's endedDaysIn), when the plan is made, not when the diagnosis looked.
      timeZones: verdict.timeZones.join(','),
      // The first tick still ahead of a schedule the recovery must have ticking by then (a verdict's holdsUntil):
      // when, and which (words an approval refused after it names).
      dueTickAt: verdict.dueTick?.at ?? '',
      dueTick: verdict.dueTick ? `schedule ${verdict.dueTick.schedule}'s next tick (it builds ${verdict.dueTick.builds}, ${dueTickRisk(verdict)})` : '',
      schemaMismatch: evidence.schemaMismatch ?? '',
      codeFailures: code.join('; '),
    },
  };
}

/**
 * How the day the due tick builds may be lost: a schedule not ticking by then misses it; one running but behind ticks, but
 * may fail again as the ticks since its last success did.
 */
function dueTickRisk(verdict: DagsterVerdict): string {
  const behindSince = verdict.dueTick?.behindSince;
  if (behindSince) return `left unbuilt if it fails too: the schedule has no successful tick since ${minuteUtc(behindSince)}`;
  return `missed if ${verdict.id.startsWith('daemon-stopped') ? 'the daemon' : 'the schedule'} is not running by then`;
}

/** The code locations where the paused schedules' STOPPED copies ticked lately (repository@location), as the start picks them. */
function pausedLocations(schedules: readonly ScheduleEvidence[], paused: readonly string[], lately: number, now: Date): string[] {
  const copies = schedules.filter((s) => s.status === 'STOPPED' && paused.includes(s.name) && s.repository);
  const recent = copies.filter((s) => tickedLately(s, lately, now));
  return [...new Set(recent.map((s) => (s.repository as string).slice((s.repository as string).indexOf('@') + 1)))];
}

/** The marts' last day built, as the martsFrom step read it; undefined when there is none or it read none. */
function martsBuiltThrough(step: DagsterHealthStep, ctx: StepRunContext): string | undefined {
  if (!step.martsFrom) return undefined;
  return String(ctx.earlier?.get(step.martsFrom)?.outputs?.builtThrough ?? '') || undefined;
}

/**
 * The window reached back to the marts' last day built (martsFrom), and why, where that starts it earlier; where the
 * marts were not read, the window is the schedules' alone, and the verdict says so rather than pass it off as checked.
 */
function reachBack(step: DagsterHealthStep, verdict: DagsterVerdict, ctx: StepRunContext, now: Date): { window: DagsterVerdict['window']; why: string; nothingMissed?: string } {
  if (!step.martsFrom) return { window: verdict.window, why: '' };
  const read = ctx.earlier?.get(step.martsFrom);
  const builtThrough = martsBuiltThrough(step, ctx) ?? '';
  if (!verdict.window) {
    const lastDayEnded = lastDayEndedEverywhere(verdict.timeZones, now).day;
    const alone = daysMissed[verdict.id] && builtThrough ? windowFromMartsAlone(builtThrough, lastDayEnded, verdict.lastDailyTick) : null;
    const nothingMissed = nothingMissedByNeverTicked(builtThrough, lastDayEnded, verdict.neverTicked, verdict.dueTick) ?? undefined;
    return alone ?? windowForNeverTicked(builtThrough, lastDayEnded, verdict.neverTicked, verdict.dueTick) ?? { window: null, why: '', nothingMissed };
  }
  if (!builtThrough) {
    const how = read ? `step ${step.martsFrom} ended ${read.status} with no mart's newest date` : `step ${step.martsFrom} did not run`;
    return { window: verdict.window, why: `the schedules' window alone: the marts' last day built is unknown (${how}), so they may end before it` };
  }
  return windowFromMarts(verdict.window, builtThrough, verdict.lastSuccess);
}

/**
 * A missed window longer than a backfill takes, as a sentence of the advice (empty when it fits): how long it is, the
 * part proposed, and the command for the next. That command goes without incident=: once the first part's plan has
 * changed the database, a plan made on this diagnosis is refused, and a new diagnosis cannot see the days left (the
 * schedules' last success and the marts' newest day do not tell them).
 */
function inParts(part: ReturnType<typeof firstPart>, again: { command: string; maxDays: number }): string {
  if (!part.rest) return '';
  const next = firstPart(part.rest.from, part.rest.to, again.maxDays);
  const after = next.rest ? `, then the same again from the day after its to=, ${again.maxDays} days at a time, up to to=${part.rest.to}` : '';
  return (
    ` The missed window ${part.from} … ${part.rest.to} is ${part.days} days long and a backfill takes at most ${again.maxDays} days at a time: the recovery proposed backfills its first ${again.maxDays}, ${part.from} … ${part.to}, the oldest first. ` +
    `Once that plan has run, the rest (${part.rest.from} … ${part.rest.to}) is backfilled the same way, each part a plan of its own, typed without incident= (this incident's diagnosis proposes no plan after one has changed the database): ` +
    `\`${again.command} from=${next.from} to=${next.to}\`${after}.`
  );
}

/** martsFrom reads an earlier step's results as the diagnosis runs: a mart-freshness step before this one in it. */
function martsFromProblems(step: { id: string; martsFrom?: string }, diagnosisSteps: StepReferences['diagnosisSteps'], phase: string): StepIssue[] {
  if (!step.martsFrom) return [];
  const at = ['martsFrom'];
  if (phase !== 'diagnosis') return [{ at, message: 'martsFrom names an earlier mart-freshness step of the same diagnosis: only a diagnosis step has one' }];
  const index = diagnosisSteps.findIndex((s) => s.id === step.id);
  const before = diagnosisSteps.slice(0, index);
  const target = before.find((s) => s.id === step.martsFrom);
  if (!target) {
    const after = diagnosisSteps.slice(index + 1).some((s) => s.id === step.martsFrom);
    return [
      after
        ? { at, message: `step "${step.martsFrom}" runs after this one: martsFrom reads the marts' newest dates as the diagnosis runs, so put that step before this one` }
        : { at, message: `no step "${step.martsFrom}" before this one in the diagnosis${didYouMean(step.martsFrom, before.map((s) => s.id))}` },
    ];
  }
  if (target.kind !== 'mart-freshness') return [{ at, message: `diagnosis step "${target.id}" is a ${target.kind} step, not mart-freshness: it has no marts' newest dates to reach back to` }];
  return [];
}

/**
 * What the advice says when there is no day to backfill: none was missed yet (every schedule's last success is today's),
 * the one missed is still today in UTC or still under way west of it, or the window cannot be told (a schedule with no success on record, the CLI's schedules without tick times).
 */
function noWindow(verdict: DagsterVerdict, source: 'graphql' | 'cli'): string {
  // A day missed ahead of UTC, not yet over in UTC: the plan needs a window (so is not made without one), and the day is
  // said, with when a diagnosis can propose it, rather than "no missed day", whose plan would start the schedules and
  // leave that day unbuilt for good.
  if (verdict.missedStillTodayInUtc) return `${verdict.missedStillTodayInUtc} once it has ended in UTC too (it is over in a schedule's timezone ahead of UTC, and missed; no backfill can name it before): diagnose again after ${dayAfter(verdict.missedStillTodayInUtc)} 00:00 UTC`;
  // The same west of UTC: a day over in UTC, missed, but still under way where a schedule runs has no partition there yet.
  const west = verdict.missedNotOverWest;
  if (west) return `${west.day} once it has ended in ${west.timeZone} too (missed, and over in UTC, but still under way where a schedule runs: Dagster has no partition of it there yet, and a backfill naming it would fail): diagnose again after ${west.endsAt}`;
  if (verdict.noDayMissed && verdict.lastSuccess) return `no missed day yet (the last successful tick was at ${minuteUtc(verdict.lastSuccess)})${dueBefore(verdict)}`;
  if (verdict.noDayMissed) return 'no missed day (no schedule that builds the daily partitions is paused or behind)';
  // The CLI says whether a schedule runs, never when it ticked: the marts' newest days are the evidence left.
  if (source === 'cli') return 'an unknown window (the Dagster CLI gives no tick times: give from= and to=; the marts\' newest dates below show where they stop)';
  return verdict.lastSuccess
    ? 'an unknown window (not every schedule has a successful tick on record: read the schedules above, and give from= and to=)'
    : 'an unknown window (no successful tick on record: read the schedules above)';
}

/**
 * The tick a "no missed day" verdict holds until, said: resuming before it is the whole recovery, as Dagster runs each
 * tick due after a schedule is started (or the daemon), never one that came due while it was stopped.
 */
function dueBefore(verdict: DagsterVerdict): string {
  const due = verdict.dueTick;
  if (!due) return '';
  const what = verdict.id === 'daemon-stopped-no-day-missed' ? 'the daemon is' : `schedule ${due.schedule} is`;
  return `; schedule ${due.schedule}'s next tick, at ${minuteUtc(due.at)}, builds ${due.builds} if ${what} running again by then: resuming is enough, as Dagster runs the ticks due after a start, never one due while stopped`;
}

/** jobs, when given, names the stack's jobs: every job the runbook's recovery backfills is one, or its schedules would not count. */
function jobsProblems(step: { jobs?: string[] }, recoveryJobs: readonly string[]): StepIssue[] {
  const jobs = step.jobs ?? [];
  if (jobs.length === 0) return [];
  const missing = [...new Set(recoveryJobs.filter((job) => !jobs.includes(job)))];
  return missing.length === 0
    ? []
    : [{ at: ['jobs'], message: `the recovery backfills job ${missing.join(', ')}, which jobs does not list: the stack's schedules are those of the repositories holding its jobs, so list ${missing.length === 1 ? 'it' : 'them'} too` }];
}

export const dagsterHealthStepKind = defineStepKind({
  kind: 'dagster-health',
  schema,
  statuses,
  // Could not see: Dagster not read, its schema not fitting the query, the stack's code location failing.
  unseeingStatuses: ['inconclusive', 'schema-mismatch', 'code-unreadable'],
  // Each set whatever the verdict, lists joined with commas (the form a names parameter takes).
  outputs: {
    since: 'text', windowFrom: 'text', windowTo: 'text', window: 'text', windowRest: 'text', source: 'text', stoppedDaemons: 'text', pausedSchedules: 'text', stoppedNotProposed: 'text',
    pausedLocations: 'text', timeZones: 'text', dueTickAt: 'text', dueTick: 'text', schemaMismatch: 'text', codeFailures: 'text',
  },
  // The first tick still ahead of the daily schedules, or nothing where none has one.
  timeOutputs: ['dueTickAt'],
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => (step.mutates ? [{ at: ['mutates'], message: 'dagster-health only reads: it does not mutate' }] : []),
  references: (step, { diagnosisSteps, phase, recoveryJobs }) => [...martsFromProblems(step, diagnosisSteps, phase), ...jobsProblems(step, recoveryJobs ?? [])],
  templates: (step) => (step.backfillAgain ? [{ at: ['backfillAgain', 'command'], template: step.backfillAgain.command, as: 'text' as const }] : []),
  resolve: (step, tools) => (step.backfillAgain ? { ...step, backfillAgain: { ...step.backfillAgain, command: tools.text(step.backfillAgain.command) } } : step),
  // The schedules' header, a STOPPED schedule's row, a failed tick, a code location or repository that could not be read: what the verdict turns on.
  keptInShortView: [' last success', ' STOPPED ', ' FAILURE ', 'failed:', 'could not be read', 'failed to load'],
  describe: () =>
    'ask the Dagster webserver (GraphQL instance.daemonHealth, schedulesOrError with each last tick); where it does not answer: uv run dagster-daemon liveness-check, uv run dagster schedule list, uv run dagster instance info',
  run: runDagsterHealthStep,
});
