// The dagster-backfill step kind: the explicit backfill of a window, via GraphQL launchPartitionBackfill or `dagster job backfill`.
import { z } from 'zod';
import { backfillArgv, runBackfill } from '../../dagster/backfill.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-backfill'),
  /** The partitioned job the CLI backfills, such as all_pipelines. */
  job: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  /** The Definitions file, relative to the checkout. */
  definitionsFile: template,
  /** Asset keys ("ebird/fct_daily_bird_observations") the GraphQL backfill covers; without them the CLI is used. */
  assets: z.array(z.string().regex(/^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/)).default([]),
  from: template,
  to: template,
});

type Parsed = z.output<typeof schema>;
export type DagsterBackfillStep = Parsed & { via: 'graphql' | 'cli' } & ResolvedCommon;

export async function runDagsterBackfillStep(step: DagsterBackfillStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const result = await runBackfill({
    window: { from: step.from, to: step.to },
    client: step.via === 'graphql' ? (ctx.dagster ?? defaultDagsterRunTools).client : undefined,
    assetKeys: step.assets.map((key) => key.split('/')),
    cli: { job: step.job, definitionsFile: step.definitionsFile },
    cwd: ctx.root,
    runCommand: ctx.runCommand,
    timeoutMs: step.timeoutMs,
    incidentId: ctx.incidentId,
    signal: ctx.signal,
  });
  return {
    status: result.status,
    summary: ctx.redact(result.summary),
    output: ctx.redact(result.output),
    exitCode: result.exitCode,
    durationMs: elapsedSince(started),
    outputs: { backfillId: result.backfillId ?? '', via: result.via, from: step.from, to: step.to },
  };
}

export const dagsterBackfillStepKind = defineStepKind({
  kind: 'dagster-backfill',
  schema,
  statuses: ['ok'],
  outputs: ['backfillId', 'via', 'from', 'to'],
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => (!step.mutates ? [{ at: ['mutates'], message: 'a backfill launches runs: set mutates: true' }] : []),
  templates: (step) => [
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
    { at: ['definitionsFile'], template: step.definitionsFile, as: 'text' },
  ],
  resolve: (step, tools) => ({
    ...step,
    from: tools.text(step.from),
    to: tools.text(step.to),
    definitionsFile: tools.text(step.definitionsFile),
    via: tools.dagster.url && step.assets.length > 0 ? 'graphql' : 'cli',
  }),
  describe: (step, { showArg }) =>
    step.via === 'graphql'
      ? `GraphQL launchPartitionBackfill: assets ${step.assets.join(', ')}, partitions ${step.from} … ${step.to}`
      : backfillArgv({ job: step.job, definitionsFile: step.definitionsFile }, { from: step.from, to: step.to }).map(showArg).join(' '),
  run: runDagsterBackfillStep,
});
