// The dagster-schedule-start step kind: starts the schedules it names, and only those (never --start-all: a schedule switched off on purpose stays off).
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { DagsterError, repositoryLabel, type RepositoryRef, type ScheduleStatus } from '../../dagster/graphql-client.js';
import { copiesToStart, lastTickMs, pausedLatelyMs, scheduleStartArgv, startSchedules, tickedWithin } from '../../dagster/start-schedules.js';
import { stackRepositories } from '../../dagster/stack-schedules.js';
import { orList } from '../../or-list.js';
import { didYouMean } from '../../runbook/did-you-mean.js';
import { readNames } from '../../runbook/params.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-schedule-start'),
  /** The schedules, comma-separated: "{{schedules}}", a names parameter the diagnosis suggests (the paused ones). */
  schedules: template,
  /** The Definitions file the CLI loads, relative to the checkout. */
  definitionsFile: template,
  /**
   * The stack's Dagster jobs: without DAGSTER_LOCATION, where Dagster lists several repositories, only the copies in
   * those holding one are started, as only their schedules make the diagnosis' verdict (stackRepositories). Not given:
   * the diagnosis' dagster-health step's jobs, filled in at load (withStackJobs).
   */
  jobs: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Dagster job name (letters, digits and underscores)')).optional(),
});

type Parsed = z.output<typeof schema>;

export type DagsterScheduleStartStep = Omit<Parsed, 'schedules'> & {
  schedules: string[];
  /** Decided when the plan is made, so that the plan names it. */
  via: 'graphql' | 'cli';
  /** Why the CLI starts them although DAGSTER_URL is set (the webserver could not list its schedules). */
  cliBecause?: string;
  /** Named schedules the webserver lists STOPPED with no tick lately: the diagnosis takes them as switched off on purpose. */
  offForLong?: string[];
  /**
   * Through the webserver: the exact copies the plan starts, each in its repository, as listed when the plan was made;
   * the run starts those and no other copy of the same name. Absent from a plan journaled before it existed.
   */
  copies?: { name: string; repository: RepositoryRef }[];
  /** Named schedules whose every copy was RUNNING when the plan was made: left as they are. */
  runningAlready?: string[];
} & ResolvedCommon;

/** What the webserver listed when the plan was made (each repository's jobs, when it listed them), or why it could not. */
type ListedSchedules = { listed: ScheduleStatus[]; jobs?: Record<string, string[]> } | { error: string };

/**
 * Where the schedules are started, decided when the plan is made: through the webserver when it listed its schedules
 * then (a name it does not list is refused at once, not found half-way through the run), else through the CLI, and why.
 */
function route(names: readonly string[], url: string | undefined, prepared: unknown, now: Date, stackJobs: readonly string[]): Pick<DagsterScheduleStartStep, 'via' | 'cliBecause' | 'offForLong' | 'copies' | 'runningAlready'> {
  if (!url) return { via: 'cli' };
  const answer = prepared as ListedSchedules | undefined;
  if (!answer) return { via: 'cli', cliBecause: 'the webserver was not asked for its schedules' };
  if ('error' in answer) return { via: 'cli', cliBecause: `the webserver could not list its schedules (${answer.error})` };
  const unknown = names.filter((name) => !answer.listed.some((s) => s.name === name));
  if (unknown.length > 0) {
    const names = [...new Set(answer.listed.map((s) => s.name))];
    // A name one letter off (all_pipelines_dialy) names the one meant, as a mistyped command does.
    const meant = unknown.map((n) => `"${n}"${didYouMean(n, names)}`).join(', ');
    throw new UserError(`the webserver lists no schedule named ${meant} (it lists: ${names.join(', ') || 'none'}): nothing was proposed`);
  }
  // The stack's copies alone, as the diagnosis took them: another team's STOPPED copy of the same name, which its verdict
  // said it left off, is not started.
  const stack = stackRepositories(answer.jobs ?? {}, stackJobs);
  const listed = answer.listed.filter((s) => stack.ours(repositoryLabel(s.repository)));
  const elsewhereOnly = names.filter((name) => !listed.some((s) => s.name === name));
  if (elsewhereOnly.length > 0) throw new UserError(notTheStacksSaid(elsewhereOnly, answer.listed, stackJobs, stack.holding));
  const offForLong = names.flatMap((name) => {
    const copies = listed.filter((s) => s.name === name);
    const stoppedLong = copies.filter((s) => s.status === 'STOPPED' && !tickedLately(s, now));
    // A copy paused lately beside it is the one started (start-schedules.ts); one alone and off for long is turned on.
    if (stoppedLong.length === 0 || copies.some((s) => s.status === 'STOPPED' && tickedLately(s, now))) return [];
    const last = Math.max(...stoppedLong.map(lastTickMs));
    return [`${name} (${last > 0 ? `no tick since ${new Date(last).toISOString().slice(0, 10)}` : 'never ticked'})`];
  });
  const chosen = names.map((name) => ({ name, ...copiesToStart(listed.filter((s) => s.name === name), now.getTime()) }));
  const besideRunning = chosen.filter((c) => c.start.length > 0 && c.running.length > 0);
  if (besideRunning.length > 0) throw new UserError(startBesideRunningSaid(besideRunning));
  const copies = chosen.flatMap((c) => c.start.map((s) => ({ name: c.name, repository: s.repository })));
  const runningAlready = chosen.filter((c) => c.start.length === 0).map((c) => c.name);
  return { via: 'graphql', copies, ...(runningAlready.length > 0 ? { runningAlready } : {}), ...(offForLong.length > 0 ? { offForLong } : {}) };
}

/** Named schedules listed only in repositories that hold none of the stack's jobs: another team's, never started by the plan. */
function notTheStacksSaid(names: readonly string[], listed: readonly ScheduleStatus[], stackJobs: readonly string[], holding: readonly string[]): string {
  const each = names.map((name) => `${name} is listed only in ${[...new Set(listed.filter((s) => s.name === name).map((s) => repositoryLabel(s.repository)))].join(', ')}`).join('; ');
  return (
    `${each}: not the stack's (that repository holds no ${orList(stackJobs.map((job) => `job ${job}`))}, which ${holding.join(', ')} holds), so not started. ` +
    `Nothing was proposed. Leave it out of schedules=, or start it in the Dagster UI (Overview → Schedules) if it is meant`
  );
}

/**
 * A STOPPED copy beside a RUNNING copy of the same name in another repository: with no DAGSTER_LOCATION, nothing says
 * which code location is the stack's. Its own copy may be the one running, and the STOPPED one another team's (or a
 * staging copy) paused on purpose: starting it would change what that team runs, and the approver could not tell.
 */
function startBesideRunningSaid(found: readonly { name: string; start: ScheduleStatus[]; running: ScheduleStatus[] }[]): string {
  const each = found
    .map((c) => `${c.name} is STOPPED in ${c.start.map((s) => repositoryLabel(s.repository)).join(', ')} and RUNNING in ${c.running.map((s) => repositoryLabel(s.repository)).join(', ')}`)
    .join('; ');
  const location = found[0]?.start[0]?.repository.repositoryLocationName ?? '';
  return (
    `${each}: without DAGSTER_LOCATION the bot cannot tell which code location is the stack's, and the STOPPED copy may be another ` +
    `team's, paused on purpose. Nothing was proposed. Set DAGSTER_LOCATION to the stack's code location (the bot then reads and ` +
    `starts schedules there only; DAGSTER_LOCATION=${location} if that copy is the stack's), or start the copy meant in the Dagster UI ` +
    `(Overview → Schedules), or leave it out with schedules= naming the others`
  );
}

function tickedLately(schedule: ScheduleStatus, now: Date): boolean {
  return tickedWithin(schedule, pausedLatelyMs, now.getTime());
}

/** The rendered list; a name Dagster could not have is refused here, whatever template produced it. */
function scheduleNames(rendered: string): string[] {
  const { names, bad } = readNames(rendered);
  if (names.length === 0) throw new UserError('no schedule to start: give schedules=<name,name…> (the diagnosis suggests the paused ones)');
  if (bad.length > 0) throw new UserError(`not a schedule name: ${bad.map((n) => `"${n}"`).join(', ')} (letters, digits and _ only)`);
  return names;
}

function literalNameIssues(schedules: string): { at: string[]; message: string }[] {
  if (schedules.includes('{{')) return [];
  try {
    scheduleNames(schedules);
    return [];
  } catch (error) {
    return [{ at: ['schedules'], message: (error as Error).message }];
  }
}

export async function runDagsterScheduleStartStep(step: DagsterScheduleStartStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const result = await startSchedules({
    names: step.schedules,
    client: step.via === 'graphql' ? (ctx.dagster ?? defaultDagsterRunTools).client : undefined,
    planned: step.copies,
    definitionsFile: step.definitionsFile,
    cwd: ctx.root,
    runCommand: ctx.runCommand,
    timeoutMs: step.timeoutMs,
    signal: ctx.signal,
    onStart: ctx.processStarted,
    redact: ctx.redact,
    now: ctx.clock(),
  });
  const named = (outcome: string) => result.outcomes.filter((o) => o.outcome === outcome).map((o) => o.name).join(',');
  const startedOrMayHave = result.outcomes.filter((o) => o.outcome === 'started' || o.outcome === 'unknown');
  return {
    status: result.status,
    summary: ctx.redact(result.summary),
    output: ctx.redact(result.output),
    durationMs: elapsedSince(started),
    outputs: {
      started: named('started'),
      alreadyRunning: named('already-running'),
      mayHaveStarted: named('unknown'),
      via: step.via,
      // The copies it started, or may have (a start whose answer was lost), and no other (not one already running): what
      // the rollback stops; one that did not start after all is found STOPPED then and left as it is.
      startedCopies: startedOrMayHave.flatMap((o) => (o.copy ? [o.copy] : [])).join(','),
      // Each copy started through the webserver with the start time Dagster gave it ("copy=seconds"): a rollback finding
      // another one has a start by hand since, stopped and started again, which it leaves as it is.
      startTimestamps: result.outcomes.flatMap((o) => (o.copy && o.startTimestamp !== undefined ? [`${o.copy}=${o.startTimestamp}`] : [])).join(','),
    },
    // None started nor possibly started (each already RUNNING when it ran, or failed): no schedule changed, even when it
    // ends ok, so no rollback is offered that could only find nothing to stop.
    ...(startedOrMayHave.length === 0 ? { untouched: true as const } : {}),
  };
}

/** Which copy the plan starts, each in its repository@code-location, as the webserver listed them when it was made. */
function graphqlCopiesSaid(step: DagsterScheduleStartStep): string[] {
  // A plan journaled before the copies were kept: started as the webserver lists them when it runs.
  if (!step.copies) return ['# each STOPPED copy in the repository the webserver lists it under (a name in several repositories: each STOPPED one); one already RUNNING is left as it is, and no other schedule is started'];
  return [
    ...step.copies.map((copy) => `# starts ${copy.name} in ${repositoryLabel(copy.repository)} (STOPPED when this plan was made)`),
    ...(step.runningAlready ? [`# already RUNNING, left as it is: ${step.runningAlready.join(', ')}`] : []),
    '# no other copy and no other schedule is started',
  ];
}

export const dagsterScheduleStartStepKind = defineStepKind({
  kind: 'dagster-schedule-start',
  schema,
  // failed: a schedule Dagster refused to start; said with its outputs.
  statuses: ['ok', 'unknown', 'failed'],
  // Could not see: the webserver's answer lost.
  unseeingStatuses: ['unknown'],
  outputs: { started: 'text', alreadyRunning: 'text', mayHaveStarted: 'text', via: 'text', startedCopies: 'text', startTimestamps: 'text' },
  defaultTimeoutMs: 5 * 60_000,
  // Dagster refusing one schedule fails the step after the ones before it started: those it names are started.
  partWay: { statuses: ['failed'], changed: (outputs) => typeof outputs.startedCopies === 'string' && outputs.startedCopies !== '' },
  rules: (step) => [
    ...(!step.mutates ? [{ at: ['mutates'], message: 'starting a schedule changes what runs: set mutates: true' }] : []),
    // Names written out are checked now; a placeholder's are checked when the plan is made.
    ...literalNameIssues(step.schedules),
  ],
  templates: (step) => [
    { at: ['schedules'], template: step.schedules, as: 'text' },
    { at: ['definitionsFile'], template: step.definitionsFile, as: 'text' },
  ],
  // Where the webserver would be used: its schedules, listed before the plan, so the plan names what it will start.
  prepare: async (_step, { dagster }): Promise<ListedSchedules | undefined> => {
    if (!dagster.url || !dagster.client) return undefined;
    try {
      const { schedules, jobs } = await dagster.client.schedulesOfEachRepository();
      return { listed: schedules, jobs };
    } catch (error) {
      if (!(error instanceof DagsterError)) throw error;
      return { error: error.message.trim() };
    }
  },
  resolve: (step, tools): Omit<DagsterScheduleStartStep, keyof ResolvedCommon> => {
    const schedules = scheduleNames(tools.text(step.schedules));
    return { ...step, schedules, definitionsFile: tools.text(step.definitionsFile), ...route(schedules, tools.dagster.url, tools.prepared, tools.now, step.jobs ?? []) };
  },
  describe: (step, { showArg }) => {
    const lines =
      step.via === 'graphql'
        ? [`GraphQL startSchedule, one at a time: ${step.schedules.join(', ')}`, ...graphqlCopiesSaid(step)]
        : [...step.schedules.map((name) => scheduleStartArgv(name, step.definitionsFile).map(showArg).join(' ')), '# one call per schedule; one already running is left as it is, and no other schedule is started'];
    if (step.cliBecause) lines.push(`# through the CLI, not the webserver: ${step.cliBecause}`);
    if (step.offForLong) lines.push(`# WARNING: this turns on ${step.offForLong.join(', ')}: STOPPED with no tick lately, which the diagnosis takes as switched off on purpose; nothing here turns it off again (Dagster UI: Overview → Schedules)`);
    return lines.join('\n');
  },
  // Through the webserver, no program; through the CLI, `uv`, started in the checkout.
  programs: (step, root) => (step.via === 'cli' ? [{ file: scheduleStartArgv(step.schedules[0] ?? '', step.definitionsFile)[0] as string, cwd: root }] : []),
  // What it changes is which schedules run, and its outputs name each it started: those, not the data, are what changed.
  changesElsewhere: "Dagster's schedules",
  stoppedPartWay: (_step, result) => {
    const { started, mayHaveStarted } = result.outputs ?? {};
    const startedWords = typeof started === 'string' && started !== '' ? `it started ${started.split(',').join(', ')}` : '';
    // A result journaled before mayHaveStarted was an output: an unknown status still means some start went unanswered.
    const unsure = typeof mayHaveStarted === 'string' ? mayHaveStarted.split(',').filter(Boolean).join(', ') : result.status === 'unknown' ? 'the others named' : '';
    if (!unsure) return startedWords ? `${startedWords} and no other schedule` : 'it started no schedule';
    // The summary already says which it is not known whether started: one account, then where to find out.
    const findOut = `to know whether ${unsure} started, look at the Dagster UI (Overview → Schedules), or diagnose again`;
    return startedWords ? `${startedWords}; ${findOut}` : findOut;
  },
  run: runDagsterScheduleStartStep,
});
