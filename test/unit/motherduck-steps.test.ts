// The MotherDuck step kinds against the stand-in: snapshot history and retention, counts as of a moment through a
// scratch clone that is always dropped, named snapshots, leftover clones; the exact SQL sent, in order.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import type { DatabaseTargets } from '../../src/database/targets.js';
import { nothingLeftToChange } from '../../src/engine/plan-preflight.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { stepKind } from '../../src/engine/steps/index.js';
import { snapshotHistorySql } from '../../src/engine/steps/snapshot-history-step.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('md-steps-');
const at = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const now = at('2026-04-21 09:00:00');
const marts = ['analytics.daily'];

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

const runStep = (step: ResolvedStep, ctx: StepRunContext) => stepKind(step.kind).run(step, ctx);

function resolve(raw: Record<string, unknown>, values: Record<string, unknown> = {}): ResolvedStep {
  return resolveSteps([stepSchema.parse(raw)], { root: '/srv', values: { incident_id: 'dbx-20260420-3fa2', now: '20260421T090000Z', ...values }, now })[0] as ResolvedStep;
}

describe('snapshot-history', () => {
  const history = (atText = '') => resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'databox', at: atText });

  it('lists the newest snapshots and says a moment within retention is restorable', async () => {
    const { md, ctx } = await standIn();
    const result = await runStep(history('2026-04-20 12:00:00'), ctx);
    expect(result.status).toBe('restorable');
    // The write after the moment (the bad one at 15:00) goes with the restore, whatever the counts say: said in any case.
    expect(result.summary).toBe(
      '2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) can be restored: SNAPSHOT_TIME picks the snapshot of 2026-04-20 11:00:00 UTC; 3 snapshots (0 named), retention 7 days; 1 write (automatic snapshot) since 2026-04-20 12:00:00 UTC is undone by going back, good or bad',
    );
    expect(result.output).toContain('created_ts (UTC)');
    expect(result.outputs).toMatchObject({ retention: '7 days', retentionDays: 7, restorableFrom: '2026-04-19 08:00:00', snapshotAt: '2026-04-20 11:00:00', writesSince: 1 });
    // Only the live database's snapshots (its database_id): one dropped before it under the name is another database.
    const sql = snapshotHistorySql({ limit: 20 });
    expect(sql.snapshots).toContain(`AND CAST(database_id AS VARCHAR) IN (SELECT uuid FROM md_information_schema.databases WHERE translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = $1)`);
    expect(md.sql()).toEqual([sql.otherDatabases, sql.snapshots, sql.retention, sql.oldestKept, sql.atOrBefore, sql.writesAfter]);
    expect(md.sent.map((s) => s.params)).toEqual([['databox'], ['databox'], ['databox'], ['databox'], ['databox', '2026-04-20 12:00:00'], ['databox', '2026-04-20 12:00:00']]);
  });

  it('counts every write since the moment, not only those that left a mart with fewer rows; a named snapshot is no write', async () => {
    const { md, ctx } = await standIn();
    md.takeSnapshot(md.live('databox'), 'before_cutover', at('2026-04-20 10:00:00'));
    const result = await runStep(history('2026-04-19 09:00:00'), ctx);
    expect(result.summary).toMatch(/; 2 writes \(automatic snapshots\) since 2026-04-19 09:00:00 UTC are undone by going back, good or bad$/);
    expect(result.outputs).toMatchObject({ writesSince: 2 });
    // Nothing written since: nothing said.
    const latest = await runStep(history('2026-04-20 16:00:00'), ctx);
    expect(latest.summary).not.toContain('undone');
  });

  it('says when only the damaged state is kept that no moment reaches before it, rather than asking for a later or an earlier one', async () => {
    const { md, ctx } = await standIn();
    // Quiet since its last write, the damage 20 days ago, with a retention of 7 days: only that write is kept.
    await md.createDatabase('quiet', 'CREATE TABLE t AS SELECT range AS id FROM range(10)', at('2026-03-01 08:00:00'));
    await md.write('quiet', 'DELETE FROM t WHERE id < 5', at('2026-04-01 08:00:00'));
    const quiet = (atText: string) => resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'quiet', at: atText });
    // Older than the oldest kept, and after it: both land on the damage, so neither is advised.
    for (const atText of ['2026-03-22 09:00:00', '2026-04-02 09:00:00']) {
      const result = await runStep(quiet(atText), ctx);
      expect(result.status).toBe('only-now-no-named');
      expect(result.summary).toBe(
        `${atText} UTC (read as UTC, as every moment given to the bot is) cannot be restored to any state but the database as it is now: the only automatic snapshot quiet still keeps is of 2026-04-01 08:00:00 UTC, its newest write (each older one is kept only 7 days after a newer one replaced it, and has gone), so every moment SNAPSHOT_TIME can reach gives the state now. No state from before the damage can be reached by time, whatever \`at\`; quiet has no named snapshot either`,
      );
    }
    md.takeSnapshot(md.live('quiet'), 'before_cutover', at('2026-03-31 10:00:00'));
    const named = await runStep(quiet('2026-04-02 09:00:00'), ctx);
    expect(named.status).toBe('only-now');
    expect(named.summary).toMatch(/whatever `at`\. Named snapshots, kept whatever the retention: 'before_cutover' \(2026-03-31 10:00:00 UTC\)$/);
  });

  it('judges a moment by the snapshot active then: kept for the retention after it was replaced, not after it was made', async () => {
    const { md, ctx } = await standIn();
    md.setRetentionDays('databox', 1);
    // Made 49 hours before now, but replaced only 22 hours before now (at 2026-04-20 11:00): still kept.
    const kept = await runStep(history('2026-04-19 08:30:00'), ctx);
    expect(kept.status).toBe('restorable');
    expect(kept.summary).toMatch(/^2026-04-19 08:30:00 UTC \(read as UTC, as every moment given to the bot is\) can be restored: SNAPSHOT_TIME picks the snapshot of 2026-04-19 08:00:00 UTC/);

    // A named snapshot at 09:00 replaced it more than a day ago: automatic snapshots before 2026-04-20 11:00 are gone.
    md.takeSnapshot(md.live('databox'), 'before_cutover', at('2026-04-19 09:00:00'));
    const gone = await runStep(history('2026-04-19 12:00:00'), ctx);
    expect(gone.status).toBe('too-old');
    expect(gone.summary).toBe(
      "2026-04-19 12:00:00 UTC (read as UTC, as every moment given to the bot is) is older than the retention (1 day): the oldest moment still restorable is 2026-04-20 11:00:00 UTC, so no path can reach it. Named snapshots from before it: 'before_cutover' (2026-04-19 09:00:00 UTC)",
    );
    expect(gone.outputs).toMatchObject({ restorableFrom: '2026-04-20 11:00:00', namedOlder: "'before_cutover' (2026-04-19 09:00:00 UTC)" });
  });

  it("says a fault inside the bot or its driver as one, not as MotherDuck's answer", async () => {
    const { md, ctx } = await standIn();
    md.faultAfter(/database_snapshots/, "Cannot read properties of undefined (reading 'rows')");
    const result = await runStep(history('2026-04-20 12:00:00'), ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe("the bot failed inside (TypeError: Cannot read properties of undefined (reading 'rows')), a fault in the bot or its database driver to report, not an answer from md:databox");
  });

  it('gives the oldest moment still restorable as one that can be typed back: a fraction of a second rounds it up, not down', async () => {
    const { md, ctx } = await standIn();
    await md.createDatabase('young', 'CREATE TABLE t AS SELECT range AS id FROM range(10)', new Date('2026-04-20T05:12:05.400Z'));
    await md.write('young', 'DELETE FROM t WHERE id < 5', at('2026-04-20 15:00:00'));
    const young = (atText: string) => resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'young', at: atText });
    const early = await runStep(young('2026-04-20 05:12:05'), ctx);
    expect(early.summary).toContain('the oldest moment still restorable is 2026-04-20 05:12:06 UTC, so no path can reach it');
    const listed = await runStep(young(''), ctx);
    expect(listed.summary).toContain('; restorable from 2026-04-20 05:12:06 UTC on');
    // Typed back as said, it is restorable.
    const typedBack = await runStep(young('2026-04-20 05:12:06'), ctx);
    expect(typedBack.status).toBe('restorable');
  });

  it('listing with no moment, suggests the one just before the newest write, which restores the state before it', async () => {
    const { md, ctx } = await standIn();
    await md.createDatabase('quiet', 'CREATE TABLE t AS SELECT range AS id FROM range(10)', at('2026-04-20 05:00:00'));
    await md.write('quiet', 'DELETE FROM t WHERE id < 5', new Date('2026-04-20T15:00:00.700Z'));
    const quiet = (atText: string) => resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'quiet', at: atText });
    const listed = await runStep(quiet(''), ctx);
    expect(listed.summary).toMatch(/; just before the newest write \(2026-04-20 15:00:00(\.\d+)? UTC\), should it be the bad one: at="2026-04-20 14:59:59"$/);
    // Typed back as said, it is restorable, and undoes that write alone.
    const typedBack = await runStep(quiet('2026-04-20 14:59:59'), ctx);
    expect(typedBack.status).toBe('restorable');
    expect(typedBack.summary).toContain('1 write (automatic snapshot) since');
    // A database with one write only has no moment before it to suggest.
    await md.createDatabase('fresh', 'CREATE TABLE t AS SELECT 1 AS id', at('2026-04-20 05:00:00'));
    const fresh = await runStep(resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'fresh', at: '' }), ctx);
    expect(fresh.summary).not.toContain('just before');
  });

  it('says a moment within the retention but before the database\'s first snapshot is that, not "older than the retention"', async () => {
    const { ctx } = await standIn();
    // The database was made at 2026-04-19 08:00; the retention (7 days) would reach back to 04-14.
    const before = await runStep(history('2026-04-18 09:00:00'), ctx);
    // It has no named snapshot either: only a later moment is left, and the summary says so.
    expect(before.status).toBe('too-old-no-named');
    expect(before.summary).toMatch(/so no path can reach it\. databox has no named snapshot to go back to instead$/);
    expect(before.summary).toMatch(/^2026-04-18 09:00:00 UTC \(read as UTC, as every moment given to the bot is\) is before the oldest snapshot databox has \(2026-04-19 08:00:00 UTC\), though within the retention \(7 days\): /);
  });

  it('fails a moment in the future as read when it runs (a plan approved later reads it again)', async () => {
    const { ctx } = await standIn();
    const result = await runStep(history('2026-04-21 10:00:00'), ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('at=2026-04-21 10:00:00 is in the future (it is 2026-04-21 09:00:00 UTC): no snapshot can be from then');
  });

  it('says retention 0 keeps no history, without claiming a window from the one snapshot it lists (the state now)', async () => {
    const { md, ctx } = await standIn();
    md.setRetentionDays('databox', 0);
    for (const atText of ['', '2026-04-20 12:00:00', '2026-04-20 16:00:00']) {
      const result = await runStep(history(atText), ctx);
      expect(result.status).toBe('no-snapshots');
      expect(result.summary).toBe(
        'no snapshot can restore databox: its snapshot retention is 0 days, so MotherDuck keeps no point-in-time history: each automatic snapshot goes as soon as a newer one replaces it, and the newest (2026-04-20 15:00:00 UTC) is the database as it is now; it has no named snapshot either',
      );
      expect(result.output).toContain('retention: 0 days: no point-in-time history is kept (each automatic snapshot goes as soon as a newer one replaces it; the newest, of 2026-04-20 15:00:00 UTC, is the database as it is now)');
      expect(`${result.summary}\n${result.output}`).not.toMatch(/can be restored|restorable from|kept 0 days/);
    }
  });

  it('says retention 0 leaves only the named snapshots, whole, for a moment asked for or not; no window claimed', async () => {
    const { md, ctx } = await standIn();
    md.takeSnapshot(md.live('databox'), 'before_cutover', at('2026-04-20 10:00:00'));
    md.setRetentionDays('databox', 0);
    const history0 = "databox's snapshot retention is 0 days, so MotherDuck keeps no point-in-time history: each automatic snapshot goes as soon as a newer one replaces it, and the newest (2026-04-20 15:00:00 UTC) is the database as it is now. " +
      "No moment can be restored by time, only a named snapshot as a whole: 'before_cutover' (2026-04-20 10:00:00 UTC)";
    const listed = await runStep(history(), ctx);
    expect(listed.status).toBe('named-only');
    expect(listed.summary).toBe(history0);
    expect(listed.outputs).toMatchObject({ named: "'before_cutover' (2026-04-20 10:00:00 UTC)" });
    // A moment after the newest snapshot is the state now, not a restore: still no window claimed.
    for (const atText of ['2026-04-20 12:00:00', '2026-04-20 16:00:00']) {
      const result = await runStep(history(atText), ctx);
      expect(result.status).toBe('named-only');
      expect(result.summary).toBe(`${atText} UTC (read as UTC, as every moment given to the bot is) cannot be restored: ${history0}`);
      expect(result.output).not.toMatch(/can be restored \(|restorable from/);
    }
  });

  it('shows snapshot times to the microsecond only where two fall in the same second, so the one picked is told apart', async () => {
    const { md, ctx } = await standIn();
    // A load and the bad write right after it, in the same second (created_ts is a TIMESTAMP, to the microsecond).
    await md.write('databox', 'INSERT INTO analytics.daily SELECT range + 500 FROM range(5)', at('2026-04-20 16:00:00.250'));
    await md.write('databox', 'DELETE FROM analytics.daily', new Date(at('2026-04-20 16:00:00').getTime() + 750));
    const result = await runStep(history('2026-04-20 16:00:01'), ctx);
    expect(result.status).toBe('restorable');
    expect(result.summary).toMatch(/^2026-04-20 16:00:01 UTC \(read as UTC, as every moment given to the bot is\) can be restored: SNAPSHOT_TIME picks the snapshot of 2026-04-20 16:00:00\.750000 UTC; /);
    const created = result.output?.split('\n').slice(2, 7).map((line) => /\d{4}-\d{2}-\d{2} [\d:.]+/.exec(line)?.[0]);
    expect(created).toEqual(['2026-04-20 16:00:00.750000', '2026-04-20 16:00:00.250000', '2026-04-20 15:00:00', '2026-04-20 11:00:00', '2026-04-19 08:00:00']);
    expect(result.outputs).toMatchObject({ snapshotAt: '2026-04-20 16:00:00.750000', newest: '2026-04-20 16:00:00.750000' });

    // `at` on the second itself is before both: shown so, not as "the snapshot of 16:00:00".
    const onTheSecond = await runStep(history('2026-04-20 16:00:00'), ctx);
    expect(onTheSecond.summary).toMatch(/^2026-04-20 16:00:00 UTC \(read as UTC, as every moment given to the bot is\) can be restored: SNAPSHOT_TIME picks the snapshot of 2026-04-20 15:00:00 UTC; /);
    expect(onTheSecond.output).toContain('2026-04-20 16:00:00.250000');

    // Between the two, to the microsecond as they are shown: the load is picked, not the bad write after it.
    const between = await runStep(history('2026-04-20 16:00:00.500000'), ctx);
    expect(between.summary).toMatch(/^2026-04-20 16:00:00\.500000 UTC \(read as UTC, as every moment given to the bot is\) can be restored: SNAPSHOT_TIME picks the snapshot of 2026-04-20 16:00:00\.250000 UTC; /);
    expect(between.outputs).toMatchObject({ snapshotAt: '2026-04-20 16:00:00.250000' });
  });

  it('shows, of a list too long for the message, the newest, the oldest and the snapshots around the one picked', async () => {
    const { md, ctx } = await standIn();
    for (let hour = 0; hour < 20; hour += 1) {
      await md.write('databox', `INSERT INTO analytics.daily VALUES (${1000 + hour})`, new Date(at('2026-04-20 16:00:00').getTime() + hour * 3_600_000));
    }
    const result = await runStep(history('2026-04-21 01:30:00'), ctx);
    expect(result.status).toBe('restorable');
    expect(result.outputs).toMatchObject({ snapshotAt: '2026-04-21 01:00:00' });
    // The whole list stays in the output (its file); what the message shows keeps the picked one, which a cut would hide.
    expect(result.output?.length).toBeGreaterThan(1_200);
    expect(result.shown?.length).toBeLessThanOrEqual(1_200);
    expect(result.shown).toContain('2026-04-21 01:00:00');
    expect(result.shown).toContain('2026-04-21 11:00:00');
    expect(result.shown).toMatch(/…\s+\d+ more, 2026-04-\d\d \d\d:00:00 … 2026-04-\d\d \d\d:00:00/);
    expect(result.shown).toContain('retention: 7 days');
  });

  it('reports a missing token as unreachable, naming the variable', async () => {
    const { ctx } = await standIn();
    const { motherDuckTarget } = await import('../../src/database/motherduck-target.js');
    const noToken = motherDuckTarget({ database: 'databox', connectTimeoutMs: 1_000 }, (t) => t);
    const result = await runStep(history(), { ...ctx, targets: { ...(ctx.targets as DatabaseTargets), motherduck: noToken } });
    expect(result.status).toBe('unreachable');
    expect(result.outputs.problem).toBe('token-missing');
    expect(result.summary).toMatch(/^MOTHERDUCK_TOKEN is not set/);
  });
});

describe('snapshot-history asked for a named snapshot', () => {
  const named = (snapshot: string) => resolve({ id: 'named', kind: 'snapshot-history', title: 'n', database: 'databox', snapshot });
  const folded = "translate(database_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = $1";

  it('finds it, also past the retention and with a retention of 0, and gives its time and name', async () => {
    const { md, ctx } = await standIn();
    md.takeSnapshot(md.live('databox'), 'pre_mart_rewrite_20260421', at('2026-04-19 09:00:00'));
    md.setRetentionDays('databox', 0);
    const result = await runStep(named('pre_mart_rewrite_20260421'), ctx);
    expect(result.status).toBe('named-found');
    // With a retention of 0 the writes between are no longer listed: the count is a floor, and said to be one.
    expect(result.summary).toMatch(
      /^'pre_mart_rewrite_20260421' is a named snapshot of databox, taken 2026-04-19 09:00:00 UTC \(id [0-9a-f-]{36}; databox's owner: ops@databox\.invalid, MotherDuck's user_name, not necessarily who took it\); at least 1 writes \(automatic snapshots: older ones are past the retention, no longer listed\) since it was taken are undone by going back, good or bad \(none of them is in it\)$/,
    );
    expect(result.outputs).toMatchObject({ snapshotName: 'pre_mart_rewrite_20260421', snapshotAt: '2026-04-19 09:00:00', named: "'pre_mart_rewrite_20260421' (2026-04-19 09:00:00 UTC)" });
    // user_name is the database's owner (MotherDuck's DATABASE_SNAPSHOTS view), and its column says so.
    expect(result.output).toMatch(/created_ts \(UTC\)\s+database owner\n/);
    // The name is bound, never spliced into the statement.
    expect(md.sent.slice(3)).toEqual([
      { sql: `SELECT snapshot_id, snapshot_name, created_ts, user_name\n  FROM md_information_schema.database_snapshots\n WHERE ${folded} AND snapshot_name = $2\n ORDER BY created_ts DESC\n LIMIT 1`, params: ['databox', 'pre_mart_rewrite_20260421'] },
      { sql: `SELECT snapshot_id, snapshot_name, created_ts, user_name\n  FROM md_information_schema.database_snapshots\n WHERE ${folded} AND snapshot_name IS NOT NULL\n ORDER BY created_ts DESC\n LIMIT 100`, params: ['databox'] },
      expect.objectContaining({ sql: expect.stringMatching(/^SELECT count\(\*\)/), params: ['databox', '2026-04-19 09:00:00'] }),
      expect.objectContaining({ sql: expect.stringMatching(/^SELECT min\(created_ts\)/), params: ['databox'] }),
    ]);
  });

  it('says there is no such snapshot, listing the named ones with the closest one as a suggestion', async () => {
    const { md, ctx } = await standIn();
    md.takeSnapshot(md.live('databox'), 'pre_mart_rewrite_20260421', at('2026-04-19 09:00:00'));
    md.takeSnapshot(md.live('databox'), "team's nightly", at('2026-04-20 09:00:00'));
    const result = await runStep(named('pre_mart_rewrite_2026042'), ctx);
    expect(result.status).toBe('no-such-snapshot');
    expect(result.summary).toBe(
      `databox has no named snapshot 'pre_mart_rewrite_2026042' (did you mean "pre_mart_rewrite_20260421"?); its named snapshots: 'team's nightly' (2026-04-20 09:00:00 UTC), 'pre_mart_rewrite_20260421' (2026-04-19 09:00:00 UTC)`,
    );
    expect(result.output).toContain("team's nightly");
  });

  it('says which named snapshot cannot be typed back (an invisible character, a shell metacharacter) and how to rename it', async () => {
    const { md, ctx } = await standIn();
    md.takeSnapshot(md.live('databox'), 'pre\u200bswap', at('2026-04-19 09:00:00'));
    md.takeSnapshot(md.live('databox'), 'a;b', at('2026-04-19 10:00:00'));
    md.takeSnapshot(md.live('databox'), 'café ☕', at('2026-04-19 11:00:00'));
    const result = await runStep(named('preswap'), ctx);
    expect(result.status).toBe('no-such-snapshot');
    expect(result.summary).toContain(
      `. "pre\u200bswap" cannot be given as snapshot= (it holds a zero-width space (U+200B) after "pre"): rename it first, by hand (ALTER SNAPSHOT "databox"."pre\u200bswap" SET snapshot_name = '<new name>'), then diagnose again with the new name`,
    );
    expect(result.summary).toContain(`. "a;b" cannot be given as snapshot= (it holds a character a command refuses in any value:`);
    // A double quote in it is doubled in the statement to rename it, as SQL reads a quoted name.
    md.takeSnapshot(md.live('databox'), 'say "hi"', at('2026-04-19 12:00:00'));
    const quoted = await runStep(named('preswap'), ctx);
    expect(quoted.summary).toContain(`(ALTER SNAPSHOT "databox"."say ""hi""" SET snapshot_name = '<new name>')`);
    // A name that can be typed, however unusual its letters, is not called out.
    expect(result.summary).not.toContain(`"café ☕" cannot`);
  });

  it('says so when the database has no named snapshot at all', async () => {
    const { ctx } = await standIn();
    const result = await runStep(named('pre_mart_rewrite_20260421'), ctx);
    expect(result.status).toBe('no-such-snapshot');
    expect(result.summary).toBe("databox has no named snapshot 'pre_mart_rewrite_20260421'; it has no named snapshot at all");
  });

  it('refuses `at` and `snapshot` on one step (snapshot-history and table-counts) when the runbook loads', () => {
    for (const kind of [{ kind: 'snapshot-history' }, { kind: 'table-counts', target: 'motherduck', tables: marts, scratch: 's' }]) {
      const parsed = stepSchema.safeParse({ id: 'h', title: 'h', database: 'databox', ...kind, at: '{{at?}}', snapshot: '{{snapshot?}}' });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => [i.path, i.message])).toEqual([[['snapshot'], expect.stringMatching(/^give `at` \(a moment to (judge|count as of)\) or `snapshot` \(a named snapshot to (find|count in)\), not both: use one step for each$/)]]);
    }
  });
});

describe('rows written since the diagnosis, in a plan that overwrites the database', () => {
  const plannedTools = (ctx: StepRunContext) => ({ target: () => ctx.targets?.motherduck as DatabaseTargets['motherduck'] });
  const diagnosis = { diagnosis: { counts: { counts: { 'analytics.daily': 30 }, countsAt: { 'analytics.daily': 120 }, asOf: 'at 2026-04-20 12:00:00' } } };

  it('says in the plan what was written since the diagnosis, and stops the run when more was written after the plan was made', async () => {
    const { md, ctx } = await standIn();
    await md.write('databox', 'INSERT INTO analytics.daily SELECT range + 1000 FROM range(5)', now);
    const step = resolve({ id: 'written_since', kind: 'table-counts', title: 't', target: 'motherduck', database: 'databox', tables: marts, writtenSince: ['counts'], leftIn: 'databox_broken_x' }, diagnosis);
    const planned = (await stepKind(step.kind).readWhenPlanned?.(step, plannedTools(ctx))) as ResolvedStep;
    expect(stepKind(step.kind).planWarning?.(planned)).toBe(
      "databox's tables changed since the diagnosis counted them: analytics.daily +5 (35 now, 30 when the diagnosis counted). The 5 rows written since are not in what this plan puts in place: after it they are only in databox_broken_x (kept), not in databox. Read them there, and copy back what is needed, before anyone drops databox_broken_x.",
    );
    const unchanged = await runStep(planned, ctx);
    expect(unchanged.status).toBe('ok');
    expect(unchanged.summary).toContain('the 5 rows written since are not carried over: they are left only in databox_broken_x');
    await md.write('databox', 'INSERT INTO analytics.daily SELECT range + 2000 FROM range(3)', now);
    const changed = await runStep(planned, ctx);
    expect(changed.status).toBe('changed');
    expect(changed.summary).toMatch(/^databox changed after this plan was made: analytics\.daily \+3 \(38 now, 35 when this plan was made\)/);
  });

  it('names a clone that holds neither the database now nor a state the diagnosis counted; not one that holds one of them', async () => {
    const { md, ctx } = await standIn();
    const session = await md.open({ writable: true });
    await session.run('CREATE DATABASE "databox_broken_x" FROM "databox"');
    await session.run('CREATE DATABASE "databox_restored_x" FROM "databox" (SNAPSHOT_TIME \'2026-04-20 12:00:00\')');
    await session.close();
    const step = resolve(
      { id: 'drop', kind: 'leftover-clones', title: 'd', databases: ['databox_restored_x', 'databox_broken_x'], comparedWith: 'databox', tables: marts, seenBy: ['counts'], drop: true, mutates: true, destructive: true },
      diagnosis,
    );
    const planned = (await stepKind(step.kind).readWhenPlanned?.(step, plannedTools(ctx))) as ResolvedStep;
    // databox has 30 rows now, as the diagnosis counted; the restored clone 120, as at its moment; the broken one 30: all seen.
    expect(stepKind(step.kind).planWarning?.(planned)).toBeUndefined();
    await md.write('databox_broken_x', 'INSERT INTO analytics.daily SELECT range + 1000 FROM range(7)', now);
    const again = (await stepKind(step.kind).readWhenPlanned?.(step, plannedTools(ctx))) as ResolvedStep;
    expect(stepKind(step.kind).planWarning?.(again)).toBe(
      'databox_broken_x counts as neither databox now nor any state the diagnosis counted (analytics.daily 37 there, 30 in databox, 30 when the diagnosis counted, 120 at 2026-04-20 12:00:00 UTC as the diagnosis counted): it may hold the only copy of rows written before a swap put a restored state in place. Once dropped, only UNDROP DATABASE brings it back, within the retention: look at it, and copy back what is needed, before approving.',
    );
  });

  it('refuses leftIn without writtenSince, and comparedWith without tables, when the runbook loads', () => {
    const counts = stepSchema.safeParse({ id: 't', title: 't', kind: 'table-counts', database: 'databox', tables: marts, leftIn: 'databox_broken_x' });
    expect(counts.error?.issues.map((i) => i.message)).toEqual(['leftIn says where rows written since are left: give writtenSince too']);
    const clones = stepSchema.safeParse({ id: 'c', title: 'c', kind: 'leftover-clones', databases: ['x'], comparedWith: 'databox' });
    expect(clones.error?.issues.map((i) => i.message)).toEqual(['comparedWith and tables go together: the database to compare each clone with, and the tables to count in both']);
  });
});

// DATABOX_MOTHERDUCK_DATABASE=Databox names the database MotherDuck lists as it was created (databox), and the
// reverse: DuckDB resolves database names ignoring the case of ASCII letters, so md_information_schema must be read so too.
describe('database names that differ from MotherDuck\'s only in case', () => {
  it('finds the snapshots and retention of databox when asked for Databox', async () => {
    const { md, ctx } = await standIn();
    const result = await runStep(resolve({ id: 'history', kind: 'snapshot-history', title: 'h', database: 'Databox', at: '2026-04-20 12:00:00' }), ctx);
    expect(result.status).toBe('restorable');
    expect(result.summary).toMatch(/^2026-04-20 12:00:00 UTC \(read as UTC, as every moment given to the bot is\) can be restored: SNAPSHOT_TIME picks the snapshot of 2026-04-20 11:00:00 UTC; 3 snapshots \(0 named\), retention 7 days; 1 write/);
    expect(md.sent.map((s) => s.params)).toEqual([['databox'], ['databox'], ['databox'], ['databox'], ['databox', '2026-04-20 12:00:00'], ['databox', '2026-04-20 12:00:00']]);
  });

  it('lists and drops the clones whatever the case they were made or are named in', async () => {
    const { md, ctx } = await standIn();
    await md.createDatabase('databox_restored_x', 'SELECT 1');
    await md.createDatabase('Databox_broken_x', 'SELECT 1');
    const clones = (drop: boolean) =>
      resolve({ id: 'leftovers', kind: 'leftover-clones', title: 'l', databases: ['Databox_restored_x', 'databox_broken_x', 'Databox_botscratch_x'], drop, mutates: drop, destructive: drop });
    const listed = await runStep(clones(false), ctx);
    expect(listed.status).toBe('leftovers');
    expect(listed.outputs.databases).toEqual(['Databox_broken_x', 'databox_restored_x']);
    const dropped = await runStep(clones(true), ctx);
    expect(dropped.outputs.dropped).toEqual(['Databox_broken_x', 'databox_restored_x']);
    expect(md.liveDatabases()).toEqual(['databox']);
  });

  it('finds nothing left to drop when looked at again right before a cleanup runs, and does not stop it when MotherDuck cannot be read', async () => {
    const { md } = await standIn();
    await md.createDatabase('databox_restored_x', 'SELECT 1');
    const drop = [resolve({ id: 'drop', kind: 'leftover-clones', title: 'd', databases: ['databox_restored_x'], drop: true, mutates: true, destructive: true })];
    const tools = { target: () => md };
    expect(await nothingLeftToChange(drop, tools)).toBeUndefined();
    md.drop(md.live('databox_restored_x'));
    expect(await nothingLeftToChange(drop, tools)).toBe('no clone of this incident is left on MotherDuck (databox_restored_x)');
    md.failWhen(/md_information_schema\.databases/, 'IO Error: connection reset');
    expect(await nothingLeftToChange(drop, tools), 'not read: the run meets it at its step').toBeUndefined();
  });

  it('leaves a database DuckDB keeps apart although lower() would fold it to the same name (the Kelvin sign K)', async () => {
    const { md, ctx } = await standIn();
    await md.createDatabase('databox_restored_\u212A', 'SELECT 1');
    const result = await runStep(resolve({ id: 'leftovers', kind: 'leftover-clones', title: 'l', databases: ['databox_restored_k'] }), ctx);
    expect(result.status).toBe('ok');
    expect(md.liveDatabases()).toContain('databox_restored_\u212A');
  });
});

describe('bot-snapshots', () => {
  const plannedTools = (ctx: StepRunContext) => ({ target: () => ctx.targets?.motherduck as DatabaseTargets['motherduck'] });
  const ours = 'databox_bot_dbx_20260420_3fa2_swap_20260420T160000Z';

  it("lists in the cleanup's plan the named snapshots the bot took for this incident, and removes only those names", async () => {
    const { md, ctx } = await standIn();
    // The engine's own, before a swap (resolve.ts names it), another incident's, and an operator's.
    const snapshotted = resolveSteps([stepSchema.parse({ id: 'swap', kind: 'sql', title: 's', target: 'motherduck', sql: 'SELECT 1', mutates: true, destructive: true })], {
      root: '/srv', values: { incident_id: 'dbx-20260420-3fa2', now: '20260420T160000Z' }, now, snapshotBefore: { database: 'databox' },
    })[0] as ResolvedStep;
    expect(await runStep(snapshotted, ctx)).toMatchObject({ status: 'ok', outputs: { snapshot: ours } });
    const session = await md.open({ writable: true });
    await session.run(`CREATE SNAPSHOT 'databox_bot_dbx_20260420_3fa2x_swap_20260420T160000Z' OF "databox"`);
    await session.run(`CREATE SNAPSHOT 'before-migration' OF "databox"`);
    await session.close();

    const listed = await runStep(resolve({ id: 'left', kind: 'bot-snapshots', title: 'l', database: 'databox' }), ctx);
    expect(listed).toMatchObject({ status: 'leftovers', outputs: { snapshots: [ours], count: 1 } });
    const release = resolve({ id: 'release', kind: 'bot-snapshots', title: 'r', database: 'databox', release: true, mutates: true, destructive: true });
    const planned = (await stepKind('bot-snapshots').readWhenPlanned?.(release, plannedTools(ctx))) as ResolvedStep;
    const id = (planned as unknown as { listedWhenPlanned: { id: string }[] }).listedWhenPlanned[0]?.id;
    // The plan shows the exact statement for each, and what removing the name costs.
    expect(stepKind('bot-snapshots').describe(planned, {} as never)).toContain(`ALTER SNAPSHOT "databox"."${ours}" SET snapshot_name = '' -- id ${id}, taken 2026-04-21 09:00:00 UTC`);
    expect(stepKind('bot-snapshots').planWarning?.(planned)).toContain(`This cleanup removes the names of the named snapshot the bot took of databox for this incident, '${ours}' (id ${id}`);

    // One the bot took after the plan was made (a rollback's) keeps its name: nothing goes that the plan did not show.
    expect(await runStep(resolveSteps([stepSchema.parse({ id: 'undo', kind: 'sql', title: 'u', target: 'motherduck', sql: 'SELECT 1', mutates: true, destructive: true })], {
      root: '/srv', values: { incident_id: 'dbx-20260420-3fa2', now: '20260421T090000Z' }, now, snapshotBefore: { database: 'databox' },
    })[0] as ResolvedStep, ctx)).toMatchObject({ status: 'ok' });
    const released = await runStep(planned, ctx);
    expect(released.status).toBe('ok');
    expect(released.outputs.released).toEqual([ours]);
    expect(released.summary).toContain('taken after the plan was made, so left named');
    expect(md.sql()).toContain(`ALTER SNAPSHOT "databox"."${ours}" SET snapshot_name = ''`);
    expect(md.namedSnapshots().sort()).toEqual(['before-migration', 'databox_bot_dbx_20260420_3fa2_undo_20260421T090000Z', 'databox_bot_dbx_20260420_3fa2x_swap_20260420T160000Z']);
  });

  it("on DATABOX_BACKEND's database when that is the local file (target: backend), sends nothing: no snapshot to list or release there", async () => {
    const { md, ctx } = await standIn();
    const local = { name: 'local', database: 'databox', label: '/srv/data/databox.duckdb', lock: '/srv/data/databox.duckdb' };
    const onLocal = { targets: { local, motherduck: { name: 'motherduck', database: 'databox', label: 'md:databox', lock: 'md:databox' }, backend: local } };
    const listed = await runStep(resolve({ id: 'left', kind: 'bot-snapshots', title: 'l', database: 'databox', target: 'backend' }, onLocal), ctx);
    const none = 'DATABOX_BACKEND is local (/srv/data/databox.duckdb), not MotherDuck: the bot takes named snapshots of MotherDuck only, so it took none for this incident';
    expect(listed).toMatchObject({ status: 'skipped', summary: none, outputs: { count: 0 } });
    // A cleanup there is refused as one with nothing left to do, naming why, before anything is sent.
    const release = resolve({ id: 'release', kind: 'bot-snapshots', title: 'r', database: 'databox', target: 'backend', release: true, mutates: true, destructive: true }, onLocal);
    expect(await nothingLeftToChange([release], plannedTools(ctx))).toBe(none);
    expect(md.sent).toEqual([]);
  });
});

describe('a sql step on MotherDuck whose connection is lost inside its transaction', () => {
  it('says the statement may or may not have been applied, though the ROLLBACK after it answered: not that nothing changed', async () => {
    const { md, ctx } = await standIn();
    md.failWhen(/^DELETE FROM analytics\.daily/, 'IO Error: connection to MotherDuck lost');
    const step = resolve({ id: 'trim', kind: 'sql', title: 't', target: 'motherduck', sql: 'DELETE FROM analytics.daily WHERE id >= 110', mutates: true, destructive: true, expectRows: '10' });
    const result = await runStep(step, ctx);
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/connection to MotherDuck lost: the connection went while the statement ran, so it may or may not have been applied/);
    expect(result.summary).not.toContain('nothing was changed');
    expect(md.sql()).toContain('ROLLBACK');
  });
});

describe('table-counts', () => {
  it('counts now and as of a moment from a scratch clone it always drops', async () => {
    const { md, ctx } = await standIn();
    const step = resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-20 12:00:00', scratch: 'databox_botscratch_dbx_20260420_3fa2' });
    const result = await runStep(step, ctx);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('databox: analytics.daily 30 now, 120 at 2026-04-20 12:00:00 UTC');
    expect(md.sql()).toEqual([
      'SELECT count(*) FROM "databox".analytics.daily',
      'DROP DATABASE IF EXISTS "databox_botscratch_dbx_20260420_3fa2"',
      `CREATE DATABASE "databox_botscratch_dbx_20260420_3fa2" FROM "databox" (SNAPSHOT_TIME '2026-04-20 12:00:00')`,
      'SELECT count(*) FROM "databox_botscratch_dbx_20260420_3fa2".analytics.daily',
      'DROP DATABASE "databox_botscratch_dbx_20260420_3fa2"',
    ]);
    expect(md.liveDatabases()).toEqual(['databox']);
  });

  it('says in words when going back discards rows written since the moment, or changes nothing, with the change signed in its table', async () => {
    const { md, ctx } = await standIn();
    // Rows written after the moment asked for: going back to it drops them, which only the sign would otherwise show.
    await md.write('databox', 'INSERT INTO analytics.daily SELECT range + 1000 FROM range(500)', at('2026-04-20 16:00:00'));
    const step = resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-20 12:00:00', scratch: 'databox_botscratch_x' });
    const result = await runStep(step, ctx);
    expect(result.summary).toBe(
      'databox: analytics.daily 530 now, 120 at 2026-04-20 12:00:00 UTC. Going back DISCARDS rows written since 2026-04-20 12:00:00 UTC: 1 of 1 table ends up with fewer rows than now (analytics.daily -410); every load since 2026-04-20 12:00:00 UTC, good or bad, is lost with the restore',
    );
    expect(result.output).toMatch(/going back changes it by\n.*\banalytics\.daily\s+530\s+120\s+-410\b/s);
    const more = await runStep(resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-20 12:00:00', scratch: 'databox_botscratch_x' }), (await standIn()).ctx);
    expect(more.output).toMatch(/\banalytics\.daily\s+30\s+120\s+\+90\b/);
    // After the bad write (15:00): nothing differs, which a moment before it would not show.
    const after = await runStep(resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-20 15:30:00', scratch: 'databox_botscratch_x' }), (await standIn()).ctx);
    expect(after.summary).toBe('databox: analytics.daily 30 now, 30 at 2026-04-20 15:30:00 UTC. No table differs between now and 2026-04-20 15:30:00 UTC: if a bad write changed them, 2026-04-20 15:30:00 UTC is after it');
    // Asked for (flagUnchanged), a moment where no table differs ends "same", for a verdict of its own; not asked for,
    // "ok", as it did before the option, so a runbook written before it keeps its verdicts.
    expect([result.status, more.status, after.status]).toEqual(['ok', 'ok', 'ok']);
    const flagged = await runStep(resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-20 15:30:00', scratch: 'databox_botscratch_x', flagUnchanged: true }), (await standIn()).ctx);
    expect(flagged.status).toBe('same');
  });

  it('drops the scratch clone when counting in it fails', async () => {
    const { md, ctx } = await standIn();
    md.failWhen(/FROM "databox_botscratch/, 'IO Error: connection reset');
    const step = resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-20 12:00:00', scratch: 'databox_botscratch_x' });
    const result = await runStep(step, ctx);
    expect(result.status).toBe('failed');
    expect(md.sql().at(-1)).toBe('DROP DATABASE "databox_botscratch_x"');
    expect(md.liveDatabases()).toEqual(['databox']);
  });

  it('says when its scratch clone could not be dropped, and the next count drops that one before cloning again', async () => {
    const { md, ctx } = await standIn();
    const step = resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-20 12:00:00', scratch: 'databox_botscratch_y' });
    md.failWhen(/^DROP DATABASE "databox_botscratch_y"$/, 'IO Error: connection reset');
    const first = await runStep(step, ctx);
    expect(first.status).toBe('ok');
    expect(first.summary).toMatch(/\(the scratch clone databox_botscratch_y could not be dropped: IO Error: connection reset; the next diagnosis drops it, or path C\)$/);
    expect(md.liveDatabases()).toContain('databox_botscratch_y');
    const second = await runStep(step, ctx);
    expect(second.status).toBe('ok');
    expect(second.summary).toBe('databox: analytics.daily 30 now, 120 at 2026-04-20 12:00:00 UTC');
    expect(md.liveDatabases()).toEqual(['databox']);
  });

  it('counts in a named snapshot from a scratch clone made with SNAPSHOT_NAME, the name as a literal, and drops it', async () => {
    const { md, ctx } = await standIn();
    md.takeSnapshot(md.live('databox'), "o'clock rewrite", at('2026-04-20 16:00:00'));
    await md.write('databox', 'DELETE FROM analytics.daily WHERE id < 100', at('2026-04-20 17:00:00'));
    md.setRetentionDays('databox', 0);
    const step = resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, snapshot: "o'clock rewrite", scratch: 'databox_botscratch_z' });
    const result = await runStep(step, ctx);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe("databox: analytics.daily 20 now, 30 in snapshot 'o'clock rewrite'");
    expect(md.sql().slice(2, 3)).toEqual([`CREATE DATABASE "databox_botscratch_z" FROM "databox" (SNAPSHOT_NAME 'o''clock rewrite')`]);
    expect(md.sql().at(-1)).toBe('DROP DATABASE "databox_botscratch_z"');
    expect(md.liveDatabases()).toEqual(['databox']);
    expect(() => resolve({ id: 'c', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, snapshot: 'x'.repeat(256), scratch: 's' })).toThrow(/a snapshot name has 1 to 255 characters/);
    expect(stepSchema.safeParse({ id: 'c', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, snapshot: 'x' }).error?.issues[0]?.message).toBe(
      'counting in `snapshot` needs `scratch`: the name of the clone to count in',
    );
  });

  it('says a named snapshot in the words of one: "was taken after" a bad write, and its clone not "as of" it', async () => {
    const { md, ctx } = await standIn();
    md.takeSnapshot(md.live('databox'), 'after_rewrite', at('2026-04-20 16:00:00'));
    const same = await runStep(resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, snapshot: 'after_rewrite', scratch: 'databox_botscratch_s' }), ctx);
    expect(same.summary).toBe("databox: analytics.daily 30 now, 30 in snapshot 'after_rewrite'. No table differs between now and snapshot 'after_rewrite': if a bad write changed them, snapshot 'after_rewrite' was taken after it");
    md.failWhen(/^CREATE DATABASE "databox_botscratch_s"/, 'Catalog Error: snapshot not found');
    const failed = await runStep(resolve({ id: 'counts', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, snapshot: 'after_rewrite', scratch: 'databox_botscratch_s' }), ctx);
    expect(failed.summary).toBe("cannot clone databox's snapshot 'after_rewrite': Catalog Error: snapshot not found");
  });

  it('refuses a moment in the future or malformed before any SQL is made', () => {
    expect(() => resolve({ id: 'c', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: '2026-04-22 00:00:00', scratch: 's' })).toThrow(/is in the future/);
    expect(() => resolve({ id: 'c', kind: 'table-counts', title: 'c', target: 'motherduck', database: 'databox', tables: marts, at: 'yesterday', scratch: 's' })).toThrow(/is not a UTC timestamp/);
  });
});
