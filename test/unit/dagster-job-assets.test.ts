// The assets a job's backfill covers, asked of the webserver before the plan: the job's daily-partitioned assets from the
// recorded assetNodes answer, each reason to fall back to the CLI, and the plan text of both routes.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { jobPartitionedAssets } from '../../src/dagster/job-assets.js';
import { describeStep } from '../../src/engine/describe.js';
import { prepareSteps, resolveSteps } from '../../src/engine/resolve.js';
import { defaultDagsterSettings } from '../../src/engine/steps/define-step-kind.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { dagsterUrl, graphqlFixture, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
afterEach(() => nock.cleanAll());

const client = () => new DagsterClient({ url: dagsterUrl, timeoutMs: 300 });

/** The recorded answer, changed the way another deployment would answer. */
function assetNodes(change: (answer: any) => void): () => unknown {
  return () => {
    const answer = graphqlFixture('asset-nodes') as any;
    change(answer);
    return answer;
  };
}

const backfillStep = (extra: Record<string, unknown> = {}) =>
  stepSchema.parse({
    id: 'backfill',
    kind: 'dagster-backfill',
    title: 'Backfill the missed window',
    job: 'all_pipelines',
    definitionsFile: 'packages/databox/databox/orchestration/definitions.py',
    from: '{{from}}',
    to: '{{to}}',
    mutates: true,
    ...extra,
  });

async function plan(url: string | undefined, extra: Record<string, unknown> = {}, values: Record<string, unknown> = {}): Promise<string> {
  const steps = [backfillStep(extra)];
  const dagster = { ...defaultDagsterSettings, url, client: url ? client() : undefined };
  const prepared = await prepareSteps(steps, { dagster });
  const [resolved] = resolveSteps(steps, { root: '/srv/databox', values: { from: '2026-04-18', to: '2026-04-20', ...values }, dagster, prepared });
  return describeStep(resolved!, '/srv/databox');
}

describe('the assets of a job, as the webserver lists them', () => {
  it("lists the job's daily-partitioned assets, sorted, once each, and names the unpartitioned ones it leaves out", async () => {
    serveDagster({ DataboxAssetNodes: 'asset-nodes' });
    await expect(jobPartitionedAssets(client(), 'all_pipelines')).resolves.toEqual({
      found: true,
      job: 'all_pipelines',
      location: 'databox.orchestration.definitions',
      assetKeys: [
        ['analytics', 'fct_species_environment_daily'],
        ['ebird', 'fct_daily_bird_observations'],
        ['noaa', 'fct_daily_weather'],
        ['raw_ebird', 'observations'],
        ['raw_noaa', 'daily_weather'],
        ['raw_usgs', 'streamflow'],
        ['usgs', 'fct_daily_streamflow'],
      ],
      partitioning: ['Daily, starting 2024-01-01 UTC.'],
      unpartitioned: ['analytics/dim_species'],
    });
    await expect(jobPartitionedAssets(client(), 'soda_checks')).resolves.toMatchObject({ found: true, assetKeys: [['soda', 'contract_results']] });
    await expect(jobPartitionedAssets(client(), 'all_pipelines', 'elsewhere')).resolves.toEqual({
      found: false,
      job: 'all_pipelines',
      reason: 'the webserver knows no asset of job all_pipelines in code location elsewhere',
    });
  });

  it('gives the reason to use the CLI: job unknown, nothing partitioned, partitions not by day, an older Dagster, no webserver', async () => {
    const reason = async () => ((await jobPartitionedAssets(client(), 'all_pipelines')) as { reason: string }).reason;
    serveDagster({ DataboxAssetNodes: assetNodes((a) => a.data.assetNodes.forEach((n: any) => (n.jobNames = ['__ASSET_JOB', 'daily_pipelines']))) });
    expect(await reason()).toBe('the webserver knows no asset of job all_pipelines');
    nock.cleanAll();
    serveDagster({ DataboxAssetNodes: assetNodes((a) => a.data.assetNodes.forEach((n: any) => Object.assign(n, { isPartitioned: false, partitionDefinition: null }))) });
    expect(await reason()).toBe('no asset of job all_pipelines is partitioned, so a window names nothing to backfill');
    nock.cleanAll();
    serveDagster({ DataboxAssetNodes: assetNodes((a) => (a.data.assetNodes[2].partitionDefinition = { type: 'STATIC', description: 'ebird, noaa, usgs' })) });
    expect(await reason()).toBe("ebird/fct_daily_bird_observations (STATIC: ebird, noaa, usgs) of job all_pipelines is not partitioned by day with YYYY-MM-DD keys, so the window's dates are not its partition keys");
    nock.cleanAll();
    serveDagster({
      DataboxAssetNodes: assetNodes((a) => {
        a.data.assetNodes[4].partitionDefinition.description = 'Hourly, starting 2024-01-01-00:00 UTC.';
        a.data.assetNodes[5].partitionDefinition.description = 'Daily, starting 20240101 UTC.';
      }),
    });
    expect(await reason()).toBe(
      "raw_ebird/observations (TIME_WINDOW: Hourly, starting 2024-01-01-00:00 UTC.), raw_noaa/daily_weather (TIME_WINDOW: Daily, starting 20240101 UTC.) of job all_pipelines are not partitioned by day with YYYY-MM-DD keys, so the window's dates are not their partition keys",
    );
    nock.cleanAll();
    serveDagster({ DataboxAssetNodes: assetNodes((a) => (a.data.backfillParams.inputFields = [{ name: 'selector' }, { name: 'partitionNames' }, { name: 'tags' }])) });
    expect(await reason()).toBe("this Dagster's launchPartitionBackfill takes no partitionsByAssets");
    nock.cleanAll();
    nock(dagsterUrl).post('/graphql').delay(2_000).reply(200, {});
    expect(await reason()).toBe(`the webserver did not list the assets of job all_pipelines: the Dagster webserver at ${dagsterUrl}/graphql did not answer within 0.3 s`);
  });

  it('puts the route in the plan: GraphQL with the listed assets, the CLI with its reason, the CLI alone without DAGSTER_URL, the runbook\'s assets unasked', async () => {
    const cli = 'uv run dagster job backfill -j all_pipelines --from 2026-04-18 --to 2026-04-20 --noprompt -f packages/databox/databox/orchestration/definitions.py';
    const lookups: string[] = [];
    serveDagster({ DataboxAssetNodes: (request) => (lookups.push(request.query), graphqlFixture('asset-nodes')) });
    expect(await plan(dagsterUrl)).toBe(
      [
        'GraphQL launchPartitionBackfill: assets analytics/fct_species_environment_daily, ebird/fct_daily_bird_observations, noaa/fct_daily_weather, raw_ebird/observations, raw_noaa/daily_weather, raw_usgs/streamflow, usgs/fct_daily_streamflow, partitions 2026-04-18 … 2026-04-20',
        '# size: 3 days × 7 assets = 21 asset partitions to materialize',
        '# the partitioned assets of job all_pipelines in code location databox.orchestration.definitions, as the webserver listed them when this plan was made (Daily, starting 2024-01-01 UTC.)',
        '# left out, not partitioned: analytics/dim_species',
      ].join('\n'),
    );
    expect(await plan(dagsterUrl, { assets: ['ebird/fct_daily_bird_observations'] })).toBe(
      'GraphQL launchPartitionBackfill: assets ebird/fct_daily_bird_observations, partitions 2026-04-18 … 2026-04-20\n# size: 3 days × 1 asset = 3 asset partitions to materialize',
    );
    expect(lookups).toHaveLength(1);
    nock.cleanAll();
    nock(dagsterUrl).persist().post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    expect(await plan(dagsterUrl)).toBe(
      `${cli}\n# size: 3 days of job all_pipelines = 3 runs, one per daily partition\n# through the CLI, not the webserver: the webserver did not list the assets of job all_pipelines: the Dagster webserver at ${dagsterUrl}/graphql cannot be reached (connect ECONNREFUSED 127.0.0.1:3070)` +
        `\n# backfills already in progress could not be read (the Dagster webserver at ${dagsterUrl}/graphql cannot be reached (connect ECONNREFUSED 127.0.0.1:3070)): look in Dagster's UI (Overview → Backfills) before approving`,
    );
    expect(await plan(undefined)).toBe(`${cli}\n# size: 3 days of job all_pipelines = 3 runs, one per daily partition`);
  });

  it('refuses the plan for a job none of whose assets is partitioned, rather than propose a CLI backfill Dagster refuses, and names the plain run to do instead', async () => {
    serveDagster({ DataboxAssetNodes: assetNodes((a) => a.data.assetNodes.forEach((n: any) => Object.assign(n, { isPartitioned: false, partitionDefinition: null }))) });
    const refused = await plan(dagsterUrl).then(
      (text) => `proposed: ${text}`,
      (error: Error) => error.message,
    );
    expect(refused).not.toContain('dagster job backfill -j');
    expect(refused).toContain('no asset of job all_pipelines in code location databox.orchestration.definitions is partitioned (analytics/dim_species, analytics/fct_species_environment_daily');
    expect(refused).toContain('so there is nothing to backfill by partition');
    expect(refused).toContain('Nothing was proposed');
    expect(refused).toContain('uv run dagster job launch -j all_pipelines -f packages/databox/databox/orchestration/definitions.py');
  });

  it("with the job in two code locations, backfills the assets of the one where the schedules were found paused, and names it; with none known, the CLI and why", async () => {
    // A staging copy of the stack: the same assets, and one only it has, in job all_pipelines too.
    const twoLocations = assetNodes((a) => {
      const staging = (n: any) => ({ ...n, repository: { name: '__repository__', location: { name: 'databox_staging' } } });
      const copies = a.data.assetNodes.map(staging);
      const onlyInStaging = { ...copies[1], assetKey: { path: ['staging', 'only_in_staging'] } };
      a.data.assetNodes.push(...copies, onlyInStaging);
    });
    serveDagster({ DataboxAssetNodes: twoLocations });
    const prod = await plan(dagsterUrl, { pausedIn: '{{diagnosis.dagster.pausedLocations?}}' }, { diagnosis: { dagster: { pausedLocations: 'databox.orchestration.definitions' } } });
    expect(prod).not.toContain('staging/only_in_staging');
    expect(prod).toContain('assets analytics/fct_species_environment_daily, ebird/fct_daily_bird_observations, noaa/fct_daily_weather, raw_ebird/observations, raw_noaa/daily_weather, raw_usgs/streamflow, usgs/fct_daily_streamflow, partitions');
    expect(prod).toContain('# the partitioned assets of job all_pipelines in code location databox.orchestration.definitions, as the webserver listed them');
    const staging = await plan(dagsterUrl, { pausedIn: '{{diagnosis.dagster.pausedLocations?}}' }, { diagnosis: { dagster: { pausedLocations: 'databox_staging' } } });
    expect(staging).toContain('staging/only_in_staging');
    expect(staging).toContain('in code location databox_staging');
    const unknown = await plan(dagsterUrl, { pausedIn: '{{diagnosis.dagster.pausedLocations?}}' }, { diagnosis: {} });
    expect(unknown).toContain(
      "# through the CLI, not the webserver: job all_pipelines is in code locations databox.orchestration.definitions, databox_staging, and which is the stack's cannot be told (set DAGSTER_LOCATION to it)",
    );
  });
});
