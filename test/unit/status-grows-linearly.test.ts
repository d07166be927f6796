// The status reads each run's plan and each incident's verdict a bounded number of times however many incidents the
// journal holds: comparing every incident with every run (whether another's recovery undid it, whether a later diagnosis
// found it healthy) made a status over 1,300 incidents take a minute, and the bot stopped answering Slack meanwhile; and
// the sweep that finds every undone incident at once finds what asking of each alone does.
import { describe, expect, it } from 'vitest';
import { IncidentState } from '../../src/incidents/state.js';
import { statusReport } from '../../src/incidents/status.js';
import { undoneByOther, undoneIncidents } from '../../src/incidents/recoveries-undone.js';
import type { JournalRecord } from '../../src/journal/record.js';

const lockKey = 'md:databox';
const start = Date.parse('2026-11-01T00:00:00.000Z');

/**
 * `count` incidents on one database, each diagnosed (every other one healthy) and recovered by going back to a moment
 * an hour before its own recovery: each undoes the one before it, as a run of rollbacks to old snapshots would.
 */
function journalOf(count: number): JournalRecord[] {
  const records: JournalRecord[] = [];
  let seq = 0;
  for (let i = 0; i < count; i += 1) {
    const incident = `dbx-20261101-${i.toString(16).padStart(4, '0')}`;
    const runId = `${incident}/1`;
    const t = (minutes: number) => new Date(start + i * 3_600_000 + minutes * 60_000).toISOString();
    const add = (minutes: number, type: string, data: Record<string, unknown>) => records.push({ seq: (seq += 1), at: t(minutes), type, incident, actor: 'U0OPERATOR', data, prev: '', hash: '' });
    const healthy = i % 2 === 0;
    const since = t(-60).replace('T', ' ').slice(0, 23);
    add(0, 'incident.opened', { scenario: 'motherduck', title: 'Bad rows' });
    add(1, 'diagnosis.verdict', { severity: healthy ? 'ok' : 'error', title: healthy ? 'Healthy' : 'Bad rows', paths: healthy ? [] : [{ id: 'A' }], params: { database: 'databox' } });
    add(2, 'run.proposed', {
      runId,
      run: {
        id: runId,
        kind: 'recovery',
        title: 'Path A: go back an hour',
        hash: 'a'.repeat(64),
        lockKey,
        params: {},
        needsApproval: true,
        mutates: true,
        steps: [
          { id: 'history', kind: 'snapshot-history', title: 'Writes since', mutates: false, database: 'databox', at: t(-60), writesWhenPlanned: { count: 3, atLeast: false, since } },
          { id: 'restore', kind: 'command', title: 'Restore', mutates: true },
        ],
      },
    });
    add(3, 'run.approved', { runId, hash: 'a'.repeat(64) });
    add(4, 'run.started', { runId, pid: 4242 });
    add(5, 'step.finished', { runId, result: { stepId: 'restore', status: 'ok' } });
    add(6, 'run.finished', { runId, status: 'succeeded' });
  }
  return records;
}

/** The state the journal gives, with each run's steps and each incident's verdict counting how often they are read. */
function countingState(count: number): { state: IncidentState; mostReads: () => number } {
  const state = new IncidentState();
  for (const record of journalOf(count)) state.apply(record);
  const reads = new Map<object, number>();
  const counted = (owner: object, key: 'steps' | 'diagnosis') => {
    let value = (owner as Record<string, unknown>)[key];
    Object.defineProperty(owner, key, {
      get: () => {
        reads.set(owner, (reads.get(owner) ?? 0) + 1);
        return value;
      },
      set: (next) => {
        value = next;
      },
    });
  };
  for (const run of state.runs.values()) counted(run, 'steps');
  for (const incident of state.incidents.values()) counted(incident, 'diagnosis');
  return { state, mostReads: () => Math.max(...reads.values()) };
}

describe("the status over a long journal", () => {
  it("reads each run's plan and each verdict a bounded number of times, however many incidents there are", () => {
    const now = new Date(start + 400 * 3_600_000);
    const few = countingState(40);
    statusReport(few.state, now);
    const many = countingState(400);
    const report = statusReport(many.state, now);
    // Each incident's recovery was undone by the next one's going back an hour: the comparison is still made.
    expect(report.undoneElsewhere.get('dbx-20261101-0000/1')).toContain('plan dbx-20261101-0001/1 (Path A: go back an hour) of incident dbx-20261101-0001 went back to');
    expect(report.undoneElsewhere.has('dbx-20261101-018f/1')).toBe(false);
    // Ten times the incidents, and no run or verdict read more often than with the few: not once per other incident.
    expect(many.mostReads()).toBeLessThanOrEqual(few.mostReads());
    expect(few.mostReads()).toBeLessThan(40);
  });


  it('finds, in one sweep over all incidents, what asking of each incident alone finds', () => {
    // Recoveries going back by 1 to 5 hours, some incidents with two, so a run undoes several before it, its own
    // incident's latest among them (which it never counts), and the first in the journal is the one named.
    const state = new IncidentState();
    let seq = 0;
    for (let i = 0; i < 60; i += 1) {
      const incident = `dbx-20261101-${i.toString(16).padStart(4, '0')}`;
      const add = (minutes: number, type: string, data: Record<string, unknown>) =>
        state.apply({ seq: (seq += 1), at: new Date(start + i * 1_800_000 + minutes * 60_000).toISOString(), type, incident, actor: 'U0OPERATOR', data, prev: '', hash: '' });
      add(0, 'incident.opened', { scenario: 'motherduck', title: 'Bad rows' });
      for (let n = 1; n <= 1 + (i % 3 === 0 ? 1 : 0); n += 1) {
        const runId = `${incident}/${n}`;
        const since = new Date(start + i * 1_800_000 - ((i * 7 + n) % 5 + 1) * 3_600_000).toISOString().replace('T', ' ').slice(0, 23);
        const steps = [
          { id: 'history', kind: 'snapshot-history', title: 'Writes since', mutates: false, database: 'databox', at: since, writesWhenPlanned: { count: 1, atLeast: false, since } },
          { id: 'restore', kind: 'command', title: 'Restore', mutates: true },
        ];
        add(n, 'run.proposed', { runId, run: { id: runId, kind: 'recovery', title: `Go back ${n}`, hash: 'a'.repeat(64), lockKey, params: {}, needsApproval: true, mutates: true, steps } });
      }
      // Of two plans, the second runs first: the first, which runs after it, is a later run of the incident's own.
      const plans = i % 3 === 0 ? [2, 1] : [1];
      for (const [order, n] of plans.entries()) {
        const runId = `${incident}/${n}`;
        const at = 10 + order * 10;
        add(at + 1, 'run.approved', { runId, hash: 'a'.repeat(64) });
        add(at + 2, 'run.started', { runId, pid: 4242 });
        add(at + 3, 'step.finished', { runId, result: { stepId: 'restore', status: 'ok' } });
        add(at + 4, 'run.finished', { runId, status: 'succeeded' });
      }
    }
    const each = [...state.incidents.values()].flatMap((incident) => {
      const found = undoneByOther(state, incident);
      return found ? [[incident.id, `${found.recovery.id} by ${found.by.id} to ${found.backTo}`]] : [];
    });
    const swept = [...undoneIncidents(state)].map(([id, found]) => [id, `${found.recovery.id} by ${found.by.id} to ${found.backTo}`]);
    expect(each.length).toBeGreaterThan(20);
    expect(new Set(each.map(([, said]) => said?.split(' by ')[1])).size).toBeGreaterThan(5);
    expect(swept).toEqual(each);
  });
});
