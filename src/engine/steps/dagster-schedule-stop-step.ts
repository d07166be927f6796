// The dagster-schedule-stop step kind: a rollback stops exactly the schedule copies its recovery started, and no other.
import { z } from 'zod';
import { DagsterError, repositoryLabel, type RepositoryRef } from '../../dagster/graphql-client.js';
import { scheduleCliArgv, scheduleCliCalls } from '../../dagster/schedule-cli.js';
import { UserError } from '../../errors.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-schedule-stop'),
  /**
   * The copies to stop, comma-separated: "{{recovery.start_schedules.startedCopies}}", each "name@repository@code-location"
   * (started through the webserver) or a name (through the CLI).
   */
  copies: template,
  /** The Definitions file the CLI loads, relative to the checkout. */
  definitionsFile: template,
  /**
   * The start time Dagster gave each copy the recovery started through the webserver ("{{recovery.start_schedules.startTimestamps?}}",
   * each "copy=seconds"): a copy with another one now was stopped and started again since, by hand, and is left as it is.
   */
  startedAt: template.default(''),
});

type Parsed = z.output<typeof schema>;

interface Copy {
  name: string;
  /** Absent: started through the CLI, which names no repository. */
  repository?: RepositoryRef;
  /** Its status as the webserver gave it when the plan was made (readWhenPlanned); absent when not read (no webserver, an error). */
  statusWhenPlanned?: string;
  /** When the recovery started it, as Dagster gave it (epoch seconds); absent when not recorded (the CLI, an older recovery, no answer). */
  startedByRecovery?: number;
  /** When it was started as the webserver gave it when the plan was made; absent when not read, or stopped then. */
  startedWhenPlanned?: number;
}

export type DagsterScheduleStopStep = Omit<Parsed, 'copies' | 'startedAt'> & { copies: Copy[] } & ResolvedCommon;

/** "copy=seconds,…" as the start step recorded it, by copy ("name@repository@code-location"). */
function readStartTimes(rendered: string): Map<string, number> {
  const times = new Map<string, number>();
  for (const entry of rendered.split(',')) {
    const at = entry.lastIndexOf('=');
    const seconds = Number(entry.slice(at + 1));
    if (at > 0 && entry.slice(at + 1).trim() !== '' && Number.isFinite(seconds)) times.set(entry.slice(0, at).trim(), seconds);
  }
  return times;
}

function readCopies(rendered: string, startTimes: ReadonlyMap<string, number>): Copy[] {
  const copies = rendered
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry): Copy => {
      const [name = '', repositoryName, ...location] = entry.split('@');
      if (!/^[A-Za-z0-9_]+$/.test(name) || (repositoryName !== undefined && location.length === 0)) throw new UserError(`not a schedule copy: "${entry}" (name@repository@code-location, or a name)`);
      if (repositoryName === undefined) return { name };
      const startedByRecovery = startTimes.get(entry);
      return { name, repository: { repositoryName, repositoryLocationName: location.join('@') }, ...(startedByRecovery === undefined ? {} : { startedByRecovery }) };
    });
  if (copies.length === 0) throw new UserError('no schedule to stop: the recovery started none');
  return copies;
}

const copySaid = (copy: Copy) => (copy.repository ? `${copy.name} in ${repositoryLabel(copy.repository)}` : copy.name);

/**
 * A copy started through the webserver is stopped through it alone: the CLI's `schedule stop <name>` names no repository
 * and could stop a copy of the same name in another code location (another team's), not the one the recovery started.
 */
function needsWebserverSaid(copies: readonly Copy[]): string {
  return `DAGSTER_URL is needed to stop exactly this copy: ${copies.map(copySaid).join(', ')} was started through the webserver, and the CLI's \`dagster schedule stop <name>\` names no code location, so it could stop a copy of the same name in another one`;
}

const utcSaid = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * Started again since the recovery started it: Dagster's start time for it (`now`) is not the one the recovery's start
 * got, so it was stopped and started since, by someone else. Undefined when either is not known: then nothing tells.
 */
function restartedSince(copy: Copy, now: number | undefined): string | undefined {
  if (copy.startedByRecovery === undefined || now === undefined || now === copy.startedByRecovery) return undefined;
  return `stopped and started again since the recovery started it: Dagster says it was started ${utcSaid(now)}, the recovery's start was ${utcSaid(copy.startedByRecovery)}`;
}

/** A copy's state when the plan was made, as its line says it: one STOPPED then was paused since the recovery started it. */
function statusWhenPlannedSaid(copy: Copy): string {
  // Without the recovery's start time, Dagster's later start by hand could not be told from it: the approver reads so.
  const unseen = copy.startedByRecovery === undefined ? '; the recovery recorded no start time for it, so a stop and start by hand since would not be seen, and it would be stopped' : '';
  if (copy.statusWhenPlanned === undefined) return unseen ? ` (${unseen.slice(2)})` : '';
  if (copy.statusWhenPlanned === 'RUNNING') {
    const restarted = restartedSince(copy, copy.startedWhenPlanned);
    return restarted ? ` (RUNNING when this plan was made, but ${restarted}: a start by hand, not the recovery's, so left as it is)` : ` (RUNNING when this plan was made${unseen})`;
  }
  return ` (${copy.statusWhenPlanned} when this plan was made: paused since the recovery started it, so left as it is, and left as is too if it is started again by the time this runs)`;
}

interface StopOutcome {
  copy: Copy;
  stopped: boolean;
  /** Sent with no answer that can be read (a timeout, an HTTP error, a CLI call cut short): it may have stopped. */
  unknown?: boolean;
  /** Left as it is: already STOPPED (paused by hand since), or started again by hand since (a teammate's start). */
  left?: boolean;
  said: string;
}

/** Through the webserver: the copy's state read first, so one already STOPPED is left as it is. */
async function stopThroughWebserver(copy: Copy & { repository: RepositoryRef }, ctx: StepRunContext): Promise<StopOutcome> {
  const client = (ctx.dagster ?? defaultDagsterRunTools).client;
  if (!client) return { copy, stopped: false, said: `${needsWebserverSaid([copy])}; set DAGSTER_URL, or stop it in the Dagster UI (Overview → Schedules)` };
  try {
    const state = await client.scheduleState(copy.repository, copy.name);
    // Stopped by someone else (paused by hand) or never started: this rollback did not stop it, and its record says so.
    if (state.status !== 'RUNNING') return { copy, stopped: false, left: true, said: `${copySaid(copy)}: already ${state.status}, not stopped by this rollback: left as it is` };
    // Paused after the recovery and started again by hand while the plan waited: a teammate's, not the recovery's, start.
    if (copy.statusWhenPlanned === 'STOPPED') return { copy, stopped: false, left: true, said: `${copySaid(copy)}: changed by hand since: left as is (STOPPED when this plan was made, RUNNING now: started again since, not by the recovery)` };
    // Stopped and started again by hand between the recovery and now (before the plan was made, or while it waited).
    const restarted = restartedSince(copy, state.startTimestamp);
    if (restarted) return { copy, stopped: false, left: true, said: `${copySaid(copy)}: changed by hand since: left as is (${restarted}, not by the recovery)` };
    const status = await client.stopSchedule(state, copy.name);
    return status === 'STOPPED' ? { copy, stopped: true, said: `${copySaid(copy)}: stopped` } : { copy, stopped: false, said: `${copySaid(copy)}: the webserver answered, but calls it ${status}` };
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    const unsure = ['timeout', 'http', 'bad-answer'].includes(error.kind);
    return { copy, stopped: false, unknown: unsure, said: `${copySaid(copy)}: ${error.message}${unsure ? ' (whether it stopped is not known, it may have: look in the Dagster UI, Overview → Schedules)' : ''}` };
  }
}

/** Through the CLI, for copies it started (a name alone), one call each, as the start made them. */
async function stopThroughCli(step: DagsterScheduleStopStep, copies: readonly Copy[], ctx: StepRunContext): Promise<StopOutcome[]> {
  const calls = await scheduleCliCalls({
    verb: 'stop',
    names: copies.map((copy) => copy.name),
    definitionsFile: step.definitionsFile,
    cwd: ctx.root,
    runCommand: ctx.runCommand,
    timeoutMs: step.timeoutMs,
    signal: ctx.signal,
    redact: ctx.redact,
    onStart: ctx.processStarted,
  });
  return calls.map((call, index) => ({
    copy: copies[index] as Copy,
    stopped: call.outcome === 'done',
    unknown: call.outcome === 'unknown',
    said: call.outcome === 'done' ? `${call.name}: ${call.detail}` : call.detail,
  }));
}

export async function runDagsterScheduleStopStep(step: DagsterScheduleStopStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const outcomes: StopOutcome[] = [];
  for (const copy of step.copies) if (copy.repository) outcomes.push(await stopThroughWebserver({ ...copy, repository: copy.repository }, ctx));
  outcomes.push(...(await stopThroughCli(step, step.copies.filter((copy) => !copy.repository), ctx)));
  const stopped = outcomes.filter((o) => o.stopped).map((o) => copySaid(o.copy));
  const left = outcomes.filter((o) => o.left);
  const notStopped = outcomes.filter((o) => !o.stopped && !o.left);
  const status = notStopped.length === 0 ? 'ok' : notStopped.every((o) => o.unknown) ? 'unknown' : 'failed';
  const summary = [
    stopped.length > 0 ? `stopped ${stopped.join(', ')}` : '',
    ...left.map((o) => o.said),
    ...notStopped.map((o) => (o.unknown ? `MAY HAVE stopped (no answer that can be read came back): ${o.said}` : `NOT stopped: ${o.said}`)),
  ].filter(Boolean).join('; ');
  const mayHave = outcomes.filter((o) => o.unknown).map((o) => copySaid(o.copy));
  return {
    status,
    summary: ctx.redact(summary),
    output: ctx.redact(outcomes.map((o) => o.said).join('\n')),
    durationMs: elapsedSince(started),
    outputs: { stopped: stopped.join(','), mayHaveStopped: mayHave.join(',') },
    ...(stopped.length === 0 && mayHave.length === 0 && (status === 'failed' || left.length === outcomes.length) ? { untouched: true as const } : {}),
  };
}

export const dagsterScheduleStopStepKind = defineStepKind({
  kind: 'dagster-schedule-stop',
  schema,
  statuses: ['ok', 'unknown', 'failed'],
  // Could not see: the webserver's answer lost.
  unseeingStatuses: ['unknown'],
  outputs: { stopped: 'text', mayHaveStopped: 'text' },
  defaultTimeoutMs: 5 * 60_000,
  // Dagster refusing one stop fails the step after the ones before it stopped: those it names are stopped.
  partWay: { statuses: ['failed'], changed: (outputs) => [outputs.stopped, outputs.mayHaveStopped].some((named) => typeof named === 'string' && named !== '') },
  rules: (step) => (!step.mutates ? [{ at: ['mutates'], message: 'stopping a schedule changes what runs: set mutates: true' }] : []),
  templates: (step) => [
    { at: ['copies'], template: step.copies, as: 'text' },
    { at: ['definitionsFile'], template: step.definitionsFile, as: 'text' },
    { at: ['startedAt'], template: step.startedAt, as: 'text' },
  ],
  resolve: (step, tools): Omit<DagsterScheduleStopStep, keyof ResolvedCommon> => {
    // The start times go into the copies they are of: the plan keeps them there, not as a list of their own.
    const { startedAt, ...rest } = step;
    const copies = readCopies(tools.text(step.copies), readStartTimes(tools.text(startedAt)));
    const inRepositories = copies.filter((copy) => copy.repository);
    if (inRepositories.length > 0 && !tools.dagster.url) {
      throw new UserError(`${needsWebserverSaid(inRepositories)}. Nothing was proposed: set DAGSTER_URL and ask again, or stop it in the Dagster UI (Overview → Schedules)`);
    }
    return { ...rest, copies, definitionsFile: tools.text(step.definitionsFile) };
  },
  // Each copy's state as the plan is made: the approver sees one paused by hand since the recovery, which is left as it is.
  readWhenPlanned: async (step, { dagster }) => {
    if (!dagster) return step;
    const copies = [];
    for (const copy of step.copies) {
      if (!copy.repository) {
        copies.push(copy);
        continue;
      }
      const state = await dagster.scheduleState(copy.repository, copy.name).catch((error: unknown) => {
        if (!(error instanceof DagsterError)) throw error;
        return undefined;
      });
      copies.push(state ? { ...copy, statusWhenPlanned: state.status, ...(state.startTimestamp === undefined ? {} : { startedWhenPlanned: state.startTimestamp }) } : copy);
    }
    return { ...step, copies };
  },
  describe: (step, { showArg }) =>
    [
      ...step.copies.map((copy) => (copy.repository ? `GraphQL stopRunningSchedule: ${copySaid(copy)}${statusWhenPlannedSaid(copy)}` : scheduleCliArgv('stop', copy.name, step.definitionsFile).map(showArg).join(' '))),
      '# only the copies the recovery started, or may have (its answer lost); a schedule that was already running before it is left running',
    ].join('\n'),
  programs: (step, root) => (step.copies.some((copy) => !copy.repository) ? [{ file: 'uv', cwd: root }] : []),
  changesElsewhere: "Dagster's schedules",
  stoppedPartWay: (_step, result) => {
    const listed = (key: string) => (typeof result.outputs?.[key] === 'string' && result.outputs[key] !== '' ? (result.outputs[key] as string).split(',').join(', ') : undefined);
    const [stopped, mayHave] = [listed('stopped'), listed('mayHaveStopped')];
    const parts = [stopped ? `it stopped ${stopped}` : '', mayHave ? `it may have stopped ${mayHave} (no answer that can be read came back)` : ''].filter(Boolean);
    return `${parts.length > 0 ? `${parts.join('; ')}: ` : ''}look at the schedules in the Dagster UI (Overview → Schedules)`;
  },
  run: runDagsterScheduleStopStep,
});
