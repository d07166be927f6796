// The dagster-asset-checks step kind: one run executing only the named models' asset checks (through the webserver), passed only when every check passed.
import { z } from 'zod';
import { parseDuration } from '../../config.js';
import { checkLabel, checkOutcomes, endedRunStatuses, findAssetChecks, launchCheckRun, runStatus, type CheckOutcome } from '../../dagster/asset-checks.js';
import { DagsterError } from '../../dagster/graphql-client.js';
import { formatDuration } from '../../format-duration.js';
import { duration, stepCommon } from '../../runbook/step-common.js';
import { listValue } from '../../runbook/template.js';
import type { StepResult } from '../types.js';
import { waitUntil } from '../wait-until.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, everyStatus, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-asset-checks'),
  /**
   * A list value naming the SQLMesh models whose checks run (source.models): the asset whose key ends in the model's
   * schema/name is each one's (databox keys them sqlmesh/<schema>/<model>).
   */
  models: z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z0-9_-]+)*$/),
  /** How often the run's status is asked while it runs. */
  every: duration.default('5s'),
});

type Parsed = z.output<typeof schema>;

export type DagsterAssetChecksStep = Omit<Parsed, 'models'> & {
  models: string[];
  /** DAGSTER_URL when the plan was made; without it the step says how to run the checks instead. */
  webserver?: string;
} & ResolvedCommon;

type Status = 'ok' | 'checks-failed' | 'incomplete' | 'no-checks' | 'not-configured' | 'unreachable' | 'lookup-failed' | 'not-launched' | 'unfinished';

const statuses = everyStatus<Status>({
  ok: true,
  'checks-failed': true,
  incomplete: true,
  'no-checks': true,
  'not-configured': true,
  unreachable: true,
  'lookup-failed': true,
  'not-launched': true,
  unfinished: true,
});

/** There is no CLI way: `dagster asset-check execute` does not exist (dagster-io/dagster#17606 asks for one). */
const howElse = "set DAGSTER_URL to the webserver and validate again, or run them from Dagster's UI (each asset's Checks tab → Execute all)";

const said = (error: DagsterError) => error.message.trim();

/**
 * Dagster's answer that the run does not exist ends the wait: asking again says the same. Its own failures (a
 * PythonError, say "database is locked" in its run storage) and a webserver that did not answer are asked again.
 */
const definiteAnswer = new Set<DagsterError['kind']>(['not-found']);

function outcomeLine(outcome: CheckOutcome): string {
  const severity = outcome.severity && outcome.status === 'FAILED' ? ` (severity ${outcome.severity})` : '';
  return `${outcome.status}${severity} ${checkLabel(outcome.check)}${outcome.message ? `: ${outcome.message}` : ''}`;
}

/** A failed check as the summary names it: its asset, its name, what it said. */
function failedText(outcome: CheckOutcome): string {
  if (outcome.status === 'EXECUTION_FAILED') return `${checkLabel(outcome.check)} (the check itself raised an error${outcome.message ? `: ${outcome.message}` : ''})`;
  return `${checkLabel(outcome.check)}${outcome.message ? ` (${outcome.message})` : ''}`;
}

export async function runDagsterAssetChecksStep(step: DagsterAssetChecksStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const client = (ctx.dagster ?? defaultDagsterRunTools).client;
  const result = (status: Status, summary: string, output = '', outputs: Record<string, string> = {}): StepResult => ({
    status,
    summary: ctx.redact(summary),
    output: ctx.redact(output),
    durationMs: elapsedSince(started),
    outputs: { runId: '', passed: '', failed: '', ...outputs },
  });
  if (!client) return result('not-configured', `not run: DAGSTER_URL is not set, and Dagster has no command that runs asset checks alone: ${howElse}`);

  let found;
  try {
    found = await findAssetChecks(client, step.models, client.location);
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    const silent = error.kind === 'unreachable' || error.kind === 'timeout';
    return result(silent ? 'unreachable' : 'lookup-failed', `the asset checks were not run: ${said(error)}`, error.raw ?? '');
  }
  if (!found.found) return result('no-checks', `nothing was checked: ${found.reason}`);

  const notes = [
    ...(found.unchecked.length > 0 ? [`no asset check on ${found.unchecked.join(', ')}, so not checked`] : []),
    ...(found.needMaterialization.length > 0 ? [`left out, they run only with a materialization: ${found.needMaterialization.map(checkLabel).join(', ')}`] : []),
  ];
  const noted = notes.length > 0 ? `. Note: ${notes.join('; ')}` : '';
  ctx.progress(`launching one run of ${found.job} executing ${found.checks.length} asset check${found.checks.length === 1 ? '' : 's'} only`);
  let runId: string;
  try {
    runId = await launchCheckRun(client, found, [{ key: 'databox/incident', value: ctx.incidentId }]);
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return result('not-launched', `the run of the asset checks was not launched: ${said(error)}`, error.raw ?? '');
  }
  ctx.progress(`launched run ${runId}`);

  const waited = await waitUntil({
    check: async () => {
      try {
        const status = await runStatus(client, runId);
        return { status, summary: `run ${runId} is ${status}` };
      } catch (error) {
        if (!(error instanceof DagsterError)) throw error;
        // Dagster's words name the run already.
        return { status: definiteAnswer.has(error.kind) ? 'NOT-FOUND' : 'UNANSWERED', summary: said(error) };
      }
    },
    until: [...endedRunStatuses, 'NOT-FOUND'],
    // The step's timeout bounds the whole step: the wait gets what the lookup and launch left of it.
    deadlineMs: Math.max(0, step.timeoutMs - elapsedSince(started)),
    everyMs: parseDuration(step.every) as number,
    progress: ctx.progress,
    signal: ctx.signal,
  });
  if (waited.status === 'ok' && waited.last.status === 'NOT-FOUND') {
    return result('lookup-failed', `the run of the asset checks was launched, but Dagster would not say how it went: ${waited.last.summary}; their results are not known${noted}`, '', { runId });
  }
  if (waited.status !== 'ok') {
    const why = waited.status === 'cancelled' ? 'the wait for it was stopped' : `it had not finished after ${formatDuration(elapsedSince(started))}, the step's limit being ${formatDuration(step.timeoutMs)}`;
    return result('unfinished', `run ${runId} of the asset checks was launched, but ${why} (last: ${waited.last.summary}): their results are not known; see the run in the Dagster UI${noted}`, '', { runId });
  }

  let outcomes: CheckOutcome[];
  try {
    outcomes = await checkOutcomes(client, found, runId);
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return result('lookup-failed', `run ${runId} ended ${waited.last.status}, but its checks' results could not be read: ${said(error)}`, error.raw ?? '', { runId });
  }
  const failed = outcomes.filter((o) => o.status === 'FAILED' || o.status === 'EXECUTION_FAILED');
  const passed = outcomes.filter((o) => o.status === 'SUCCEEDED');
  const missing = outcomes.filter((o) => !failed.includes(o) && !passed.includes(o));
  const output = outcomes.map(outcomeLine).join('\n');
  const outputs = { runId, passed: String(passed.length), failed: failed.map((o) => checkLabel(o.check)).join(', ') };
  const run = `run ${runId}, ${waited.last.status}`;
  if (failed.length > 0) {
    return result('checks-failed', `${failed.length} of ${outcomes.length} asset checks failed: ${failed.map(failedText).join('; ')}; ${passed.length} passed (${run})${noted}`, output, outputs);
  }
  if (missing.length > 0) {
    const which = missing.map((o) => `${checkLabel(o.check)} (${o.status === 'NONE' ? 'no result in this run' : o.status})`).join('; ');
    return result('incomplete', `${missing.length} of ${outcomes.length} asset checks gave no result: ${which}; ${passed.length} passed (${run})${noted}`, output, outputs);
  }
  const all = passed.length === 1 ? 'the one asset check' : `all ${passed.length} asset checks`;
  return result('ok', `${all} passed (${run})${noted}`, output, outputs);
}

export const dagsterAssetChecksStepKind = defineStepKind({
  kind: 'dagster-asset-checks',
  schema,
  statuses,
  // Could not see: the webserver not reached, or its answer not read.
  unseeingStatuses: ['unreachable', 'lookup-failed'],
  // Each set whatever the status, empty where there is nothing to say.
  outputs: { runId: 'text', passed: 'text', failed: 'text' },
  defaultTimeoutMs: 30 * 60_000,
  rules: (step) => (step.mutates ? [{ at: ['mutates'], message: 'dagster-asset-checks only runs checks (nothing is materialized): it does not mutate' }] : []),
  templates: (step) => [{ at: ['models'], template: step.models, as: 'list' }],
  resolve: (step, tools): Omit<DagsterAssetChecksStep, keyof ResolvedCommon> => ({
    ...step,
    models: listValue(step.models, tools.values),
    webserver: tools.dagster.url,
  }),
  describe: (step) =>
    step.webserver
      ? [
          `GraphQL launchRun on the asset job: the asset checks of ${step.models.join(', ')} only (assetSelection [], nothing materialized)`,
          `# then runOrError every ${step.every} until the run ends, and assetCheckExecutions for each check's result in that run`,
        ].join('\n')
      : `# not run: DAGSTER_URL is not set, and Dagster has no command that runs asset checks alone: ${howElse}`,
  run: runDagsterAssetChecksStep,
});
