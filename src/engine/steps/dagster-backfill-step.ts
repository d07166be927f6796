// The dagster-backfill step kind: the explicit backfill of a window, via GraphQL launchPartitionBackfill or `dagster job backfill`.
import { z } from 'zod';
import { backfillArgv, runBackfill } from '../../dagster/backfill.js';
import { backfillsInProgress, backfillsInTheWaySaid, overlappingBackfills, type BackfillsInProgress, type BackfillTarget } from '../../dagster/backfills-in-progress.js';
import { jobAssetsIn, listJobAssets, type JobAssetListing } from '../../dagster/job-assets.js';
import { UserError } from '../../errors.js';
import { readNames } from '../../runbook/params.js';
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
  /**
   * The code locations where the diagnosis found the job's schedules paused, comma-separated
   * ("{{diagnosis.dagster.pausedLocations?}}"): with no DAGSTER_LOCATION and the job in several code locations (a staging
   * copy), the backfill takes that location's assets, not every location's.
   */
  pausedIn: template.default(''),
  /**
   * A backfill of more days than this needs a teammate's approval, as a destructive step does: it launches a run (or a
   * materialization per asset) for every day, a load an operator does not start alone by accident. 14 by default.
   */
  teammateApprovalAboveDays: z.number().int().positive().default(14),
});

type Parsed = z.output<typeof schema>;

export type DagsterBackfillStep = Parsed & {
  via: 'graphql' | 'cli';
  /** The exact asset keys the GraphQL backfill covers: the runbook's, or the job's as the webserver listed them. */
  assetKeys: string[][];
  /** Set when the webserver listed them: how they are partitioned, the job's assets left out (no partitions), and where. */
  discovered?: { partitioning: string[]; unpartitioned: string[]; location?: string };
  /** Why the CLI backfills although DAGSTER_URL is set. */
  cliBecause?: string;
  /** Why the backfills Dagster already carries out could not be read when the plan was made: said on the step. */
  inProgressUnread?: string;
} & ResolvedCommon;

/** What the kind looks up before the plan is made, with DAGSTER_URL set: the job's assets (none listed by the runbook), and the backfills in progress. */
interface Prepared {
  listing?: JobAssetListing;
  inProgress: BackfillsInProgress;
}

const targetOf = (step: Pick<DagsterBackfillStep, 'job' | 'assetKeys' | 'from' | 'to'>): BackfillTarget => ({
  job: step.job,
  assets: step.assetKeys.map((key) => key.join('/')),
  from: step.from,
  to: step.to,
});

/** A backfill in progress over the same assets and days refuses the plan when it is made; one that could not be read is said on the step. */
function inProgressCheck(step: Pick<DagsterBackfillStep, 'job' | 'assetKeys' | 'from' | 'to'>, prepared: Prepared | undefined): Pick<DagsterBackfillStep, 'inProgressUnread'> {
  if (!prepared) return {};
  if ('failed' in prepared.inProgress) return { inProgressUnread: prepared.inProgress.failed };
  const found = overlappingBackfills(prepared.inProgress.backfills, targetOf(step));
  if (found.length > 0) throw new UserError(`${backfillsInTheWaySaid(found, targetOf(step))}. Nothing was proposed`);
  return {};
}

/** Where the backfill goes, decided when the plan is made so that the plan names it: the webserver, or the CLI and why. */
function route(step: Parsed, url: string | undefined, prepared: Prepared | undefined, pausedIn: readonly string[]): Pick<DagsterBackfillStep, 'via' | 'assetKeys' | 'discovered' | 'cliBecause'> {
  if (!url) return { via: 'cli', assetKeys: [] };
  if (step.assets.length > 0) return { via: 'graphql', assetKeys: step.assets.map((key) => key.split('/')) };
  const listing = prepared?.listing;
  if (!listing) return { via: 'cli', assetKeys: [], cliBecause: `the assets of job ${step.job} were not looked up` };
  const answer = jobAssetsIn(listing, pausedIn);
  if (!answer.found && answer.nothingPartitioned) throw new UserError(nothingToBackfill(step, answer.nothingPartitioned));
  if (!answer.found) return { via: 'cli', assetKeys: [], cliBecause: answer.reason };
  return { via: 'graphql', assetKeys: answer.assetKeys, discovered: { partitioning: answer.partitioning, unpartitioned: answer.unpartitioned, location: answer.location } };
}

/**
 * A job none of whose assets is partitioned has no partition to backfill: `dagster job backfill` refuses it ("No partition
 * sets found for job", dagster/_cli/job.py), after the plan had already started the daemon. Refused when the plan is made.
 */
function nothingToBackfill(step: Parsed, found: { assets: string[]; location?: string }): string {
  const where = found.location ? ` in code location ${found.location}` : '';
  const shown = found.assets.length > 5 ? `${found.assets.slice(0, 5).join(', ')} and ${found.assets.length - 5} more` : found.assets.join(', ');
  return (
    `no asset of job ${step.job}${where} is partitioned (${shown}), so there is nothing to backfill by partition: a window names no partition of it, ` +
    `and \`dagster job backfill\` refuses such a job ("No partition sets found"). Nothing was proposed. Run the job once instead, which rebuilds ` +
    `its assets whole: Dagster UI → Jobs → ${step.job} → Launchpad, or \`uv run dagster job launch -j ${step.job} -f ${step.definitionsFile}\` ` +
    `in the checkout (with the daemon heartbeating, or the run stays queued)`
  );
}

/** The days of the window, both ends included; 0 when they are not dates (a plan left without its window is never run). */
function windowDays(step: Pick<DagsterBackfillStep, 'from' | 'to'>): number {
  const days = (Date.parse(`${step.to}T00:00:00Z`) - Date.parse(`${step.from}T00:00:00Z`)) / 86_400_000 + 1;
  return Number.isFinite(days) && days > 0 ? days : 0;
}

/** Its size as the approver reads it: days × assets = asset partitions through the webserver, a run per day through the CLI. */
function sizeSaid(step: DagsterBackfillStep): string {
  const days = windowDays(step);
  const dayWord = `${days} day${days === 1 ? '' : 's'}`;
  if (step.via === 'graphql') {
    const assets = step.assetKeys.length;
    return `${dayWord} × ${assets} asset${assets === 1 ? '' : 's'} = ${days * assets} asset partitions to materialize`;
  }
  return `${dayWord} of job ${step.job} = ${days} run${days === 1 ? '' : 's'}, one per daily partition`;
}

/** Above the step's threshold: the plan needs a teammate, and its header says why. */
function largeBackfill(step: DagsterBackfillStep): string | undefined {
  const limit = step.teammateApprovalAboveDays ?? 14;
  if (windowDays(step) <= limit) return undefined;
  return `launches a large backfill (${sizeSaid(step)}; over ${limit} days, the step's teammateApprovalAboveDays)`;
}

function sizeLine(step: DagsterBackfillStep): string {
  const large = largeBackfill(step) ? ` — LARGE: over ${step.teammateApprovalAboveDays ?? 14} days, a teammate approves it` : '';
  return `# size: ${sizeSaid(step)}${large}`;
}

function describeGraphql(step: DagsterBackfillStep): string {
  const lines = [`GraphQL launchPartitionBackfill: assets ${step.assetKeys.map((key) => key.join('/')).join(', ')}, partitions ${step.from} … ${step.to}`, sizeLine(step)];
  if (step.inProgressUnread) lines.push(`# backfills already in progress could not be read (${step.inProgressUnread}): look in Dagster's UI (Overview → Backfills) before approving`);
  if (step.discovered) {
    const partitioning = step.discovered.partitioning.length > 0 ? ` (${step.discovered.partitioning.join('; ')})` : '';
    const where = step.discovered.location ? ` in code location ${step.discovered.location}` : '';
    lines.push(`# the partitioned assets of job ${step.job}${where}, as the webserver listed them when this plan was made${partitioning}`);
    if (step.discovered.unpartitioned.length > 0) lines.push(`# left out, not partitioned: ${step.discovered.unpartitioned.join(', ')}`);
  }
  return lines.join('\n');
}

/**
 * A backfill of the same partitions launched since the plan was made (from Dagster's UI, say): read right before the
 * plan's first changing step (inTheWayNow), so the plan stops before the daemon or any schedule is started, and again
 * right before the launch, for one launched while the steps before it ran.
 */
async function launchedSince(step: DagsterBackfillStep, ctx: StepRunContext): Promise<string | undefined> {
  const client = (ctx.dagster ?? defaultDagsterRunTools).client;
  if (!client) return undefined;
  const answer = await backfillsInProgress(client);
  // Unread now: the launch goes ahead as planned, and says whatever the webserver answers it.
  if ('failed' in answer) return undefined;
  const target = targetOf({ ...step, assetKeys: step.assetKeys ?? [] });
  const found = overlappingBackfills(answer.backfills, target);
  return found.length > 0 ? backfillsInTheWaySaid(found, target) : undefined;
}

/** The backfill a step's outputs say it launched (its output named it), or undefined when they name none. */
function launchedBackfillOf(outputs: Readonly<Record<string, unknown>>): string | undefined {
  return typeof outputs.backfillId === 'string' && outputs.backfillId !== '' ? outputs.backfillId : undefined;
}

export async function runDagsterBackfillStep(step: DagsterBackfillStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const inTheWay = await launchedSince(step, ctx);
  if (inTheWay) {
    const summary = ctx.redact(`not launched: ${inTheWay}`);
    return { status: 'failed', summary, output: summary, durationMs: elapsedSince(started), outputs: { backfillId: '', via: step.via, from: step.from, to: step.to }, untouched: true };
  }
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
  // failed: refused by Dagster, or a CLI that failed; said with its outputs.
  statuses: ['ok', 'unknown', 'failed'],
  // Could not see: the webserver's answer lost.
  unseeingStatuses: ['unknown'],
  outputs: { backfillId: 'text', via: 'text', from: 'text', to: 'text' },
  defaultTimeoutMs: 10 * 60_000,
  // A CLI that failed after its output said it launched a backfill changed something; one that failed before (an import
  // error, a window it refused) launched nothing, and a plan for the same window may be made again. Cut short (a
  // timeout, a kill) it ends unknown, which always counts. A launch the webserver refused, or a CLI that never started,
  // is marked untouched.
  partWay: { statuses: ['failed'], changed: (outputs) => outputs.via === 'cli' && launchedBackfillOf(outputs) !== undefined },
  rules: (step) => (!step.mutates ? [{ at: ['mutates'], message: 'a backfill launches runs: set mutates: true' }] : []),
  templates: (step) => [
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
    { at: ['definitionsFile'], template: step.definitionsFile, as: 'text' },
    { at: ['pausedIn'], template: step.pausedIn, as: 'text' },
  ],
  // Only where the webserver would be used: the job's assets (the runbook listing none) and the backfills in progress, looked up before the plan.
  prepare: async (step, { dagster }): Promise<Prepared | undefined> =>
    dagster.url && dagster.client
      ? { listing: step.assets.length === 0 ? await listJobAssets(dagster.client, step.job, dagster.location) : undefined, inProgress: await backfillsInProgress(dagster.client) }
      : undefined,
  resolve: (step, tools): Omit<DagsterBackfillStep, keyof ResolvedCommon> => {
    const prepared = tools.prepared as Prepared | undefined;
    const resolved = {
      ...step,
      from: tools.text(step.from),
      to: tools.text(step.to),
      definitionsFile: tools.text(step.definitionsFile),
      pausedIn: tools.text(step.pausedIn),
      ...route(step, tools.dagster.url, prepared, readNames(tools.text(step.pausedIn)).names),
    };
    return { ...resolved, ...inProgressCheck(resolved, prepared) };
  },
  describe: (step, { showArg }) => {
    if (step.via === 'graphql') return describeGraphql(step);
    const argv = backfillArgv({ job: step.job, definitionsFile: step.definitionsFile }, { from: step.from, to: step.to }).map(showArg).join(' ');
    const unread = step.inProgressUnread ? `\n# backfills already in progress could not be read (${step.inProgressUnread}): look in Dagster's UI (Overview → Backfills) before approving` : '';
    return [argv, sizeLine(step), ...(step.cliBecause ? [`# through the CLI, not the webserver: ${step.cliBecause}`] : [])].join('\n') + unread;
  },
  teammateBecause: largeBackfill,
  // Through the webserver, no program; through the CLI, `uv`, started in the checkout.
  programs: (step, root) => (step.via === 'cli' ? [{ file: backfillArgv({ job: step.job, definitionsFile: step.definitionsFile }, { from: step.from, to: step.to })[0] as string, cwd: root }] : []),
  // What it may have done is launch runs in Dagster: the backfill its output named, or, cut short before it named one,
  // one found in Dagster's UI. One that failed naming none changed nothing (partWay) and is not said here.
  stoppedPartWay: (_step, result) => {
    const launched = launchedBackfillOf(result.outputs ?? {});
    if (launched) return `it launched backfill ${launched}, whose runs write the marts, before it ${result.status === 'unknown' ? 'was cut short' : 'failed'}: look at it in the Dagster UI (Overview → Backfills → ${launched}) before launching the window again`;
    return 'it may have launched the backfill, whose runs write the marts: look in the Dagster UI (Overview → Backfills) before launching it again';
  },
  // Its runs are Dagster's once launched: a rollback stops schedules or restores data, never a backfill's runs.
  notUndoneByRollback: (_step, result) => {
    const id = typeof result.outputs?.backfillId === 'string' ? result.outputs.backfillId : '';
    const which = id ? `the backfill it launched (${id})` : result.status === 'ok' ? 'the backfill it launched' : 'the backfill it may have launched';
    return `${which}, whose runs go on writing the marts: cancel it in the Dagster UI (Overview → Backfills → ${id || 'the one tagged databox/incident'} → Cancel backfill)`;
  },
  inTheWayNow: launchedSince,
  run: runDagsterBackfillStep,
});
