// An incident rolled back (or left unrecovered) is settled in the status once a later incident of the same scenario, with
// the same parameters, recovered the same database and that recovery's validation passed: old ones no longer crowd out
// the ones that matter ("…and 180 more unfinished incidents"), and its line says by which.
import { describe, expect, it } from 'vitest';
import { IncidentState } from '../../src/incidents/state.js';
import { statusReport } from '../../src/incidents/status.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { statusText } from '../../src/slack/status-message.js';

const lockKey = '/srv/databox/data/databox.duckdb';
const rolledBack = 'dbx-20261201-0a1b';
const later = 'dbx-20261203-0c0d';
const changing = [{ id: 'rebuild', kind: 'command', title: 'Rebuild', mutates: true, acceptStatuses: [] }];
const checking = [{ id: 'check', kind: 'command', title: 'Check', mutates: false, acceptStatuses: [] }];
const verdict = { verdict: 'corrupt', title: 'File corrupt', severity: 'critical', paths: ['a', 'b'] };

let seq = 0;
/** One incident's lines: opened, diagnosed, then each plan proposed, approved, run and ended as `plans` says, an hour apart. */
function incidentLines(incident: string, day: string, plans: { kind: string; status: string; rollbackOf?: number; database?: string }[], params: Record<string, string> = {}): JournalRecord[] {
  const lines: JournalRecord[] = [];
  const add = (hour: number, minute: number, type: string, data: Record<string, unknown>, actor = 'U0OPERATOR') =>
    lines.push({ seq: (seq += 1), at: `${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`, type, incident, actor, data, prev: '', hash: '' });
  add(9, 0, 'incident.opened', { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack:C0INCIDENT' });
  add(9, 1, 'diagnosis.verdict', { runId: `${incident}/1`, advice: '', params, ...verdict });
  for (const [index, plan] of plans.entries()) {
    const runId = `${incident}/${index + 2}`;
    const hour = 10 + index;
    const rollbackOf = plan.rollbackOf === undefined ? {} : { rollbackOf: `${incident}/${plan.rollbackOf}` };
    const mutates = plan.kind !== 'validation';
    const steps = mutates ? changing : checking;
    add(hour, 0, 'run.proposed', {
      runId,
      run: { id: runId, kind: plan.kind, title: plan.kind, steps, hash: 'a'.repeat(64), lockKey: plan.database ?? lockKey, params: {}, needsApproval: mutates, mutates, ...rollbackOf },
    });
    add(hour, 1, 'run.approved', { runId, hash: 'a'.repeat(64) }, 'U0TEAMMATE');
    add(hour, 2, 'run.started', { runId, pid: 4242 });
    add(hour, 3, 'step.finished', { runId, result: { stepId: steps[0]?.id, status: plan.status === 'succeeded' ? 'ok' : 'failed' } });
    add(hour, 4, 'run.finished', { runId, status: plan.status });
  }
  return lines;
}

function statusOf(...incidents: JournalRecord[][]) {
  const state = new IncidentState();
  for (const line of incidents.flat()) state.apply(line);
  return statusReport(state, new Date('2026-12-04T09:00:00.000Z'));
}

const recoveredThenRolledBack = incidentLines(rolledBack, '2026-12-01', [
  { kind: 'recovery', status: 'succeeded' },
  { kind: 'rollback', status: 'succeeded', rollbackOf: 2 },
]);

describe('an incident rolled back, then recovered by a later incident', () => {
  it('is settled once the later recovery of the same database validated, and says by which', () => {
    const report = statusOf(recoveredThenRolledBack, incidentLines(later, '2026-12-03', [{ kind: 'recovery', status: 'succeeded' }, { kind: 'validation', status: 'succeeded' }]));
    expect(report.unfinished.has(rolledBack)).toBe(false);
    expect(statusText(report)).toContain(
      `\`${rolledBack}\` Blown DuckDB file, opened 2026-12-01 09:00 UTC by <@U0OPERATOR>, verdict: File corrupt; now: rolled back, so not recovered: diagnose again (${rolledBack}/3); recovered since by ${later}'s recovery ${later}/2, its validation passed at 2026-12-03 11:04 UTC`,
    );
  });

  it('stays unfinished when the later recovery was not validated, its validation failed, or it was rolled back too', () => {
    const unvalidated = statusOf(recoveredThenRolledBack, incidentLines(later, '2026-12-03', [{ kind: 'recovery', status: 'succeeded' }]));
    expect(unvalidated.unfinished.has(rolledBack)).toBe(true);
    const failed = statusOf(recoveredThenRolledBack, incidentLines(later, '2026-12-03', [{ kind: 'recovery', status: 'succeeded' }, { kind: 'validation', status: 'failed' }]));
    expect(failed.unfinished.has(rolledBack)).toBe(true);
    const undone = statusOf(
      recoveredThenRolledBack,
      incidentLines(later, '2026-12-03', [{ kind: 'recovery', status: 'succeeded' }, { kind: 'validation', status: 'succeeded' }, { kind: 'rollback', status: 'succeeded', rollbackOf: 2 }]),
    );
    expect(undone.unfinished.has(rolledBack)).toBe(true);
  });

  it('stays unfinished when the later recovery came before its rollback, was of another database, or had other parameters', () => {
    const before = statusOf(incidentLines(later, '2026-11-30', [{ kind: 'recovery', status: 'succeeded' }, { kind: 'validation', status: 'succeeded' }]), recoveredThenRolledBack);
    expect(before.unfinished.has(rolledBack)).toBe(true);
    const elsewhere = statusOf(
      recoveredThenRolledBack,
      incidentLines(later, '2026-12-03', [{ kind: 'recovery', status: 'succeeded', database: '/srv/other.duckdb' }, { kind: 'validation', status: 'succeeded', database: '/srv/other.duckdb' }]),
    );
    expect(elsewhere.unfinished.has(rolledBack)).toBe(true);
    const otherSource = statusOf(recoveredThenRolledBack, incidentLines(later, '2026-12-03', [{ kind: 'recovery', status: 'succeeded' }, { kind: 'validation', status: 'succeeded' }], { source: 'noaa' }));
    expect(otherSource.unfinished.has(rolledBack)).toBe(true);
  });
});
