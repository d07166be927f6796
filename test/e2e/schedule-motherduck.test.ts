// Scenario 4 end to end with DATABOX_BACKEND=motherduck, through the real Bolt app over signed HTTP: the marts are read
// from MotherDuck (its stand-in), not from the local file beside it, before the recovery and until validation finds
// them fresh again after the backfill the webserver launched; the backfill holds MotherDuck's lock. A token MotherDuck
// refuses is said where the marts are read.
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { motherDuckTarget } from '../../src/database/motherduck-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { daemonHealthUntilStarted, dagsterUrl, graphqlFixture, killDetachedDaemons, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import { quickDaemonStartRunbooks } from '../helpers/quick-daemon-runbooks.js';
import { createMartsDatabase, marts } from '../helpers/schedule-data.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { choosePathWith, closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const offset = recordedAt.getTime() - Date.now();
const clock = () => new Date(Date.now() + offset);

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
let md: MotherDuckStandIn;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'), { clock });
  // MotherDuck's marts stopped on 2026-04-17; the local file beside it is fresh, so reading the wrong one shows.
  await md.createDatabaseFrom('databox', (file) => createMartsDatabase(file, '2026-04-17'));
  await createMartsDatabase(checkout.databasePath, '2026-04-20');
});
afterEach(async () => {
  killDetachedDaemons(checkout);
  nock.cleanAll();
  await closeStandIns(harness, slack, checkout);
});

const newestInMotherDuck = async (mart: string) => String(await md.value('databox', `SELECT max(day_date) FROM ${mart}`));

describe('/databox diagnose schedule with DATABOX_BACKEND=motherduck', () => {
  it('reads the marts from MotherDuck, backfills the missed window through the webserver, and validates against MotherDuck', async () => {
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-daemon-stopped',
      DataboxDaemonHealth: daemonHealthUntilStarted(checkout, clock),
      // What the backfill's runs do on this stack: write the window's days into MotherDuck's marts.
      DataboxBackfill: async (request) => {
        const { start, end } = (request.variables as any).params.partitionsByAssets[0].partitions.range;
        for (const mart of marts) {
          await md.write('databox', `INSERT INTO ${mart} SELECT d::DATE, 100 FROM generate_series(DATE '${start}', DATE '${end}', INTERVAL 1 DAY) AS t(d)`);
        }
        return graphqlFixture('backfill-success');
      },
    });
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 }, 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    harness = await startBot(
      checkout,
      slack,
      // The daemon's start settles 1 s, not 5: the stand-in daemon stays up.
      { DATABOX_RUNBOOKS_DIR: quickDaemonStartRunbooks(), DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_BACKEND: 'motherduck', MOTHERDUCK_TOKEN: 'md-schedule-token-0001' },
      clock,
      undefined,
      { targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md } },
    );

    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict:'));
    expect(verdict?.text).toContain('Dagster daemon stopped');
    expect(`${verdict?.blocks}`).toContain('missed window 2026-04-17 … 2026-04-20');
    expect(slack.allText()).toContain('4 of 4 marts past their SLA');
    expect(slack.allText()).toContain('ebird.fct_daily_bird_observations: newest 2026-04-17');
    const freshnessQueries = () => md.sql().filter((sql) => sql.includes('day_date')).length;
    expect(freshnessQueries(), "the marts' newest days were asked of MotherDuck").toBeGreaterThan(0);
    const beforeRecovery = freshnessQueries();

    await choosePathWith(harness, slack, 'choose_path_a', operator, { from: '2026-04-17', to: '2026-04-20' });
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);

    expect(slack.allText()).toContain('launched backfill lxkdvmpa for 2026-04-17 to 2026-04-20 through the webserver');
    expect(slack.allText()).toContain('Validation succeeded');
    expect(slack.allText()).toMatch(/all 4 marts within their SLA/);
    expect(freshnessQueries(), 'validation read MotherDuck again').toBeGreaterThan(beforeRecovery);
    for (const mart of marts) expect(await newestInMotherDuck(mart)).toBe('2026-04-20');
    // The backfill held MotherDuck's database, the lock scenario 2's plans on it take too, not the local file's.
    const recovery = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery');
    expect(recovery?.data.run.lockKey).toBe(md.lockKey);
  }, 120_000);

  it('says MotherDuck refused the token where the marts are read, never to diagnose the DuckDB file', async () => {
    serveDagster({ DataboxAssetNodes: 'asset-nodes', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-daemon-stopped', DataboxDaemonHealth: 'daemon-health-stopped' });
    const token = 'md-schedule-token-0002';
    const refused = motherDuckTarget({ database: 'databox', token, connectTimeoutMs: 5_000 }, (t) => t, async () => {
      throw new Error('Invalid Error: Request failed: Your request is not authenticated. Please check your MotherDuck token.');
    });
    harness = await startBot(
      checkout,
      slack,
      { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_BACKEND: 'motherduck', MOTHERDUCK_TOKEN: token },
      clock,
      undefined,
      { targets: { local: localTarget(checkout.databasePath), motherduck: refused, backend: refused } },
    );
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict:'));
    expect(`${verdict?.blocks}`).toContain('Marts: could not read ebird.fct_daily_bird_observations, noaa.fct_daily_weather, usgs.fct_daily_streamflow, analytics.fct_species_environment_daily: cannot open md:databox read-only: MotherDuck refused MOTHERDUCK_TOKEN');
    expect(slack.allText()).not.toContain('diagnose duckdb');
  });
});
