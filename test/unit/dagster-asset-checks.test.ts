// The dagster-asset-checks step against a played webserver: one run of only the models' checks, passed only when every
// check passed in that run; a failing check named, a webserver down, a launch refused, a run not ending in time, no URL.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { describeStep } from '../../src/engine/describe.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { runDagsterAssetChecksStep, type DagsterAssetChecksStep } from '../../src/engine/steps/dagster-asset-checks-step.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { defaultDagsterSettings } from '../../src/engine/steps/define-step-kind.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { assetCheckAnswers, checksRunId, type ChecksScript } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
afterEach(() => nock.cleanAll());

const ebirdModels = ['ebird.fct_daily_bird_observations', 'analytics.fct_species_environment_daily'];

function resolved(url: string | undefined, models = ebirdModels, timeout = '5s'): DagsterAssetChecksStep {
  const parsed = stepSchema.parse({ id: 'asset_checks', kind: 'dagster-asset-checks', title: 'Re-run the Soda contracts', models: 'source.models', every: '20ms', timeout });
  const [step] = resolveSteps([parsed], { root: '/srv/databox', values: { source: { models } }, dagster: { ...defaultDagsterSettings, url } });
  return step as unknown as DagsterAssetChecksStep;
}

function context(progress: string[] = [], withClient = true): StepRunContext {
  return {
    root: '/srv/databox',
    databasePath: '/srv/databox/databox.duckdb',
    stateDir: '/srv/databox/var',
    incidentId: 'dbx-20260420-3fa2',
    runId: 'run-1',
    diskFullPercent: 95,
    runCommand,
    redact: (text) => text,
    clock: () => new Date(),
    progress: (text) => progress.push(text),
    dagster: { heartbeatMaxAgeMs: 180_000, client: withClient ? new DagsterClient({ url: dagsterUrl, timeoutMs: 500 }) : undefined },
  };
}

function serve(script: ChecksScript = {}) {
  const { answers, launches } = assetCheckAnswers(script);
  serveDagster(answers);
  return launches;
}

describe('dagster-asset-checks', () => {
  it("launches one run of the asset job executing only the models' checks, waits for it, and passes when each passed in it", async () => {
    const launches = serve();
    const progress: string[] = [];
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl), context(progress));
    expect(result).toMatchObject({ status: 'ok', summary: `all 2 asset checks passed (run ${checksRunId}, SUCCESS)`, outputs: { runId: checksRunId, passed: '2', failed: '' } });
    expect(launches).toEqual([
      {
        executionParams: {
          mode: 'default',
          runConfigData: '{}',
          executionMetadata: { tags: [{ key: 'databox/incident', value: 'dbx-20260420-3fa2' }] },
          selector: {
            repositoryName: '__repository__',
            repositoryLocationName: 'databox.orchestration.definitions',
            jobName: '__ASSET_JOB',
            assetSelection: [],
            assetCheckSelection: [
              { assetKey: { path: ['sqlmesh', 'analytics', 'fct_species_environment_daily'] }, name: 'soda_contract' },
              { assetKey: { path: ['sqlmesh', 'ebird', 'fct_daily_bird_observations'] }, name: 'soda_contract' },
            ],
          },
        },
      },
    ]);
    expect(progress[0]).toBe('launching one run of __ASSET_JOB executing 2 asset checks only');
    expect(progress[1]).toBe(`launched run ${checksRunId}`);
    // The wait gets what the lookup and the launch left of the step's 5 s: 5.0 s, or a little less on a busy machine.
    expect(progress[2]).toMatch(new RegExp(`^check 1, .* of (5\\.0|4\\.\\d) s: STARTED: run ${checksRunId} is STARTED$`));
  });

  it('fails naming the check that failed, its asset and message, and how many passed, though its run ended SUCCESS', async () => {
    serve({ results: { 'sqlmesh/ebird/fct_daily_bird_observations: soda_contract': { status: 'FAILED', description: 'row_count must be > 0 for day_date 2026-04-19' } } });
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl), context());
    expect(result.status).toBe('checks-failed');
    expect(result.summary).toBe(
      `1 of 2 asset checks failed: sqlmesh/ebird/fct_daily_bird_observations: soda_contract (row_count must be > 0 for day_date 2026-04-19); 1 passed (run ${checksRunId}, SUCCESS)`,
    );
    expect(result.outputs).toMatchObject({ failed: 'sqlmesh/ebird/fct_daily_bird_observations: soda_contract', passed: '1' });
    expect(result.output).toContain('SUCCEEDED sqlmesh/analytics/fct_species_environment_daily: soda_contract: checks_total=3');
  });

  it('does not pass a check that gave no result in its run (the older run failed it: not read as this one)', async () => {
    serve({ results: { 'sqlmesh/analytics/fct_species_environment_daily: soda_contract': { status: 'SKIPPED' } }, runStatuses: ['CANCELED'] });
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl), context());
    expect(result.status).toBe('incomplete');
    expect(result.summary).toContain('1 of 2 asset checks gave no result: sqlmesh/analytics/fct_species_environment_daily: soda_contract (SKIPPED); 1 passed');
  });

  it('is unreachable, not passed, when the webserver cannot be reached', async () => {
    nock(dagsterUrl).persist().post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl), context());
    expect(result.status).toBe('unreachable');
    expect(result.summary).toBe(`the asset checks were not run: the Dagster webserver at ${dagsterUrl}/graphql cannot be reached (connect ECONNREFUSED 127.0.0.1:3070)`);
  });

  it('is not-launched, saying why, when launchRun answers an error', async () => {
    serve({ launch: { __typename: 'PythonError', message: 'dagster._core.errors.DagsterInvalidSubsetError: no check soda_contract\n' } });
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl), context());
    expect(result).toMatchObject({
      status: 'not-launched',
      summary: 'the run of the asset checks was not launched: Dagster failed while launching the run of the checks: dagster._core.errors.DagsterInvalidSubsetError: no check soda_contract',
    });
  });

  it('is unfinished, giving the run id, when the run does not end within the timeout', async () => {
    serve({ runStatuses: ['STARTED'] });
    const progress: string[] = [];
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl, ebirdModels, '300ms'), context(progress));
    expect(result.status).toBe('unfinished');
    // How long it waited, as it was, beside the limit; and the last answer whole.
    expect(result.summary).toMatch(
      new RegExp(`^run ${checksRunId} of the asset checks was launched, but it had not finished after \\d+ ms, the step's limit being 300 ms \\(last: run ${checksRunId} is STARTED\\): their results are not known; see the run in the Dagster UI$`),
    );
    expect(progress.filter((line) => line.includes('STARTED')).length).toBeGreaterThan(1);
  });

  it("ends at once, keeping Dagster's words, when Dagster answers that the run does not exist: asking again says the same", async () => {
    const { answers } = assetCheckAnswers();
    let asked = 0;
    answers.DataboxRunStatus = () => {
      asked += 1;
      return { data: { runOrError: { __typename: 'RunNotFoundError', message: 'Run a1b2 could not be found.' } } };
    };
    serveDagster(answers);
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl, ebirdModels, '5s'), context());
    expect(result.status).toBe('lookup-failed');
    expect(result.summary).toBe(
      `the run of the asset checks was launched, but Dagster would not say how it went: Dagster refused run ${checksRunId}: RunNotFoundError: Run a1b2 could not be found.; their results are not known`,
    );
    expect(asked).toBe(1);
  });

  it('asks again after Dagster failed itself answering (a PythonError: its run storage locked, say), and passes when the run then ends', async () => {
    const { answers } = assetCheckAnswers();
    let asked = 0;
    answers.DataboxRunStatus = () => {
      asked += 1;
      return asked === 1
        ? { data: { runOrError: { __typename: 'PythonError', message: 'sqlite3.OperationalError: database is locked' } } }
        : { data: { runOrError: { __typename: 'Run', status: 'SUCCESS' } } };
    };
    serveDagster(answers);
    const result = await runDagsterAssetChecksStep(resolved(dagsterUrl), context());
    expect(result.status).toBe('ok');
    expect(asked).toBe(2);
  });

  it('is no-checks when the webserver lists no check on the models, and names the models without one', async () => {
    serve();
    expect(await runDagsterAssetChecksStep(resolved(dagsterUrl, ['raw_ebird.observations']), context())).toMatchObject({
      status: 'no-checks',
      summary: 'nothing was checked: the webserver lists no asset check on raw_ebird.observations',
    });
    const some = await runDagsterAssetChecksStep(resolved(dagsterUrl, ['ebird.fct_daily_bird_observations', 'ebird.dim_hotspots']), context());
    expect(some).toMatchObject({ status: 'ok', summary: `the one asset check passed (run ${checksRunId}, SUCCESS). Note: no asset check on ebird.dim_hotspots, so not checked` });
  });

  it('without DAGSTER_URL runs nothing and does not pass: it says to set it or use the UI, in the plan too', async () => {
    const step = resolved(undefined);
    const result = await runDagsterAssetChecksStep(step, context([], false));
    expect(result.status).toBe('not-configured');
    expect(result.summary).toContain("set DAGSTER_URL to the webserver and validate again, or run them from Dagster's UI");
    expect(describeStep(step as never, '/srv/databox')).toMatch(/^# not run: DAGSTER_URL is not set/);
    expect(describeStep(resolved(dagsterUrl) as never, '/srv/databox')).toContain(
      'GraphQL launchRun on the asset job: the asset checks of ebird.fct_daily_bird_observations, analytics.fct_species_environment_daily only (assetSelection [], nothing materialized)',
    );
  });
});
