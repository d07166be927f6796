// Which backfills in progress stand in the way of a new one, and how the refusal says why: an asset backfill of other
// assets counts only against the CLI's job backfill, which names no assets, and the refusal then says so. Read from the
// Dagster stand-in (a loopback webserver): a Dagster without PartitionBackfill's newer user and title still has them read.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backfillsInProgress, backfillsInTheWaySaid, overlappingBackfills, type BackfillInProgress, type BackfillTarget } from '../../src/dagster/backfills-in-progress.js';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { DagsterStandIn } from '../helpers/dagster-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();

const window = { job: 'all_pipelines', from: '2026-04-17', to: '2026-04-20' };
const throughCli: BackfillTarget = { ...window, assets: [] };
const throughWebserver: BackfillTarget = { ...window, assets: ['ebird/fct_daily_bird_observations', 'noaa/fct_daily_weather'] };
const otherAssets: BackfillInProgress = { id: 'qzvxkmwa', assets: ['finance/fct_invoices'], partitions: ['2026-04-19', '2026-04-20'] };
const sameAssets: BackfillInProgress = { id: 'pbnrtxye', assets: ['noaa/fct_daily_weather'], partitions: ['2026-04-18'] };

describe('backfills in the way', () => {
  it('counts an asset backfill of other assets over the same days against the CLI backfill alone, and says it is counted for its days, whatever its assets', () => {
    expect(overlappingBackfills([otherAssets], throughWebserver)).toEqual([]);
    expect(overlappingBackfills([otherAssets], throughCli)).toEqual([otherAssets]);
    const said = backfillsInTheWaySaid([otherAssets], throughCli);
    expect(said).toContain(
      "Dagster is already carrying out backfill qzvxkmwa (1 asset, 2 partitions 2026-04-19 … 2026-04-20), over some of 2026-04-17 … 2026-04-20; the CLI's backfill of job all_pipelines names no assets, so any asset backfill over these days counts as covering some of the same ones, whatever its assets: ",
    );
    expect(said).not.toContain('covering some of the same assets');
  });

  it('says "the same assets" where the assets were compared', () => {
    expect(overlappingBackfills([otherAssets, sameAssets], throughWebserver)).toEqual([sameAssets]);
    const said = backfillsInTheWaySaid([sameAssets], throughWebserver);
    expect(said).toContain('Dagster is already carrying out backfill pbnrtxye (1 asset, partition 2026-04-18), covering some of the same assets over 2026-04-17 … 2026-04-20: ');
    expect(said).not.toContain('names no assets');
  });
});

describe('reading the backfills in progress', () => {
  let dagster: DagsterStandIn;
  beforeEach(async () => {
    dagster = new DagsterStandIn();
    // The same recorded backfill answers each question; each reads only the fields it asked for.
    dagster.answers = { DataboxBackfillsInProgress: 'backfills-in-progress', DataboxBackfillsLaunchedBy: 'backfills-in-progress', DataboxBackfillTitles: 'backfills-in-progress' };
    await dagster.start();
  });
  afterEach(() => dagster.stop());
  const client = () => new DagsterClient({ url: dagster.url, timeoutMs: 5_000 });

  it('reads who launched each and its title where this Dagster has them', async () => {
    const read = await backfillsInProgress(client());
    expect(read).toEqual({ backfills: [expect.objectContaining({ id: 'qzvxkmwa', user: 'ana@example.com', title: 'refill ebird after the API outage', partitions: ['2026-04-19', '2026-04-20'] })] });
  });

  it('still reads the backfills from an older Dagster whose schema has neither user nor title, naming each by id, launch and partitions', async () => {
    dagster.lacksFields = [
      { field: 'user', type: 'PartitionBackfill' },
      { field: 'title', type: 'PartitionBackfill' },
    ];
    const read = await backfillsInProgress(client());
    expect(read).toEqual({ backfills: [{ id: 'qzvxkmwa', launchedAt: Date.parse('2026-04-21T08:40:00Z') / 1000, assets: ['ebird/fct_daily_bird_observations', 'noaa/fct_daily_weather'], partitions: ['2026-04-19', '2026-04-20'] }] });
    const said = backfillsInTheWaySaid((read as { backfills: BackfillInProgress[] }).backfills, throughWebserver);
    expect(said).toContain('Dagster is already carrying out backfill qzvxkmwa launched 2026-04-21 08:40 UTC (2 assets, 2 partitions 2026-04-19 … 2026-04-20)');
    // Asked apart: one with user but no title (between the two) keeps who launched it.
    dagster.lacksFields = [{ field: 'title', type: 'PartitionBackfill' }];
    expect(await backfillsInProgress(client())).toEqual({ backfills: [expect.objectContaining({ id: 'qzvxkmwa', user: 'ana@example.com', title: undefined })] });
  });
});
