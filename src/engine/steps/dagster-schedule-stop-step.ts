// The dagster-schedule-stop step kind: a rollback stops exactly the schedule copies its recovery started, and no other.
import { z } from 'zod';
import { DagsterError, repositoryLabel, type RepositoryRef } from '../../dagster/graphql-client.js';
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
  /** The backfill the recovery launched ("{{recovery.backfill.backfillId?}}"): not undone here, and the plan says how to cancel it. */
  launchedBackfill: template.default(''),
});

type Parsed = z.output<typeof schema>;

interface Copy {
  name: string;
  /** Absent: started through the CLI, which names no repository. */
  repository?: RepositoryRef;
}

export type DagsterScheduleStopStep = Omit<Parsed, 'copies'> & { copies: Copy[] } & ResolvedCommon;

/** `dagster schedule stop <name> -f <file>`, one schedule per call, as start. */
export function scheduleStopArgv(name: string, definitionsFile: string): string[] {
  return ['uv', 'run', 'dagster', 'schedule', 'stop', name, '-f', definitionsFile];
}

function readCopies(rendered: string): Copy[] {
  const copies = rendered
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry): Copy => {
      const [name = '', repositoryName, ...location] = entry.split('@');
      if (!/^[A-Za-z0-9_]+$/.test(name) || (repositoryName !== undefined && location.length === 0)) throw new UserError(`not a schedule copy: "${entry}" (name@repository@code-location, or a name)`);
      return repositoryName === undefined ? { name } : { name, repository: { repositoryName, repositoryLocationName: location.join('@') } };
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

function backfillNote(step: DagsterScheduleStopStep): string {
  const which = step.launchedBackfill ? `the backfill the recovery launched (${step.launchedBackfill})` : 'a backfill the recovery launched';
  const where = step.launchedBackfill ? `Overview → Backfills → ${step.launchedBackfill} → Cancel backfill` : 'Overview → Backfills → the one tagged databox/incident → Cancel backfill';
  return `# not undone by this rollback: ${which}, whose runs go on writing the marts; cancel it in the Dagster UI (${where})`;
}

async function stopOne(step: DagsterScheduleStopStep, copy: Copy, ctx: StepRunContext): Promise<{ stopped: boolean; unknown?: boolean; said: string }> {
  const client = (ctx.dagster ?? defaultDagsterRunTools).client;
  if (copy.repository && !client) return { stopped: false, said: `${needsWebserverSaid([copy])}; set DAGSTER_URL, or stop it in the Dagster UI (Overview → Schedules)` };
  if (copy.repository && client) {
    try {
      const state = await client.scheduleState(copy.repository, copy.name);
      if (state.status !== 'RUNNING') return { stopped: true, said: `${copySaid(copy)}: already ${state.status}, left as it is` };
      const status = await client.stopSchedule(state, copy.name);
      return status === 'STOPPED' ? { stopped: true, said: `${copySaid(copy)}: stopped` } : { stopped: false, said: `${copySaid(copy)}: the webserver answered, but calls it ${status}` };
    } catch (error) {
      if (!(error instanceof DagsterError)) throw error;
      const unsure = ['timeout', 'http', 'bad-answer'].includes(error.kind);
      return { stopped: false, unknown: unsure, said: `${copySaid(copy)}: ${error.message}${unsure ? ' (whether it stopped is not known: look in the Dagster UI, Overview → Schedules)' : ''}` };
    }
  }
  const argv = scheduleStopArgv(copy.name, step.definitionsFile);
  const result = await ctx.runCommand({ argv, cwd: ctx.root, timeoutMs: step.timeoutMs, signal: ctx.signal, redact: ctx.redact, onStart: (pid) => ctx.processStarted?.(pid, argv) });
  const last = result.output.trim().split('\n').at(-1)?.trim() ?? '';
  return result.exitCode === 0 ? { stopped: true, said: `${copy.name}: ${last || 'stopped'}` } : { stopped: false, said: `${argv.join(' ')}: ${result.spawnError ?? `exit code ${result.exitCode}`}${last ? `: ${last}` : ''}` };
}

export async function runDagsterScheduleStopStep(step: DagsterScheduleStopStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const outcomes = [];
  for (const copy of step.copies) outcomes.push({ copy, ...(await stopOne(step, copy, ctx)) });
  const stopped = outcomes.filter((o) => o.stopped).map((o) => copySaid(o.copy));
  const notStopped = outcomes.filter((o) => !o.stopped);
  const status = notStopped.length === 0 ? 'ok' : notStopped.every((o) => o.unknown) ? 'unknown' : 'failed';
  const summary = [stopped.length > 0 ? `stopped ${stopped.join(', ')}` : '', ...notStopped.map((o) => `NOT stopped: ${o.said}`)].filter(Boolean).join('; ');
  return {
    status,
    summary: ctx.redact(summary),
    output: ctx.redact(outcomes.map((o) => o.said).join('\n')),
    durationMs: elapsedSince(started),
    outputs: { stopped: stopped.join(',') },
    ...(stopped.length === 0 && status === 'failed' ? { untouched: true as const } : {}),
  };
}

export const dagsterScheduleStopStepKind = defineStepKind({
  kind: 'dagster-schedule-stop',
  schema,
  statuses: ['ok', 'unknown', 'failed'],
  outputs: { stopped: 'text' },
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => (!step.mutates ? [{ at: ['mutates'], message: 'stopping a schedule changes what runs: set mutates: true' }] : []),
  templates: (step) => [
    { at: ['copies'], template: step.copies, as: 'text' },
    { at: ['definitionsFile'], template: step.definitionsFile, as: 'text' },
    { at: ['launchedBackfill'], template: step.launchedBackfill, as: 'text' },
  ],
  resolve: (step, tools): Omit<DagsterScheduleStopStep, keyof ResolvedCommon> => {
    const copies = readCopies(tools.text(step.copies));
    const inRepositories = copies.filter((copy) => copy.repository);
    if (inRepositories.length > 0 && !tools.dagster.url) {
      throw new UserError(`${needsWebserverSaid(inRepositories)}. Nothing was proposed: set DAGSTER_URL and ask again, or stop it in the Dagster UI (Overview → Schedules)`);
    }
    return { ...step, copies, definitionsFile: tools.text(step.definitionsFile), launchedBackfill: tools.text(step.launchedBackfill) };
  },
  describe: (step, { showArg }) =>
    [
      ...step.copies.map((copy) => (copy.repository ? `GraphQL stopRunningSchedule: ${copySaid(copy)}` : scheduleStopArgv(copy.name, step.definitionsFile).map(showArg).join(' '))),
      '# only the copies the recovery started, or may have (its answer lost); a schedule that was already running before it is left running',
      backfillNote(step),
    ].join('\n'),
  programs: (step, root) => (step.copies.some((copy) => !copy.repository) ? [{ file: 'uv', cwd: root }] : []),
  changesElsewhere: "Dagster's schedules",
  stoppedPartWay: (_step, result) => {
    const stopped = result.outputs?.stopped;
    return typeof stopped === 'string' && stopped !== '' ? `it stopped ${stopped.split(',').join(', ')}; look at the others in the Dagster UI (Overview → Schedules)` : 'look at the schedules in the Dagster UI (Overview → Schedules)';
  },
  run: runDagsterScheduleStopStep,
});
