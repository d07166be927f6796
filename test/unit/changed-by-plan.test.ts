// A plan made stale by another that ran names what that one changed: the database, only its marts (a restate), or only Dagster's schedules and daemon.
import { describe, expect, it } from 'vitest';
import { changedByPlanSaid } from '../../src/incidents/changed-by-plan.js';
import { planMessage } from '../../src/slack/blocks.js';
import type { Run } from '../../src/incidents/state.js';

const step = (id: string, kind: string) => ({ id, kind, title: id, mutates: true, destructive: false, guard: false, acceptStatuses: [] });
const ran = (steps: readonly object[], ok: string[]) =>
  ({ steps, results: ok.map((stepId) => ({ stepId, status: 'ok', summary: '', durationMs: 0 })) }) as unknown as Pick<Run, 'steps' | 'results'>;

describe('what a plan that ran changed', () => {
  it("names Dagster's schedules, not the database, for a plan that only started schedules", () => {
    const schedulesOnly = ran([step('start_schedules', 'dagster-schedule-start'), step('backfill', 'dagster-backfill')], ['start_schedules']);
    expect(changedByPlanSaid(schedulesOnly, '/srv/databox/databox.duckdb')).toBe("Dagster's schedules changed");
  });

  it('names the daemon and the schedules, and the database where a step wrote it', () => {
    const pathA = ran([step('start_daemon', 'dagster-daemon-start'), step('start_schedules', 'dagster-schedule-start'), step('backfill', 'dagster-backfill')], ['start_daemon', 'start_schedules', 'backfill']);
    expect(changedByPlanSaid(pathA, '/srv/databox/databox.duckdb')).toBe("the Dagster daemon, Dagster's schedules and databox.duckdb changed");
    const rebuild = ran([step('rebuild', 'command')], ['rebuild']);
    expect(changedByPlanSaid(rebuild, '/srv/databox/databox.duckdb')).toBe('databox.duckdb has changed');
  });
});

describe('what a restate changed', () => {
  const command = (id: string, argv: string[]) => ({ ...step(id, 'command'), argv });
  const restate = command('restate', ['uv', 'run', 'sqlmesh', 'plan', 'prod', '--start', '2026-04-09', '--end', '2026-04-11', '--restate-model', 'noaa.fct_daily_weather', '--auto-apply']);

  it("names the marts alone for a plan that only restated them (scenario 2's path B)", () => {
    expect(changedByPlanSaid(ran([restate], ['restate']), '/srv/databox/databox.duckdb')).toBe("databox.duckdb's marts changed");
  });

  it('names the database for one that deleted and reloaded raw rows before its restate (path A)', () => {
    const pathA = ran([{ ...step('delete_raw', 'sql'), sql: "DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN '2026-04-09' AND '2026-04-11'" }, command('reload', ['uv', 'run', 'python', '-m', 'databox.reload']), restate], ['delete_raw', 'reload', 'restate']);
    expect(changedByPlanSaid(pathA, '/srv/databox/databox.duckdb')).toBe('databox.duckdb has changed');
  });

  it('names the database for a sqlmesh plan that restates nothing', () => {
    expect(changedByPlanSaid(ran([command('apply', ['uv', 'run', 'sqlmesh', 'plan', 'prod', '--auto-apply'])], ['apply']), '/srv/databox/databox.duckdb')).toBe('databox.duckdb has changed');
  });
});

describe("a waiting plan's message once another plan ran", () => {
  it("says Dagster's schedules changed, not the database, when that plan only started schedules", () => {
    const incident = 'dbx-20261205-0a1b';
    const waiting = {
      id: `${incident}/3`,
      incidentId: incident,
      kind: 'recovery',
      pathId: 'b',
      title: 'Path B: Start the paused schedules',
      steps: [],
      hash: 'a'.repeat(64),
      lockKey: '/srv/databox/databox.duckdb',
      params: {},
      requestedBy: 'U0OPERATOR',
      proposedAt: '2026-12-05T10:02:14.000Z',
      expiresAt: '2026-12-06T00:05:51.000Z',
      status: 'pending',
      refs: {},
      results: [],
    } as unknown as Run;
    const by = { ...waiting, id: `${incident}/2`, status: 'succeeded', startedAt: '2026-12-05T10:05:00.000Z', ...ran([step('start_schedules', 'dagster-schedule-start')], ['start_schedules']) } as unknown as Run;
    const shown = JSON.stringify(planMessage(waiting, '/srv/databox', false, { by, whatNow: 'diagnose again and propose a new plan' }));
    expect(shown).toContain("No longer approvable: Dagster's schedules changed since this plan was made");
    expect(shown).not.toContain('databox.duckdb has changed');
  });
});
