// The dagster-running step kind: a validation's check that the cause is gone (daemons heartbeating, the schedules started running).
import { z } from 'zod';
import { describeDagsterEvidence } from '../../dagster/evidence.js';
import { probeDagster } from '../../dagster/probe.js';
import { judgeRunningAgain } from '../../dagster/running-again.js';
import { UserError } from '../../errors.js';
import { readNames } from '../../runbook/params.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-running'),
  /** The schedules that must run, comma-separated ("{{schedules?}}": those the recovery started); empty: the daemon alone. */
  schedules: template.default(''),
  /** Where that list came from ("{{taken_from.schedules?}}"), said with the schedules checked. */
  schedulesFrom: template.default(''),
});

export type DagsterRunningStep = Omit<z.output<typeof schema>, 'schedules'> & { schedules: string[] } & ResolvedCommon;

export async function runDagsterRunningStep(step: DagsterRunningStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const tools = ctx.dagster ?? defaultDagsterRunTools;
  const now = ctx.clock();
  const evidence = await probeDagster({ client: tools.client, runCommand: ctx.runCommand, cwd: ctx.root, now });
  const judged = judgeRunningAgain(evidence, step.schedules, tools.heartbeatMaxAgeMs / 1000, now, step.schedulesFrom);
  return {
    status: judged.status,
    summary: judged.summary,
    output: ctx.redact(describeDagsterEvidence(evidence)),
    durationMs: elapsedSince(started),
    outputs: { daemonsStopped: judged.daemonsStopped.join(', '), schedulesStopped: judged.schedulesStopped.join(', ') },
  };
}

export const dagsterRunningStepKind = defineStepKind({
  kind: 'dagster-running',
  schema,
  statuses: ['running', 'still-stopped', 'inconclusive'],
  // Could not see: Dagster not read.
  unseeingStatuses: ['inconclusive'],
  outputs: { daemonsStopped: 'text', schedulesStopped: 'text' },
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => (step.mutates ? [{ at: ['mutates'], message: 'dagster-running only reads: it does not mutate' }] : []),
  templates: (step) => [
    { at: ['schedules'], template: step.schedules, as: 'text' },
    { at: ['schedulesFrom'], template: step.schedulesFrom, as: 'text' },
  ],
  resolve: (step, tools) => {
    const { names, bad } = readNames(tools.text(step.schedules));
    if (bad.length > 0) throw new UserError(`not a schedule name: ${bad.map((n) => `"${n}"`).join(', ')} (letters, digits and _ only)`);
    return { ...step, schedules: names, schedulesFrom: tools.text(step.schedulesFrom) };
  },
  describe: (step) =>
    `ask the Dagster webserver (else the CLI) whether every required daemon heartbeats${step.schedules.length > 0 ? ` and ${step.schedules.join(', ')} ${step.schedules.length === 1 ? 'is' : 'are'} RUNNING` : ''}`,
  run: runDagsterRunningStep,
});
