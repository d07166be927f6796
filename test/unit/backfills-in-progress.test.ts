// Which backfills in progress stand in the way of a new one, and how the refusal says why: an asset backfill of other
// assets counts only against the CLI's job backfill, which names no assets, and the refusal then says so.
import { describe, expect, it } from 'vitest';
import { backfillsInTheWaySaid, overlappingBackfills, type BackfillInProgress, type BackfillTarget } from '../../src/dagster/backfills-in-progress.js';

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
