// "/databox status" and the terminal's status: a pending plan whose database another plan changed since is not listed as
// waiting (its approval would be refused) but as no longer approvable, naming the plan that changed it.
import { describe, expect, it } from 'vitest';
import { IncidentState } from '../../src/incidents/state.js';
import { statusReport, unfinishedIncidentOf } from '../../src/incidents/status.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { statusText } from '../../src/slack/status-message.js';

const lockKey = '/srv/databox/data/databox.duckdb';
const incident = 'dbx-20261201-0a1b';
let seq = 0;
function record(at: string, type: string, data: Record<string, unknown>, actor = 'U0OPERATOR'): JournalRecord {
  seq += 1;
  return { seq, at, type, incident, actor, data, prev: '', hash: '' };
}
function proposed(at: string, n: number, title: string, mutates = true): JournalRecord {
  const id = `${incident}/${n}`;
  return record(at, 'run.proposed', {
    runId: id,
    run: { id, kind: 'recovery', title, steps: [], hash: `${n}`.repeat(64), lockKey, params: {}, needsApproval: mutates, destructive: mutates, needsTeammate: mutates, mutates, expiresAt: '2026-12-01T12:00:00.000Z' },
  });
}

/** Path A proposed, path B run over it, then path A proposed again (and `after`): the state they leave. */
function threePlans(after: JournalRecord[] = []): IncidentState {
  const state = new IncidentState();
  for (const r of [
    record('2026-12-01T09:00:00.000Z', 'incident.opened', { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack:C0INCIDENT' }),
    proposed('2026-12-01T09:01:00.000Z', 1, 'Path A: Rebuild from scratch'),
    proposed('2026-12-01T09:02:00.000Z', 2, 'Path B: Restore a backup'),
    record('2026-12-01T09:03:00.000Z', 'run.approved', { runId: `${incident}/2`, hash: '2'.repeat(64) }, 'U0TEAMMATE'),
    record('2026-12-01T09:03:01.000Z', 'run.started', { runId: `${incident}/2`, pid: 4242 }),
    record('2026-12-01T09:05:00.000Z', 'run.finished', { runId: `${incident}/2`, status: 'succeeded' }),
    proposed('2026-12-01T09:06:00.000Z', 3, 'Path A: Rebuild from scratch'),
    ...after,
  ]) {
    state.apply(r);
  }
  return state;
}

describe('the status report', () => {
  const report = statusReport(threePlans(), new Date('2026-12-01T09:10:00.000Z'));

  it('names who approved a running plan, as the terminal\'s status does', () => {
    const running = threePlans([
      record('2026-12-01T09:07:00.000Z', 'run.approved', { runId: `${incident}/3`, hash: '3'.repeat(64) }, 'terminal:bob'),
      record('2026-12-01T09:07:01.000Z', 'run.started', { runId: `${incident}/3`, pid: process.pid }),
    ]);
    expect(statusText(statusReport(running, new Date('2026-12-01T09:10:00.000Z')))).toContain(`*Running:* \`${incident}/3\` Path A: Rebuild from scratch (running, requested by <@U0OPERATOR>, approved by terminal:bob`);
  });

  it('lists a plan made before another changed its database as no longer approvable, not as waiting', () => {
    expect(report.waiting.map((r) => r.id)).toEqual([`${incident}/3`]);
    expect(report.outdated.map((o) => [o.run.id, o.changedBy.id])).toEqual([[`${incident}/1`, `${incident}/2`]]);
  });

  it("says where each incident stands as the rest of the status does: a plan another changed is not called waiting", () => {
    const text = statusText(report);
    // Its latest plan (3) waits; an older one (1) that another plan (2) made stale is not where it stands.
    expect(text).toContain(`; now: a plan waiting for approval (${incident}/3)`);
    const stale = threePlans([record('2026-12-01T09:07:00.000Z', 'run.rejected', { runId: `${incident}/3` }, 'U0TEAMMATE')]);
    // A rejected plan changed nothing: where it stands is the recovery that ran before it.
    expect(statusText(statusReport(stale, new Date('2026-12-01T09:10:00.000Z')))).toContain(`; now: recovery succeeded (${incident}/2)`);
    // A plan still waiting behind a later one rejected is where it stands; so is one approved and about to start.
    const behind = threePlans([proposed('2026-12-01T09:07:00.000Z', 4, 'Path B: Restore a backup'), record('2026-12-01T09:08:00.000Z', 'run.rejected', { runId: `${incident}/4` }, 'U0TEAMMATE')]);
    expect(statusText(statusReport(behind, new Date('2026-12-01T09:10:00.000Z')))).toContain(`; now: a plan waiting for approval (${incident}/3)`);
    const approved = threePlans([record('2026-12-01T09:07:00.000Z', 'run.approved', { runId: `${incident}/3`, hash: '3'.repeat(64) }, 'U0TEAMMATE')]);
    expect(statusText(statusReport(approved, new Date('2026-12-01T09:10:00.000Z')))).toContain(`; now: a plan approved, about to start (${incident}/3)`);
  });

  it('says a cleanup after where the incident stands, never in its place: a rollback stays "not recovered"', () => {
    const state = new IncidentState();
    const ran = (at: string, n: number) => [
      record(`2026-12-01T09:${at}:00.000Z`, 'run.approved', { runId: `${incident}/${n}`, hash: `${n}`.repeat(64) }, 'U0TEAMMATE'),
      record(`2026-12-01T09:${at}:01.000Z`, 'run.started', { runId: `${incident}/${n}`, pid: 4242 }),
      record(`2026-12-01T09:${at}:30.000Z`, 'run.finished', { runId: `${incident}/${n}`, status: 'succeeded' }),
    ];
    const kindOf = (r: JournalRecord, extra: Record<string, unknown>) => ({ ...r, data: { ...r.data, run: { ...(r.data.run as object), ...extra } } });
    for (const r of [
      record('2026-12-01T09:00:00.000Z', 'incident.opened', { scenario: 'motherduck', title: 'MotherDuck point-in-time recovery', origin: 'slack:C0INCIDENT' }),
      proposed('2026-12-01T09:01:00.000Z', 1, 'Path B: Restore in place'),
      ...ran('02', 1),
      kindOf(proposed('2026-12-01T09:03:00.000Z', 2, 'Rollback of path B'), { kind: 'rollback' }),
      ...ran('04', 2),
      kindOf(proposed('2026-12-01T09:05:00.000Z', 3, 'Path C: Drop the leftover clones'), { cleanup: true }),
      ...ran('06', 3),
    ]) {
      state.apply(r);
    }
    expect(statusText(statusReport(state, new Date('2026-12-01T09:10:00.000Z')))).toContain(
      `; now: rolled back, so not recovered: diagnose again (${incident}/2); then cleanup succeeded (${incident}/3)`,
    );
  });

  it("says Dagster's schedules changed, not its database, where the plan that ran only started schedules", () => {
    const state = new IncidentState();
    const startsSchedules = { id: 'start_schedules', kind: 'dagster-schedule-start', title: 'Start the paused schedules', mutates: true, destructive: false, guard: false, acceptStatuses: [] };
    const onlySchedules = proposed('2026-12-01T09:02:00.000Z', 2, 'Path B: Start the paused schedules');
    (onlySchedules.data as { run: { steps: unknown[] } }).run.steps = [startsSchedules];
    for (const r of [
      record('2026-12-01T09:00:00.000Z', 'incident.opened', { scenario: 'schedule', title: 'Dagster daemon stopped or schedules paused', origin: 'slack:C0INCIDENT' }),
      proposed('2026-12-01T09:01:00.000Z', 1, 'Path B: Start the paused schedules'),
      onlySchedules,
      record('2026-12-01T09:03:00.000Z', 'run.approved', { runId: `${incident}/2`, hash: '2'.repeat(64) }, 'U0TEAMMATE'),
      record('2026-12-01T09:03:01.000Z', 'run.started', { runId: `${incident}/2`, pid: 4242 }),
      record('2026-12-01T09:03:30.000Z', 'step.finished', { runId: `${incident}/2`, result: { stepId: 'start_schedules', status: 'ok', summary: 'started all_pipelines_daily', durationMs: 900 } }),
      record('2026-12-01T09:05:00.000Z', 'run.finished', { runId: `${incident}/2`, status: 'succeeded' }),
    ]) {
      state.apply(r);
    }
    const text = statusText(statusReport(state, new Date('2026-12-01T09:10:00.000Z')));
    expect(text).toContain(`*No longer approvable:* \`${incident}/1\` Path B: Start the paused schedules: Dagster's schedules changed since it was made (plan ${incident}/2 ran)`);
  });

  it('says so in Slack, naming the plan that changed it', () => {
    const text = statusText(report);
    expect(text).toContain(`*Waiting for approval:* \`${incident}/3\``);
    expect(text).toContain(`*No longer approvable:* \`${incident}/1\` Path A: Rebuild from scratch: its database changed since it was made (plan ${incident}/2 changed it): diagnose again and propose a new plan`);
  });
});

describe('the status report after a recovery that stopped part-way', () => {
  const steps = [
    { id: 'move-aside', kind: 'move-file', title: 'Move the broken file aside', mutates: true, acceptStatuses: [] },
    { id: 'copy-backup', kind: 'copy-file', title: 'Copy the backup into place', mutates: true, acceptStatuses: [] },
  ];
  /** Path B's run up to where it stopped (`ending`: its step results and its end), and what came after it (`extra`). */
  function partWay(extra: JournalRecord[], ending = failedCopy): ReturnType<typeof statusReport> {
    const state = new IncidentState();
    const id = `${incident}/1`;
    for (const r of [
      record('2026-12-01T09:00:00.000Z', 'incident.opened', { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack:C0INCIDENT' }),
      record('2026-12-01T09:01:00.000Z', 'run.proposed', {
        runId: id,
        run: { id, kind: 'recovery', title: 'Path B: Restore a backup', steps, hash: '1'.repeat(64), lockKey, params: {}, needsApproval: true, destructive: true, needsTeammate: true, mutates: true },
      }),
      record('2026-12-01T09:02:00.000Z', 'run.approved', { runId: id, hash: '1'.repeat(64) }, 'U0TEAMMATE'),
      record('2026-12-01T09:02:01.000Z', 'run.started', { runId: id, pid: 4242 }),
      ...ending(id),
      ...extra,
    ]) {
      state.apply(r);
    }
    return statusReport(state, new Date('2026-12-01T09:10:00.000Z'));
  }
  function failedCopy(id: string): JournalRecord[] {
    return [
      record('2026-12-01T09:02:02.000Z', 'step.finished', { runId: id, result: { stepId: 'move-aside', status: 'ok', summary: 'moved to databox.duckdb.broken', durationMs: 5, outputs: {} } }),
      record('2026-12-01T09:02:03.000Z', 'step.finished', { runId: id, result: { stepId: 'copy-backup', status: 'failed', summary: 'No space left on device', durationMs: 5, outputs: {} } }),
      record('2026-12-01T09:02:04.000Z', 'run.finished', { runId: id, status: 'failed' }),
    ];
  }

  it('says which run left the database part-way, where it failed and what it changed', () => {
    const text = statusText(partWay([]));
    // The incident's line says where it stands since its verdict, for whoever takes over.
    expect(text).toContain(`• \`${incident}\` Blown DuckDB file, opened 2026-12-01 09:00 UTC by <@U0OPERATOR>; now: recovery failed (${incident}/1)`);
    expect(text.split('\n')[0]).toBe(
      `:warning: *Left part-way:* recovery ${incident}/1 (Path B: Restore a backup) failed at "Copy the backup into place"; it changed: Move the broken file aside; it may have done part of: Copy the backup into place; no change has run on databox.duckdb since: read its thread before anything else.`,
    );
    // The server's paths stay out of Slack: the database is named by its file, as Slack's other messages name it.
    expect(text).not.toContain(lockKey);
  });

  it('does not list a run whose changing steps are known to have changed nothing (a move found not done after a restart)', () => {
    const moveNotDone = (id: string) => [
      record('2026-12-01T09:05:00.000Z', 'step.finished', {
        runId: id,
        result: { stepId: 'move-aside', status: 'failed', summary: 'not done: the bot stopped before it touched any file', durationMs: 5, outputs: {}, untouched: true },
      }),
      record('2026-12-01T09:05:01.000Z', 'run.finished', { runId: id, status: 'interrupted' }),
    ];
    expect(partWay([], moveNotDone).unsettled).toEqual([]);
  });

  it('no longer lists it once a later run on the same database succeeded', () => {
    const id = `${incident}/2`;
    const report = partWay([
      record('2026-12-01T09:03:00.000Z', 'run.proposed', {
        runId: id,
        run: { id, kind: 'rollback', title: 'Roll back path B', steps: [], hash: '2'.repeat(64), lockKey, params: {}, needsApproval: true, destructive: true, needsTeammate: true, mutates: true, rollbackOf: `${incident}/1` },
      }),
      record('2026-12-01T09:04:00.000Z', 'run.approved', { runId: id, hash: '2'.repeat(64) }, 'U0TEAMMATE'),
      record('2026-12-01T09:04:01.000Z', 'run.started', { runId: id, pid: 4242 }),
      record('2026-12-01T09:04:02.000Z', 'run.finished', { runId: id, status: 'succeeded' }),
    ]);
    expect(report.unsettled).toEqual([]);
    expect(statusText(report)).not.toContain('Left part-way');
  });
});

describe('the incident an alert click joins', () => {
  // Diagnosed, a recovery offered, nothing planned: unfinished, but worked on only while someone did something lately.
  function diagnosedOnly(): IncidentState {
    const state = new IncidentState();
    state.apply(record('2026-12-01T09:00:00.000Z', 'incident.opened', { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack:C0INCIDENT' }));
    state.apply(record('2026-12-01T09:00:05.000Z', 'diagnosis.verdict', { runId: `${incident}/0`, verdict: 'corrupt', title: 'File corrupt', advice: '', severity: 'critical', paths: ['a', 'b'] }));
    return state;
  }

  it('is one diagnosed within the hour, or one with a plan waiting, never one left alone for longer', () => {
    const state = diagnosedOnly();
    const soon = new Date('2026-12-01T09:30:00.000Z');
    expect(unfinishedIncidentOf(statusReport(state, soon), 'duckdb', soon)?.id).toBe(incident);
    const later = new Date('2026-12-01T11:00:00.000Z');
    expect(statusReport(state, later).unfinished.has(incident)).toBe(true);
    expect(unfinishedIncidentOf(statusReport(state, later), 'duckdb', later)).toBeUndefined();
    // A plan still approvable is work under way, however long ago it was proposed.
    state.apply(proposed('2026-12-01T09:01:00.000Z', 1, 'Path A: Rebuild from scratch'));
    const stillValid = new Date('2026-12-01T11:30:00.000Z');
    expect(unfinishedIncidentOf(statusReport(state, stillValid), 'duckdb', stillValid)?.id).toBe(incident);
    const expired = new Date('2026-12-01T12:30:00.000Z');
    expect(unfinishedIncidentOf(statusReport(state, expired), 'duckdb', expired)).toBeUndefined();
  });
});

describe('an incident a later diagnosis found healthy', () => {
  const other = 'dbx-20261201-0c0d';
  const diagnosed = (id: string, at: string, verdict: Record<string, unknown>, params: Record<string, string> = {}): JournalRecord[] => [
    { ...record(at, 'incident.opened', { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack:C0INCIDENT' }), incident: id },
    { ...record(at.replace(':00.000Z', ':05.000Z'), 'diagnosis.verdict', { runId: `${id}/1`, advice: '', params, ...verdict }), incident: id },
  ];
  const corrupt = { verdict: 'corrupt', title: 'File corrupt', severity: 'critical', paths: ['a', 'b'] };
  const healthy = { verdict: 'healthy', title: 'Healthy', severity: 'ok', paths: [] };
  const now = new Date('2026-12-02T09:00:00.000Z');
  const stateOf = (records: JournalRecord[]) => {
    const state = new IncidentState();
    for (const r of records) state.apply(r);
    return state;
  };

  it('is settled, saying so, when nothing of it waits or runs; not when the healthy one had other parameters, or came before', () => {
    const report = statusReport(stateOf([...diagnosed(incident, '2026-12-01T09:00:00.000Z', corrupt), ...diagnosed(other, '2026-12-01T15:00:00.000Z', healthy)]), now);
    expect(report.unfinished.has(incident)).toBe(false);
    expect(statusText(report)).toContain(`\`${incident}\` Blown DuckDB file, opened 2026-12-01 09:00 UTC by <@U0OPERATOR>, verdict: File corrupt; found healthy since by ${other}'s diagnosis at 2026-12-01 15:00 UTC`);
    // Another source's, or an earlier, healthy diagnosis says nothing of this one's problem.
    const otherSource = statusReport(stateOf([...diagnosed(incident, '2026-12-01T09:00:00.000Z', corrupt, { source: 'ebird' }), ...diagnosed(other, '2026-12-01T15:00:00.000Z', healthy, { source: 'noaa' })]), now);
    expect(otherSource.unfinished.has(incident)).toBe(true);
    const before = statusReport(stateOf([...diagnosed(other, '2026-12-01T08:00:00.000Z', healthy), ...diagnosed(incident, '2026-12-01T09:00:00.000Z', corrupt)]), now);
    expect(before.unfinished.has(incident)).toBe(true);
  });

  it('stays unfinished while a plan of it waits', () => {
    const report = statusReport(
      stateOf([...diagnosed(incident, '2026-12-01T09:00:00.000Z', corrupt), proposed('2026-12-01T09:30:00.000Z', 2, 'Path A: Rebuild from scratch'), ...diagnosed(other, '2026-12-01T09:40:00.000Z', healthy)]),
      new Date('2026-12-01T10:00:00.000Z'),
    );
    expect(report.unfinished.has(incident)).toBe(true);
  });
});
