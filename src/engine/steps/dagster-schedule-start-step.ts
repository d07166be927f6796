// The dagster-schedule-start step kind: starts the schedules it names, and only those (never --start-all: a schedule switched off on purpose stays off).
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { scheduleStartArgv, startSchedules } from '../../dagster/start-schedules.js';
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
});

type Parsed = z.output<typeof schema>;

export type DagsterScheduleStartStep = Omit<Parsed, 'schedules'> & {
  schedules: string[];
  /** Decided when the plan is made, so that the plan names it. */
  via: 'graphql' | 'cli';
} & ResolvedCommon;

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
  return {
    status: result.status,
    summary: ctx.redact(result.summary),
    output: ctx.redact(result.output),
    durationMs: elapsedSince(started),
    outputs: { started: named('started'), alreadyRunning: named('already-running'), via: step.via },
  };
}

export const dagsterScheduleStartStepKind = defineStepKind({
  kind: 'dagster-schedule-start',
  schema,
  statuses: ['ok', 'unknown'],
  outputs: ['started', 'alreadyRunning', 'via'],
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => [
    ...(!step.mutates ? [{ at: ['mutates'], message: 'starting a schedule changes what runs: set mutates: true' }] : []),
    // Names written out are checked now; a placeholder's are checked when the plan is made.
    ...literalNameIssues(step.schedules),
  ],
  templates: (step) => [
    { at: ['schedules'], template: step.schedules, as: 'text' },
    { at: ['definitionsFile'], template: step.definitionsFile, as: 'text' },
  ],
  resolve: (step, tools): Omit<DagsterScheduleStartStep, keyof ResolvedCommon> => ({
    ...step,
    schedules: scheduleNames(tools.text(step.schedules)),
    definitionsFile: tools.text(step.definitionsFile),
    via: tools.dagster.url ? 'graphql' : 'cli',
  }),
  describe: (step, { showArg }) =>
    step.via === 'graphql'
      ? `GraphQL startSchedule, one at a time: ${step.schedules.join(', ')}\n# each STOPPED copy in the repository the webserver lists it under (a name in several repositories: each STOPPED one); one already RUNNING is left as it is, and no other schedule is started`
      : `${step.schedules.map((name) => scheduleStartArgv(name, step.definitionsFile).map(showArg).join(' ')).join('\n')}\n# one call per schedule; one already running is left as it is, and no other schedule is started`,
  run: runDagsterScheduleStartStep,
});
