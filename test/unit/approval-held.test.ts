// An Approve refused while another plan holds the database names that plan (its number, title and incident, who asked
// for and approved it), what it will change (Dagster's schedules are no database), and what to do: through the real approvals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planHash } from '../../src/engine/resolve.js';
import { renderSaid, type Said } from '../../src/said.js';
import { openEngine } from '../helpers/engine.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('an Approve while a plan of another incident holds the database', () => {
  it("names that plan and its incident, and says it will change Dagster's schedules where that is all it changes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'approval-held-'));
    dirs.push(dir);
    const { service, journal } = openEngine(dir, path.join(dir, 'state'));
    const lockKey = path.join(dir, 'data', 'databox.duckdb');
    const [schedules, duckdb] = ['dbx-20261205-5c4e', 'dbx-20261205-77a1'];
    // Hashed as the bot hashes a plan: an approval checks it.
    const plan = (incident: string, title: string, steps: unknown[]) => ({
      id: `${incident}/1`, kind: 'recovery', pathId: 'b', title, steps, hash: planHash(steps as Parameters<typeof planHash>[0], []), lockKey, params: {}, needsApproval: true, mutates: true, destructive: false,
    });
    const startSchedules = { id: 'start_schedules', kind: 'dagster-schedule-start', title: 'Start the paused schedules', mutates: true, destructive: false, guard: false, acceptStatuses: [] };
    const rebuild = { id: 'rebuild', kind: 'command', title: 'Rebuild', argv: ['task', 'full-refresh'], mutates: true, destructive: true, guard: false, acceptStatuses: [] };
    journal.append({ type: 'incident.opened', incident: schedules, actor: 'U0ALICE', data: { scenario: 'schedule', title: 'Schedules paused' } });
    journal.append({ type: 'run.proposed', incident: schedules, actor: 'U0ALICE', data: { runId: `${schedules}/1`, run: plan(schedules, 'Path B: Start the paused schedules', [startSchedules]) } });
    journal.append({ type: 'incident.opened', incident: duckdb, actor: 'U0CAROL', data: { scenario: 'duckdb', title: 'File corrupt' } });
    journal.append({ type: 'run.proposed', incident: duckdb, actor: 'U0CAROL', data: { runId: `${duckdb}/1`, run: plan(duckdb, 'Path A: Rebuild from raw dlt state', [rebuild]) } });
    // Approved and about to start: it holds the database.
    journal.append({ type: 'run.approved', incident: schedules, actor: 'U0BOB', data: { runId: `${schedules}/1`, hash: service.state.runs.get(`${schedules}/1`)?.hash } });

    const decision = service.approve(`${duckdb}/1`, service.state.runs.get(`${duckdb}/1`)?.hash as string, 'U0BOB');
    expect(decision.ok).toBe(false);
    expect(renderSaid((decision as { reason: Said }).reason)).toBe(
      `plan ${schedules}/1 (Path B: Start the paused schedules) of incident ${schedules}, requested by U0ALICE and approved by U0BOB, holds databox.duckdb (approved) and will change Dagster's schedules, so this plan cannot run after it either: ` +
        'when it has finished (its progress shows in `/databox status`), diagnose again and propose a new plan',
    );
  });
});
