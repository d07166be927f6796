// A loopback stand-in for Dagster's webserver for the demo's scenario 2: each mart's Soda contract check, run and passed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const models = [
  ['ebird', 'fct_daily_bird_observations'],
  ['noaa', 'fct_daily_weather'],
  ['usgs', 'fct_daily_streamflow'],
  ['analytics', 'fct_species_environment_daily'],
];
const runId = 'demo-checks-run-0001';

type Request = { query: string; variables: Record<string, unknown> };

/** The answer to each GraphQL operation the bot's dagster-asset-checks step sends, by its operation name. */
const answers: Record<string, (request: Request) => unknown> = {
  DataboxAssetChecks: () => ({
    data: {
      assetNodes: models.map((path) => ({
        assetKey: { path: ['sqlmesh', ...path] },
        jobNames: ['__ASSET_JOB'],
        repository: { name: '__repository__', location: { name: 'databox.orchestration.definitions' } },
        assetChecksOrError: { __typename: 'AssetChecks', checks: [{ name: 'soda_contract', canExecuteIndividually: 'CAN_EXECUTE' }] },
      })),
      evaluationFields: { fields: [{ name: 'success' }, { name: 'severity' }, { name: 'description' }] },
    },
  }),
  DataboxLaunchChecks: () => ({ data: { launchRun: { __typename: 'LaunchRunSuccess', run: { runId } } } }),
  DataboxRunStatus: () => ({ data: { runOrError: { __typename: 'Run', status: 'SUCCESS' } } }),
  // One aliased field per check asked about (check0, check1 …): each passed in the demo's run.
  DataboxCheckExecutions: (request) => ({
    data: Object.fromEntries(
      (request.query.match(/check\d+(?=:)/g) ?? []).map((alias) => [
        alias,
        [{ runId, status: 'SUCCEEDED', evaluation: { success: true, severity: 'ERROR', description: 'every Soda check passed', metadataEntries: [] } }],
      ]),
    ),
  }),
};

/** Starts the stand-in on a free loopback port; its URL is DAGSTER_URL for the demo's CLI calls. */
export async function startDagsterWebserver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      let request: Request = { query: '', variables: {} };
      try {
        request = JSON.parse(body) as Request;
      } catch {
        // answered below as an unknown operation
      }
      const operation = /(?:query|mutation) (\w+)/.exec(request.query ?? '')?.[1] ?? '';
      const answer = answers[operation];
      res.writeHead(answer ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer ? answer(request) : { errors: [{ message: `the demo's Dagster stand-in does not answer ${operation || 'this request'}` }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
