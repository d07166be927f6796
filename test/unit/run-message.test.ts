// A run's one Slack message: its shape while running and at the end, and how it stays within Slack's limits.
import { describe, expect, it } from 'vitest';
import { emptyView, messageLimits, runMessage } from '../../src/slack/run-message.js';

describe('run message', () => {
  it('keeps a run message within Slack limits however many steps it has, pointing to the journal for the folded ones', async () => {
    const steps = Array.from({ length: 80 }, (_, i) => ({
      id: `s${i}`,
      kind: 'command',
      title: `Load part ${i}`,
      argv: ['task', `load:${i}`, 'x'.repeat(600)],
      cwd: '/srv/databox',
      env: {},
      classify: [],
      detach: false,
      settle: '5s',
      timeoutMs: 60_000,
      destructive: false,
      mutates: true,
      guard: false,
      acceptStatuses: [],
    }));
    const view = emptyView();
    for (const step of steps.slice(0, 79)) view.finished.set(step.id, { stepId: step.id, status: 'ok', summary: 'exit 0', exitCode: 0, durationMs: 5, outputs: {}, excerpt: 'y'.repeat(1_200) });
    view.running = { stepId: 's79', progress: 'loading' };
    const run = { id: 'dbx-1/r2', incidentId: 'dbx-1', kind: 'recovery', title: 'Path A', steps, hash: 'abc', lockKey: 'k', params: {}, needsApproval: true, destructive: false, mutates: true, requestedBy: 'U1', proposedAt: '2026-01-01T00:00:00Z', status: 'running', decidedBy: 'U2', decidedAt: '2026-01-01T00:01:00Z', refs: {}, results: [] };
    const rendered = runMessage(run as never, view, '/srv/databox', '/srv/state', 'dbx-1', false);
    expect(rendered.blocks.length).toBeLessThanOrEqual(messageLimits.blocks);
    expect(JSON.stringify(rendered.blocks).length).toBeLessThanOrEqual(messageLimits.chars);
    const text = JSON.stringify(rendered.blocks);
    expect(text).toMatch(/Steps 1–\d+ are left out .* journal and the postmortem/);
    expect(text).toContain('80. Load part 79');
    expect(text).toContain('loading');
    expect(rendered.text).toBe('Path A: step 80/80 running: Load part 79');
  });
});

describe("a step's progress line", () => {
  it('is shown whole for a wait on four marts, each mart still behind named', () => {
    const step = { id: 'fresh', kind: 'mart-freshness', title: 'Wait until every mart is fresh', marts: [], timeoutMs: 60_000, destructive: false, mutates: false, guard: false, acceptStatuses: [] };
    const behind = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
    const progress = `check 2, 1 min of 2 h: 4 of 4 marts past their SLA or not yet through 2026-12-02: ${behind.map((m) => `${m}: newest 2026-11-30, 2 days 6 h behind (SLA 36 h), not yet through 2026-12-02`).join('; ')}`;
    const view = emptyView();
    view.running = { stepId: 'fresh', progress };
    const run = { id: 'dbx-1/3', incidentId: 'dbx-1', kind: 'validation', title: 'Validation', steps: [step], hash: 'abc', lockKey: 'k', params: {}, needsApproval: false, destructive: false, mutates: false, requestedBy: 'U1', proposedAt: '2026-01-01T00:00:00Z', status: 'running', refs: {}, results: [] };
    const text = JSON.stringify(runMessage(run as never, view, '/srv/databox', '/srv/state', 'dbx-1', false).blocks);
    for (const mart of behind) expect(text).toContain(`${mart}: newest 2026-11-30`);
  });
});

describe('a cleanup in Slack', () => {
  it('is called a cleanup, in its run message and in the incident header, never a recovery that succeeded', async () => {
    const { rootMessage } = await import('../../src/slack/blocks.js');
    const run = { id: 'dbx-1/5', incidentId: 'dbx-1', kind: 'recovery', cleanup: true, pathId: 'c', title: "Path C: Drop this incident's leftover clones", steps: [], hash: 'abc', lockKey: 'k', params: {}, needsApproval: true, destructive: true, mutates: true, requestedBy: 'U1', proposedAt: '2026-01-01T00:00:00Z', status: 'succeeded', refs: {}, results: [] };
    expect(runMessage(run as never, emptyView(), '/srv/databox', '/srv/state', 'dbx-1', false).text).toBe("Cleanup succeeded: Path C: Drop this incident's leftover clones");
    const incident = { id: 'dbx-1', scenario: 'motherduck', title: 'MotherDuck point-in-time recovery', openedBy: 'U1', openedAt: '2026-01-01T00:00:00Z', origin: 'slack:C1', refs: {}, runs: [run] };
    const header = JSON.stringify(rootMessage(incident as never).blocks);
    expect(header).toContain('Status: cleanup succeeded');
    expect(header).not.toContain('recovery succeeded');
  });
});

describe("a plan another plan made stale, in the incident's header", () => {
  it('says where the incident stood, then that the plan can no longer be approved, never "waiting for approval"', async () => {
    const { rootMessage } = await import('../../src/slack/blocks.js');
    const base = { incidentId: 'dbx-1', steps: [], hash: 'abc', lockKey: 'k', params: {}, requestedBy: 'U1', proposedAt: '2026-01-01T00:00:00Z', refs: {}, results: [] };
    const recovered = { ...base, id: 'dbx-1/2', kind: 'recovery', pathId: 'a', title: 'Path A: Rebuild', needsApproval: true, destructive: true, mutates: true, status: 'succeeded' };
    const stale = { ...base, id: 'dbx-1/3', kind: 'recovery', pathId: 'b', title: 'Path B: Restore', needsApproval: true, destructive: true, mutates: true, status: 'pending' };
    const incident = { id: 'dbx-1', scenario: 'duckdb', title: 'Blown DuckDB file', openedBy: 'U1', openedAt: '2026-01-01T00:00:00Z', origin: 'slack:C1', refs: {}, runs: [recovered, stale] };
    const other = { ...base, id: 'dbx-2/1', incidentId: 'dbx-2', kind: 'recovery', title: 'Path A', status: 'running' };
    const header = JSON.stringify(rootMessage(incident as never, undefined, (run) => (run.id === 'dbx-1/3' ? { by: other as never, whatNow: 'diagnose again and propose a new plan' } : undefined)).blocks);
    expect(header).toContain('Status: recovery succeeded; then plan dbx-1/3 no longer approvable (plan dbx-2/1 changed its database since): diagnose again');
    expect(header).not.toContain('waiting for approval');
    // Without a plan that changed its database, it waits for its approval.
    expect(JSON.stringify(rootMessage(incident as never).blocks)).toContain('Status: waiting for approval');
  });
});
