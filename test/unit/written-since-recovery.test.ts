// A rollback plan's count of the rows in the window it replaces: it says no validation counted them only when none ran
// after the recovery, and a validation that ran but counted other things is not said to have counted nothing.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import type { Incident, Run } from '../../src/incidents/state.js';
import { writtenSinceRecoverySaid } from '../../src/incidents/written-since-recovery.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('written-since-');

const restore = {
  kind: 'restore-rows',
  id: 'restore_raw',
  title: 'Put the raw table back as kept',
  target: 'local',
  table: 'observations',
  replace: { where: 'true', params: [], keepTo: 'var/backups/observations.before-rollback.parquet' },
} as unknown as ResolvedStep;

const recovery = { id: 'dbx-20261205-ad8a/2', kind: 'recovery', params: { source: 'ebird' }, finishedAt: '2026-12-05T16:42:35.000Z', results: [] } as unknown as Run;
/** A validation after the recovery that scanned checks and counted failing ones, not the window's rows. */
const scan = {
  id: 'dbx-20261205-ad8a/3',
  kind: 'validation',
  params: {},
  startedAt: '2026-12-05T16:42:36.000Z',
  results: [{ status: 'ok', summary: 'n 0', outputs: { n: '0' } }],
} as unknown as Run;
const incident = (runs: Run[]) => ({ id: 'dbx-20261205-ad8a', runs }) as unknown as Incident;

async function said(runs: Run[]): Promise<string | undefined> {
  const file = path.join(tempDir(), 'databox.duckdb');
  await createDuckdbFile(file, { observations: 1050 });
  return writtenSinceRecoverySaid([restore], incident(runs), recovery, () => localTarget(file));
}

describe('what a rollback plan says of the rows written since the recovery', () => {
  it('says no validation ran to count them when none ran after the recovery', async () => {
    expect(await said([recovery])).toBe(
      'The window of observations holds 1050 rows now, what dbx-20261205-ad8a/2 wrote and any written since (no validation ran after it to count them): they leave observations with this rollback, kept in var/backups/observations.before-rollback.parquet.',
    );
  });

  it('does not say no validation counted them right after one passed that counted other things', async () => {
    expect(await said([recovery, scan])).toBe(
      'The window of observations holds 1050 rows now, what dbx-20261205-ad8a/2 wrote and any written since: they leave observations with this rollback, kept in var/backups/observations.before-rollback.parquet.',
    );
  });

  it('says what a validation after the recovery counted in the window, and how many came since', async () => {
    const reload = { ...recovery, params: { from: '2026-12-01', to: '2026-12-02' } } as Run;
    const days = [{ day: '2026-11-30', count: 7 }, { day: '2026-12-01', count: 600 }, { day: '2026-12-02', count: 400 }];
    const counted = { ...scan, results: [{ status: 'ok', summary: '', outputs: { table: 'observations', days } }] } as unknown as Run;
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { observations: 1050 });
    expect(await writtenSinceRecoverySaid([restore], incident([reload, counted]), reload, () => localTarget(file))).toBe(
      'The window of observations holds 1050 rows now: 1000 when validation dbx-20261205-ad8a/3 counted them after dbx-20261205-ad8a/2 (what it wrote), and 50 written since: they leave observations with this rollback, kept in var/backups/observations.before-rollback.parquet.',
    );
  });
});
