// The dagster-backfill step kind: the explicit backfill of a window, via GraphQL launchPartitionBackfill or `dagster job backfill`.
import { z } from 'zod';
import { backfillArgv, runBackfill } from '../../dagster/backfill.js';
import { jobPartitionedAssets, type JobAssets } from '../../dagster/job-assets.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-backfill'),
  /**
   * The partitioned job the CLI backfills, such as all_pipelines. Where DAGSTER_URL is set and no assets are listed, the
   * webserver is asked for this job's daily-partitioned assets when the plan is made, and those are backfilled through GraphQL.
   */
  job: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  /** The Definitions file, relative to the checkout. */
  definitionsFile: template,
  /** Asset keys ("ebird/fct_daily_bird_observations") the GraphQL backfill covers, instead of the job's as the webserver lists them. */
  assets: z.array(z.string().regex(/^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/)).default([]),
  from: template,
  to: template,
});

type Parsed = z.output<typeof schema>;

export type DagsterBackfillStep = Parsed & {
  via: 'graphql' | 'cli';
  /** The exact asset keys the GraphQL backfill covers: the runbook's, or the job's as the webserver listed them. */
  assetKeys: string[][];
  /** Set when the webserver listed them: how they are partitioned, and the job's assets left out (no partitions). */
  discovered?: { partitioning: string[]; unpartitioned: string[] };
  /** Why the CLI backfills although DAGSTER_URL is set. */
  cliBecause?: string;
} & ResolvedCommon;

/** Where the backfill goes, decided when the plan is made so that the plan names it: the webserver, or the CLI and why. */
function route(step: Parsed, url: string | undefined, prepared: unknown): Pick<DagsterBackfillStep, 'via' | 'assetKeys' | 'discovered' | 'cliBecause'> {
  if (!url) return { via: 'cli', assetKeys: [] };
  if (step.assets.length > 0) return { via: 'graphql', assetKeys: step.assets.map((key) => key.split('/')) };
  const answer = prepared as JobAssets | undefined;
  if (!answer) return { via: 'cli', assetKeys: [], cliBecause: `the assets of job ${step.job} were not looked up` };
  if (!answer.found) return { via: 'cli', assetKeys: [], cliBecause: answer.reason };
  return { via: 'graphql', assetKeys: answer.assetKeys, discovered: { partitioning: answer.partitioning, unpartitioned: answer.unpartitioned } };
}

function describeGraphql(step: DagsterBackfillStep): string {
  const lines = [`GraphQL launchPartitionBackfill: assets ${step.assetKeys.map((key) => key.join('/')).join(', ')}, partitions ${step.from} … ${step.to}`];
  if (step.discovered) {
    const partitioning = step.discovered.partitioning.length > 0 ? ` (${step.discovered.partitioning.join('; ')})` : '';
    lines.push(`# the partitioned assets of job ${step.job}, as the webserver listed them when this plan was made${partitioning}`);
    if (step.discovered.unpartitioned.length > 0) lines.push(`# left out, not partitioned: ${step.discovered.unpartitioned.join(', ')}`);
  }
  return lines.join('\n');
}

export async function runDagsterBackfillStep(step: DagsterBackfillStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const result = await runBackfill({
    window: { from: step.from, to: step.to },
    client: step.via === 'graphql' ? (ctx.dagster ?? defaultDagsterRunTools).client : undefined,
    // A plan journaled before assetKeys existed names its assets in `assets` only.
    assetKeys: step.assetKeys ?? step.assets.map((key) => key.split('/')),
    cli: { job: step.job, definitionsFile: step.definitionsFile },
    cwd: ctx.root,
    runCommand: ctx.runCommand,
    timeoutMs: step.timeoutMs,
    incidentId: ctx.incidentId,
    signal: ctx.signal,
    onStart: ctx.processStarted,
    spoolFile: ctx.outputFile?.(step.id),
    redact: ctx.redact,
  });
  return {
    status: result.status,
    summary: ctx.redact(result.summary),
    output: result.spool ? result.output : ctx.redact(result.output),
    spool: result.spool,
    exitCode: result.exitCode,
    durationMs: elapsedSince(started),
    outputs: { backfillId: result.backfillId ?? '', via: result.via, from: step.from, to: step.to },
    // Refused by Dagster, or a CLI that never started: no run was launched, so nothing changed.
    ...(result.launchedNothing ? { untouched: true as const } : {}),
  };
}

export const dagsterBackfillStepKind = defineStepKind({
  kind: 'dagster-backfill',
  schema,
  statuses: ['ok', 'unknown'],
  outputs: ['backfillId', 'via', 'from', 'to'],
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => (!step.mutates ? [{ at: ['mutates'], message: 'a backfill launches runs: set mutates: true' }] : []),
  templates: (step) => [
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
    { at: ['definitionsFile'], template: step.definitionsFile, as: 'text' },
  ],
  // Only where the webserver would be used and the runbook lists no assets: the job's assets, looked up before the plan.
  prepare: async (step, { dagster }) =>
    dagster.url && dagster.client && step.assets.length === 0 ? jobPartitionedAssets(dagster.client, step.job, dagster.location) : undefined,
  resolve: (step, tools): Omit<DagsterBackfillStep, keyof ResolvedCommon> => ({
    ...step,
    from: tools.text(step.from),
    to: tools.text(step.to),
    definitionsFile: tools.text(step.definitionsFile),
    ...route(step, tools.dagster.url, tools.prepared),
  }),
  describe: (step, { showArg }) => {
    if (step.via === 'graphql') return describeGraphql(step);
    const argv = backfillArgv({ job: step.job, definitionsFile: step.definitionsFile }, { from: step.from, to: step.to }).map(showArg).join(' ');
    return step.cliBecause ? `${argv}\n# through the CLI, not the webserver: ${step.cliBecause}` : argv;
  },
  // Through the webserver, no program; through the CLI, `uv`, started in the checkout.
  programs: (step, root) => (step.via === 'cli' ? [{ file: backfillArgv({ job: step.job, definitionsFile: step.definitionsFile }, { from: step.from, to: step.to })[0] as string, cwd: root }] : []),
  // What it may have done is launch runs in Dagster: whether it did is found there, before launching the window again.
  stoppedPartWay: (_step, result) =>
    result.status === 'unknown'
      ? 'it may have launched the backfill, whose runs write the marts: look in the Dagster UI (Overview → Backfills) before launching it again'
      : 'the CLI may have launched part of the backfill before it failed: look in the Dagster UI (Overview → Backfills, Runs) before launching it again',
  run: runDagsterBackfillStep,
});
