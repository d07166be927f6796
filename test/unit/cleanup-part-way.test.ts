// Cleanups that stopped part-way on the MotherDuck stand-in (clones dropped, snapshots' names removed): what they did before they stopped is said, and counted as changed.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { botSnapshotPrefix } from '../../src/database/sql-literal.js';
import { mayHaveChanged } from '../../src/engine/may-have-changed.js';
import { releasedSnapshots } from '../../src/engine/released-snapshots.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { changedBeforeStopping } from '../../src/engine/step-passed.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { stepKind } from '../../src/engine/steps/index.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { changedSomething, type Run } from '../../src/incidents/state.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('cleanup-part-way-');
const now = new Date('2026-04-21T09:00:00Z');
const incident = 'dbx-20260421-0001';

async function standIn(): Promise<{ ctx: StepRunContext; md: MotherDuckStandIn }> {
  const dir = tempDir();
  const md = new MotherDuckStandIn(dir, { clock: () => now });
  await md.createDatabase('databox', 'CREATE TABLE events AS SELECT range AS id FROM range(10)', new Date('2026-04-20T08:00:00Z'));
  const ctx: StepRunContext = {
    root: dir, databasePath: path.join(dir, 'databox.duckdb'), stateDir: path.join(dir, 'var'), incidentId: incident, runId: `${incident}/3`, diskFullPercent: 95,
    runCommand, redact: (t) => t, clock: () => now, progress: () => {}, targets: { local: md, motherduck: md, backend: md } as never,
  };
  return { ctx, md };
}

async function planned(raw: Record<string, unknown>, ctx: StepRunContext): Promise<ResolvedStep> {
  const step = resolveSteps([stepSchema.parse(raw)], { root: '/srv', values: { incident_id: incident, now: '20260421T090000Z' }, now })[0] as ResolvedStep;
  return ((await stepKind(step.kind).readWhenPlanned?.(step, { target: () => ctx.targets?.motherduck as never })) ?? step) as ResolvedStep;
}

/** The cleanup run that stopped at that one step, as the journal keeps it. */
function stoppedRun(step: ResolvedStep, result: Awaited<ReturnType<typeof runStep>>): Run {
  return { id: `${incident}/3`, kind: 'cleanup', status: 'failed', startedAt: now.toISOString(), steps: [step], results: [{ stepId: step.id, ...result }] } as unknown as Run;
}

const runStep = (step: ResolvedStep, ctx: StepRunContext) => stepKind(step.kind).run(step, ctx);

describe('a leftover-clones drop that failed after the first clone', () => {
  const drop = { id: 'drop_clones', kind: 'leftover-clones', title: 'Drop the clones', databases: ['databox_broken_x', 'databox_restored_x'], drop: true, mutates: true, destructive: true };

  it('says which it dropped, counts as changed, and names what to bring back or drop still', async () => {
    const { ctx, md } = await standIn();
    await md.createDatabase('databox_broken_x', 'CREATE TABLE events AS SELECT 1 AS id');
    await md.createDatabase('databox_restored_x', 'CREATE TABLE events AS SELECT 2 AS id');
    md.failWhen(/DROP DATABASE "databox_restored_x"/, 'IO Error: the catalog could not be written');
    const step = await planned(drop, ctx);
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { dropped: ['databox_broken_x'], databases: ['databox_broken_x', 'databox_restored_x'] } });
    expect(result.summary).toBe('dropped databox_broken_x, then DROP DATABASE databox_restored_x failed: IO Error: the catalog could not be written');
    expect(md.liveDatabases()).toEqual(['databox', 'databox_restored_x']);
    expect(mayHaveChanged('leftover-clones', result)).toBe(true);
    const run = stoppedRun(step, result);
    expect(changedSomething(run)).toBe(true);
    expect(changedBeforeStopping(run.steps, run.results)).toEqual([
      {
        title: drop.title,
        summary: `${result.summary}; it stopped part-way: databox_broken_x was dropped (UNDROP DATABASE brings it back within the retention), databox_restored_x is still there; list the incident's clones again before dropping the rest`,
        partly: true,
      },
    ]);
  });

  it('that failed at the first clone dropped none: changed nothing', async () => {
    const { ctx, md } = await standIn();
    await md.createDatabase('databox_broken_x', 'CREATE TABLE events AS SELECT 1 AS id');
    md.failWhen(/DROP DATABASE "databox_broken_x"/, 'IO Error: the catalog could not be written');
    const result = await runStep(await planned(drop, ctx), ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { dropped: [] } });
    expect(md.liveDatabases()).toEqual(['databox', 'databox_broken_x']);
    expect(mayHaveChanged('leftover-clones', result)).toBe(false);
  });
});

describe('a bot-snapshots release that failed after the first name', () => {
  const release = { id: 'release', kind: 'bot-snapshots', title: 'Remove the names of the bot’s snapshots', database: 'databox', release: true, mutates: true, destructive: true };

  it('keeps the names it removed, as a later rollback reads them, and counts as changed', async () => {
    const { ctx, md } = await standIn();
    const prefix = botSnapshotPrefix('databox', incident);
    const [first, second] = [`${prefix}swap_20260421T080000Z`, `${prefix}undo_20260421T083000Z`];
    const session = await md.open({ writable: true });
    await session.run(`CREATE SNAPSHOT '${first}' OF "databox"`);
    await session.run(`CREATE SNAPSHOT '${second}' OF "databox"`);
    await session.close();
    const step = await planned(release, ctx);
    md.failWhen(new RegExp(`ALTER SNAPSHOT "databox"\\."${second}"`), 'IO Error: the catalog could not be written');
    const result = await runStep(step, ctx);
    expect(result).toMatchObject({ status: 'failed', outputs: { released: [first] } });
    expect(result.summary).toBe(`removed the name of '${first}', then removing the name of '${second}' failed: IO Error: the catalog could not be written`);
    expect(md.namedSnapshots()).toEqual([second]);
    // The bot's own record of the name removed, which a rollback restoring it by that name is refused with.
    expect(Object.keys(releasedSnapshots([{ id: `${incident}/3`, results: [result] }]))).toEqual([first]);
    expect(mayHaveChanged('bot-snapshots', result)).toBe(true);
    const run = stoppedRun(step, result);
    expect(changedSomething(run)).toBe(true);
    expect(changedBeforeStopping(run.steps, run.results)).toEqual([
      {
        title: release.title,
        summary: `${result.summary}; it stopped part-way: the name of '${first}' was removed (it stays restorable by its id while the retention keeps it), '${second}' keeps its name; list the bot's snapshots again before releasing the rest`,
        partly: true,
      },
    ]);
  });
});
