// A plan is stale once another plan changed its database after it was made: also one that was already running as it was made.
import { describe, expect, it } from 'vitest';
import { IncidentState } from '../../src/incidents/state.js';
import type { JournalRecord } from '../../src/journal/record.js';

const lockKey = '/srv/databox/data/databox.duckdb';

function records(): { state: IncidentState; add: (type: string, incident: string, at: string, data: Record<string, unknown>) => void } {
  const state = new IncidentState();
  let seq = 0;
  const add = (type: string, incident: string, at: string, data: Record<string, unknown>) => {
    seq += 1;
    state.apply({ seq, at: `2026-12-02T08:27:${at}Z`, type, incident, actor: 'U0OPERATOR', data, prev: '', hash: '' } as JournalRecord);
  };
  return { state, add };
}

function plan(id: string, incidentId: string, proposedAt: string) {
  return { id, incidentId, kind: 'recovery', pathId: 'a', title: 'Path A', steps: [], hash: 'h', lockKey, params: {}, needsApproval: true, destructive: true, mutates: true, proposedAt };
}

describe('a plan made while another ran on its database', () => {
  it('is stale once that one has changed it, though it started first', () => {
    const { state, add } = records();
    for (const incident of ['dbx-20261202-aaaa', 'dbx-20261202-bbbb']) add('incident.opened', incident, '50.000', { scenario: 'duckdb', title: 'Blown', origin: 'slack' });
    add('run.proposed', 'dbx-20261202-aaaa', '51.000', { runId: 'dbx-20261202-aaaa/2', run: plan('dbx-20261202-aaaa/2', 'dbx-20261202-aaaa', '2026-12-02T08:27:51.000Z') });
    add('run.approved', 'dbx-20261202-aaaa', '53.900', { runId: 'dbx-20261202-aaaa/2' });
    add('run.started', 'dbx-20261202-aaaa', '53.927', { runId: 'dbx-20261202-aaaa/2', pid: 1 });
    // Proposed 29 ms after the first one started changing the file.
    add('run.proposed', 'dbx-20261202-bbbb', '53.956', { runId: 'dbx-20261202-bbbb/2', run: plan('dbx-20261202-bbbb/2', 'dbx-20261202-bbbb', '2026-12-02T08:27:53.956Z') });
    const second = state.runs.get('dbx-20261202-bbbb/2');
    expect(state.staleBy(second!)?.id, 'while the first still runs').toBe('dbx-20261202-aaaa/2');
    add('run.finished', 'dbx-20261202-aaaa', '56.500', { runId: 'dbx-20261202-aaaa/2', status: 'succeeded' });
    expect(state.staleBy(second!)?.id, 'once it has finished').toBe('dbx-20261202-aaaa/2');
    // One made after the first had finished was made on its changes: not stale.
    add('run.proposed', 'dbx-20261202-bbbb', '57.000', { runId: 'dbx-20261202-bbbb/3', run: plan('dbx-20261202-bbbb/3', 'dbx-20261202-bbbb', '2026-12-02T08:27:57.000Z') });
    expect(state.staleBy(state.runs.get('dbx-20261202-bbbb/3')!)).toBeUndefined();
  });

  it('is not stale by one that failed before changing anything (rows kept only in a file)', () => {
    const { state, add } = records();
    for (const incident of ['dbx-20261202-aaaa', 'dbx-20261202-bbbb']) add('incident.opened', incident, '50.000', { scenario: 'backfill', title: 'Backfill', origin: 'slack' });
    add('run.proposed', 'dbx-20261202-bbbb', '50.500', { runId: 'dbx-20261202-bbbb/2', run: plan('dbx-20261202-bbbb/2', 'dbx-20261202-bbbb', '2026-12-02T08:27:50.500Z') });
    const keeps = [
      { id: 'keep_mart', kind: 'export-rows', title: 'Keep', mutates: true, destructive: false, acceptStatuses: [] },
      { id: 'delete_raw', kind: 'sql', title: 'Delete', sql: 'DELETE FROM raw_ebird.observations', params: [], mutates: true, destructive: true, acceptStatuses: [] },
    ];
    add('run.proposed', 'dbx-20261202-aaaa', '51.000', { runId: 'dbx-20261202-aaaa/2', run: { ...plan('dbx-20261202-aaaa/2', 'dbx-20261202-aaaa', '2026-12-02T08:27:51.000Z'), steps: keeps } });
    add('run.approved', 'dbx-20261202-aaaa', '52.000', { runId: 'dbx-20261202-aaaa/2' });
    add('run.started', 'dbx-20261202-aaaa', '52.100', { runId: 'dbx-20261202-aaaa/2', pid: 1 });
    add('step.finished', 'dbx-20261202-aaaa', '52.200', { runId: 'dbx-20261202-aaaa/2', result: { stepId: 'keep_mart', status: 'ok', summary: 'kept 10 rows', durationMs: 1, outputs: {} } });
    add('step.finished', 'dbx-20261202-aaaa', '52.300', { runId: 'dbx-20261202-aaaa/2', result: { stepId: 'delete_raw', status: 'failed', summary: 'kept 10 rows where the preview counted 9', durationMs: 1, outputs: {}, untouched: true } });
    add('run.finished', 'dbx-20261202-aaaa', '52.400', { runId: 'dbx-20261202-aaaa/2', status: 'failed' });
    const waiting = state.runs.get('dbx-20261202-bbbb/2')!;
    expect(state.staleBy(waiting), 'the database is as it was').toBeUndefined();
  });
});
