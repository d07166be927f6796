// Tests keptOnDisk (src/postmortem/kept-on-disk.ts): the files of rows kept, said with their counts in plain English.
import { describe, expect, it } from 'vitest';
import { keptOnDisk } from '../../src/postmortem/kept-on-disk.js';
import type { IncidentState, Run } from '../../src/incidents/state.js';
import type { JournalRecord } from '../../src/journal/record.js';

const run = {
  id: 'dbx-20260425-0001/2',
  title: 'Path B: Restate the window only',
  steps: [
    { id: 'keep_combined', kind: 'export-rows', title: 'Keep the combined mart', table: '"analytics"."fct_species_environment_daily"' },
    { id: 'restore_rows', kind: 'restore-rows', title: 'Put the window back', table: '"raw_ebird"."observations"' },
  ],
} as unknown as Run;
const state = { runs: new Map([[run.id, run]]) } as unknown as IncidentState;

const finished = (stepId: string, outputs: Record<string, unknown>): JournalRecord =>
  ({ type: 'step.finished', data: { runId: run.id, result: { stepId, status: 'ok', outputs } } }) as unknown as JournalRecord;

describe('the postmortem\'s "Kept on disk"', () => {
  it('says one row kept, or one row of the window kept aside, in the singular', () => {
    const kept = keptOnDisk([finished('keep_combined', { file: '/var/backups/a.parquet', rowCount: 1 }), finished('restore_rows', { replacedFile: '/var/backups/b.parquet', replaced: 1 })], state);
    expect(kept.map((k) => k.how)).toEqual([
      '1 row of analytics.fct_species_environment_daily kept by Path B: Restate the window only (`dbx-20260425-0001/2`), step 1 "Keep the combined mart"',
      '1 row of raw_ebird.observations that was in the window, kept aside by Path B: Restate the window only (`dbx-20260425-0001/2`), step 2 "Put the window back" before the kept rows replaced them',
    ]);
    const many = keptOnDisk([finished('keep_combined', { file: '/var/backups/a.parquet', rowCount: 2 })], state);
    expect(many[0]?.how).toMatch(/^2 rows of analytics/);
  });
});
