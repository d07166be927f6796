// Every moment scenario 3 shows back says UTC, and a moment given as at= is said once to be read as UTC: someone who
// typed local time notices. The SQL shown stays what runs: its literal carries no zone.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import type { DatabaseTargets } from '../../src/database/targets.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { stepKind } from '../../src/engine/steps/index.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('md-moments-said-');
const at = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const now = at('2026-04-21 09:00:00');
const readAsUtc = '(read as UTC, as every moment given to the bot is)';

/** Moments in `text` not followed by " UTC", leaving out those typed back as at="…" (the form a command takes). */
const bareMoments = (text: string) => [...text.matchAll(/(at=")?(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)(?! UTC)/g)].filter((m) => !m[1]).map((m) => m[2]);

async function standIn() {
  const dir = tempDir();
  const md = new MotherDuckStandIn(dir, { clock: () => now });
  await md.createDatabase('databox', 'CREATE SCHEMA analytics; CREATE TABLE analytics.daily AS SELECT range AS id FROM range(100)', at('2026-04-19 08:00:00'));
  await md.write('databox', 'INSERT INTO analytics.daily SELECT range + 100 FROM range(20)', at('2026-04-20 11:00:00'));
  await md.write('databox', 'DELETE FROM analytics.daily WHERE id < 90', at('2026-04-20 15:00:00'));
  const targets: DatabaseTargets = { local: localTarget(path.join(dir, 'x.duckdb')), motherduck: md, backend: md };
  const ctx: StepRunContext = {
    root: dir, databasePath: path.join(dir, 'x.duckdb'), stateDir: dir, incidentId: 'dbx-20260420-3fa2', runId: 'r', diskFullPercent: 95,
    runCommand, redact: (t) => t, clock: () => now, progress: () => {}, targets,
  };
  return { md, ctx };
}

function resolve(raw: Record<string, unknown>): ResolvedStep {
  return resolveSteps([stepSchema.parse(raw)], { root: '/srv', values: { incident_id: 'dbx-20260420-3fa2', now: '20260421T090000Z' }, now })[0] as ResolvedStep;
}

const history = (atText: string, more: Record<string, unknown> = {}) => resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'databox', at: atText, ...more });
const run = (step: ResolvedStep, ctx: StepRunContext) => stepKind(step.kind).run(step, ctx);

describe('moments said back in scenario 3', () => {
  it('says a restorable moment in UTC, read as UTC, and the writes since it in UTC', async () => {
    const { ctx } = await standIn();
    const result = await run(history('2026-04-20 12:00:00'), ctx);
    expect(result.status).toBe('restorable');
    expect(result.summary).toMatch(new RegExp(`^2026-04-20 12:00:00 UTC ${readAsUtc.replace(/[()]/g, '\\$&')} can be restored: `));
    expect(result.summary.split('read as UTC')).toHaveLength(2);
    expect(bareMoments(result.summary)).toEqual([]);
  });

  it('says a moment too old, and the named snapshots from before it, in UTC', async () => {
    const { md, ctx } = await standIn();
    md.setRetentionDays('databox', 1);
    md.takeSnapshot(md.live('databox'), 'before_cutover', at('2026-04-19 09:00:00'));
    const gone = await run(history('2026-04-19 12:00:00'), ctx);
    expect(gone.status).toBe('too-old');
    expect(gone.summary).toContain(`2026-04-19 12:00:00 UTC ${readAsUtc} is older than the retention`);
    expect(gone.summary).toContain("'before_cutover' (2026-04-19 09:00:00 UTC)");
    expect(bareMoments(gone.summary)).toEqual([]);
    const named = await run(resolve({ id: 'named', kind: 'snapshot-history', title: 'n', database: 'databox', snapshot: 'no_such' }), ctx);
    expect(named.summary).toContain("its named snapshots: 'before_cutover' (2026-04-19 09:00:00 UTC)");
  });

  it("says the counts as of a moment in UTC; the clone's SQL keeps the literal that runs", async () => {
    const { ctx } = await standIn();
    const step = resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: ['analytics.daily'], at: '2026-04-20 12:00:00', scratch: 'databox_botscratch_x' });
    const result = await run(step, ctx);
    expect(result.summary).toBe('databox: analytics.daily 30 now, 120 at 2026-04-20 12:00:00 UTC');
    expect((step as { cloneSql?: string }).cloneSql).toContain("(SNAPSHOT_TIME '2026-04-20 12:00:00')");
  });

  it("says in a plan the moment it goes back to in UTC, read as UTC", () => {
    const kind = stepKind('snapshot-history');
    const planned = (stopsOnLaterWrites: boolean) =>
      ({ ...history('2026-04-20 12:00:00', { stopsOnLaterWrites }), writesWhenPlanned: { count: 1, atLeast: false, since: '2026-04-20 12:00:00', newest: '2026-04-20 15:00:00' } }) as ResolvedStep;
    expect(kind.planWarning?.(planned(false))).toBe(
      `This plan changes nothing in databox: it is the plan after it, approved on its own, that puts databox back to 2026-04-20 12:00:00 UTC ${readAsUtc}, undoing 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made, and counted again when that plan is made.`,
    );
    expect(kind.planWarning?.(planned(true))).toBe(`Going back to 2026-04-20 12:00:00 UTC ${readAsUtc} undoes 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made.`);
  });
});

describe('the oldest moment that can be restored', () => {
  it('is one moment in the summary and the retention note, which says why the snapshot behind it is a fraction earlier', async () => {
    const { md, ctx } = await standIn();
    await md.createDatabase('young', 'CREATE TABLE t AS SELECT range AS id FROM range(10)', new Date('2026-04-20T05:12:05.400Z'));
    await md.write('young', 'DELETE FROM t WHERE id < 5', at('2026-04-20 15:00:00'));
    const listed = await run(resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'young', at: '' }), ctx);
    expect(listed.summary).toContain('; restorable from 2026-04-20 05:12:06 UTC on');
    expect(listed.output).toContain(
      'moments from 2026-04-20 05:12:06 UTC on can be restored (the oldest automatic snapshot kept was made at 2026-04-20 05:12:05.400000 UTC, so a moment typed to the second reaches it from the next whole second on; each automatic snapshot is kept 7 days after a newer one replaces it)',
    );
    // Every moment the two give as the oldest restorable one is the same.
    const oldest = [...`${listed.summary}\n${listed.output}`.matchAll(/(?:restorable from|moments from) (\S+ \S+) UTC on/g)].map((m) => m[1]);
    expect(new Set(oldest)).toEqual(new Set(['2026-04-20 05:12:06']));
  });

  it('is said once, as it is, when the oldest snapshot was made on a whole second', async () => {
    const { ctx } = await standIn();
    const listed = await run(resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'databox', at: '' }), ctx);
    expect(listed.summary).toContain('; restorable from 2026-04-19 08:00:00 UTC on');
    expect(listed.output).toContain('retention: 7 days: moments from 2026-04-19 08:00:00 UTC on can be restored (each automatic snapshot is kept 7 days after a newer one replaces it)');
  });
});
