// Approve or Reject clicked on an interrupted plan (notPending, src/incidents/approval-policy.ts) is told what its
// thread says: what to do about what it may have changed, and no "propose it again" where that would be refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notPending } from '../../src/incidents/approval-policy.js';
import type { Run } from '../../src/incidents/state.js';
import { renderSaid, type Said } from '../../src/said.js';
import { openEngine } from '../helpers/engine.js';

const moveStep = { id: 'move', title: 'Move the broken file aside', mutates: true };

function interrupted(overrides: Partial<Run> = {}): Run {
  return {
    id: 'dbx-20261203-ef1e/2',
    kind: 'recovery',
    pathId: 'a',
    needsApproval: true,
    status: 'interrupted',
    decidedBy: 'U0BOB',
    decidedAt: '2026-12-03T01:51:03.000Z',
    proposedAt: '2026-12-03T01:51:00.000Z',
    endReason: ['the bot running it stopped'],
    steps: [moveStep],
    results: [],
    ...overrides,
  } as Run;
}

const told = (run: Run, changedSince?: Pick<Run, 'id' | 'title'>) => renderSaid(notPending(run, 'U0CAROL', changedSince));
const laterPlan = { id: 'dbx-20261203-ef1e/4', title: 'Path B: Restore from a file backup' };

describe('a click on an interrupted plan', () => {
  it('that moved a file: check what it did, roll it back, diagnose again; not "propose it again"', () => {
    const run = interrupted({ startedAt: '2026-12-03T01:51:04.000Z', results: [{ stepId: 'move', status: 'ok' } as Run['results'][number]] });
    expect(told(run)).toBe(
      'this plan was interrupted: the bot running it stopped; it may have changed something before it stopped: check what it did (and roll it back, where a rollback is offered), then diagnose again before choosing a path',
    );
  });

  it('that never started: nothing of it ran, propose it again', () => {
    expect(told(interrupted())).toBe('this plan was interrupted: the bot running it stopped. Nothing of it ran; propose it again');
  });

  it('that never started, on a database another plan has changed since: diagnose again, as a proposal of its path would be refused', () => {
    expect(told(interrupted(), laterPlan)).toBe(
      'this plan was interrupted: the bot running it stopped. Nothing of it ran; its database has changed since it was made (plan dbx-20261203-ef1e/4, Path B: Restore from a file backup): diagnose again and propose a new plan',
    );
  });

  it('a rollback that never started is proposed again: a rollback is made on its recovery, not on a diagnosis', () => {
    expect(told(interrupted({ kind: 'rollback', rollbackOf: 'dbx-20261203-ef1e/1' }), laterPlan)).toMatch(/Nothing of it ran; propose it again$/);
  });

  it('refused right before it ran says what to do once: its reason says it', () => {
    const reason = 'plan dbx-20261203-ef1e/2 was not started, nothing was changed: the step "Copy the backup into place": backups/databox.duckdb changed since the plan was made: propose the plan again, so its approver sees the file that will be copied';
    expect(told(interrupted({ endReason: [reason] }))).toBe(`this plan was interrupted: ${reason}`);
  });
});

describe('a click on a plan approved before', () => {
  const approved = (status: Run['status']) => interrupted({ status, startedAt: '2026-12-03T01:51:04.000Z' });
  it('says what became of it since, not only who approved it', () => {
    expect(told(approved('failed'))).toBe('this plan was already approved by U0BOB at 01:51 UTC, and it ran and failed: its thread says what it changed and what to do next');
    expect(told(approved('succeeded'))).toBe('this plan was already approved by U0BOB at 01:51 UTC, and it ran and succeeded');
    expect(told(approved('running'))).toBe('this plan was already approved by U0BOB at 01:51 UTC, and it is running now');
  });
});

describe('a click on an interrupted plan whose stack another plan changed since', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("names what that plan changed: Dagster's schedules, not its database, when it only started schedules", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interrupted-click-'));
    dirs.push(dir);
    const { service, journal } = openEngine(dir, path.join(dir, 'state'));
    const incident = 'dbx-20261205-5c4e';
    const lockKey = path.join(dir, 'data', 'databox.duckdb');
    const plan = (number: number, title: string, steps: unknown[]) => ({
      id: `${incident}/${number}`, kind: 'recovery', pathId: 'b', title, steps, hash: String(number).repeat(64), lockKey, params: {}, needsApproval: true, mutates: true, destructive: false,
    });
    const startSchedules = { id: 'start_schedules', kind: 'dagster-schedule-start', title: 'Start the paused schedules', mutates: true, destructive: false, guard: false, acceptStatuses: [] };
    journal.append({ type: 'incident.opened', incident, actor: 'U0ALICE', data: { scenario: 'schedule', title: 'Schedules paused' } });
    // Approved, then the bot stopped before it started: nothing of it ran.
    journal.append({ type: 'run.proposed', incident, actor: 'U0ALICE', data: { runId: `${incident}/1`, run: plan(1, 'Path B: Start the paused schedules', [startSchedules]) } });
    journal.append({ type: 'run.approved', incident, actor: 'U0BOB', data: { runId: `${incident}/1`, hash: '1'.repeat(64) } });
    journal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId: `${incident}/1`, status: 'interrupted', reason: 'the bot running it stopped' } });
    // Another plan then started the schedules, and nothing else.
    journal.append({ type: 'run.proposed', incident, actor: 'U0ALICE', data: { runId: `${incident}/2`, run: plan(2, 'Path B: Start the paused schedules again', [startSchedules]) } });
    journal.append({ type: 'run.approved', incident, actor: 'U0BOB', data: { runId: `${incident}/2`, hash: '2'.repeat(64) } });
    journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId: `${incident}/2`, pid: 4242 } });
    journal.append({ type: 'step.finished', incident, actor: 'databox-bot', data: { runId: `${incident}/2`, result: { stepId: 'start_schedules', status: 'ok', summary: 'started all_pipelines_daily', durationMs: 5 } } });
    journal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId: `${incident}/2`, status: 'succeeded' } });

    const decision = service.approve(`${incident}/1`, '1'.repeat(64), 'U0CAROL');
    expect(decision.ok).toBe(false);
    expect(renderSaid((decision as { reason: Said }).reason)).toBe(
      `this plan was interrupted: the bot running it stopped. Nothing of it ran; Dagster's schedules changed since it was made (plan ${incident}/2, Path B: Start the paused schedules again): diagnose again and propose a new plan`,
    );
  });
});
