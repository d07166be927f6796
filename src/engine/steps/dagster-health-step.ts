// The dagster-health step kind: daemon heartbeats and each schedule's last tick (webserver first, else the CLI) as evidence and a verdict.
import { z } from 'zod';
import { assessDagster, describeDagsterEvidence, type DagsterVerdictId } from '../../dagster/evidence.js';
import { probeDagster } from '../../dagster/probe.js';
import { stepCommon } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, everyStatus, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({ ...stepCommon, kind: z.literal('dagster-health') });

export type DagsterHealthStep = z.output<typeof schema> & ResolvedCommon;

const statuses = everyStatus<DagsterVerdictId>({ healthy: true, 'daemon-stopped': true, 'schedules-paused': true, 'schedules-behind': true, inconclusive: true });

export async function runDagsterHealthStep(_step: DagsterHealthStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const now = ctx.clock();
  const evidence = await probeDagster({ client: (ctx.dagster ?? defaultDagsterRunTools).client, runCommand: ctx.runCommand, cwd: ctx.root, now });
  const verdict = assessDagster(evidence, { heartbeatMaxAgeSeconds: (ctx.dagster ?? defaultDagsterRunTools).heartbeatMaxAgeMs / 1000 }, now);
  const window = verdict.window ? `; missed window ${verdict.window.from} … ${verdict.window.to}` : '';
  return {
    status: verdict.id,
    summary: `${verdict.title}${window}${verdict.reasons.length > 0 ? ` (${verdict.reasons.join('; ')})` : ''}`,
    output: ctx.redact(describeDagsterEvidence(evidence)),
    durationMs: elapsedSince(started),
    outputs: {
      since: verdict.since ?? '',
      windowFrom: verdict.window?.from ?? '',
      windowTo: verdict.window?.to ?? '',
      source: evidence.source,
      stoppedDaemons: (evidence.daemons ?? []).filter((d) => d.required && d.healthy === false).map((d) => d.type).join(', '),
      pausedSchedules: (evidence.schedules ?? []).filter((s) => s.status === 'STOPPED').map((s) => s.name).join(', '),
    },
  };
}

export const dagsterHealthStepKind = defineStepKind({
  kind: 'dagster-health',
  schema,
  statuses,
  outputs: ['since', 'windowFrom', 'windowTo', 'source', 'stoppedDaemons', 'pausedSchedules'],
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => (step.mutates ? [{ at: ['mutates'], message: 'dagster-health only reads: it does not mutate' }] : []),
  templates: () => [],
  resolve: (step) => step,
  describe: () =>
    'ask the Dagster webserver (GraphQL instance.daemonHealth, schedulesOrError with each last tick); where it does not answer: uv run dagster-daemon liveness-check, uv run dagster schedule list, uv run dagster instance info',
  run: runDagsterHealthStep,
});
