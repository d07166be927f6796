// Whether a plan's named snapshots can be taken, read from the MotherDuck stand-in's md_user_info(): refused on Lite,
// naming the steps they were to undo; not on Business, nor when the account's plan cannot be read, nor for a plan
// that takes none (then nothing is asked).
import { describe, expect, it } from 'vitest';
import { namedSnapshotsUnavailable } from '../../src/engine/named-snapshots-unavailable.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('md-lite-');
const now = new Date('2026-04-21T09:00:00Z');

async function standIn(orgType: string) {
  const md = new MotherDuckStandIn(tempDir(), { clock: () => now, orgType });
  await md.createDatabase('databox', 'CREATE SCHEMA analytics; CREATE TABLE analytics.daily AS SELECT range AS id FROM range(10)', now);
  return { md, tools: { target: () => md } };
}

/** A destructive statement on MotherDuck, which the engine puts its named snapshot before, or a read, which it does not. */
function plan(destructive: boolean) {
  const raw = destructive
    ? { id: 'wipe', kind: 'sql', title: 'Empty the daily mart', target: 'motherduck', sql: 'DELETE FROM analytics.daily', mutates: true, destructive: true }
    : { id: 'count', kind: 'sql', title: 'Count the daily mart', target: 'motherduck', sql: 'SELECT count(*) FROM analytics.daily' };
  return resolveSteps([stepSchema.parse(raw)], { root: '/srv', values: { incident_id: 'dbx-20260421-0a1b', now: '20260421T090000Z' }, now, snapshotBefore: { database: 'databox' } });
}

describe('named snapshots on the account', () => {
  it('refuses on Lite, naming the step the snapshot was to undo and what the account keeps instead', async () => {
    const { tools } = await standIn('lite');
    const said = await namedSnapshotsUnavailable(plan(true), tools);
    expect(said).toBe(
      "the MotherDuck account is on the Lite plan (md_user_info() says org_type 'lite'), which cannot take named snapshots: they are a Business-plan feature. " +
        'The bot takes a named snapshot of databox right before each destructive step of this plan ("Empty the daily mart"), as what undoes it, and refuses to change databox without one: ' +
        'CREATE SNAPSHOT would fail there, after the steps before it had run, and a rollback would have no snapshot to restore or to name as its last resort. ' +
        'On Lite only automatic snapshots are kept (1 day on the paid plan, none on the free one), restorable by time, by hand. ' +
        'Move the organization to the Business plan to let the bot make this change, or make it by hand',
    );
  });

  it('lets a Business account through', async () => {
    const { md, tools } = await standIn('business');
    expect(await namedSnapshotsUnavailable(plan(true), tools)).toBeUndefined();
    expect(md.sql()).toEqual(['SELECT org_type FROM md_user_info()']);
  });

  it('does not refuse when the account cannot say its plan: the snapshot step then says what MotherDuck answers', async () => {
    const { md, tools } = await standIn('lite');
    md.failWhen(/md_user_info/, 'Catalog Error: Table Function with name md_user_info does not exist!');
    expect(await namedSnapshotsUnavailable(plan(true), tools)).toBeUndefined();
  });

  it('asks nothing of a plan that takes no named snapshot', async () => {
    const { md, tools } = await standIn('lite');
    expect(await namedSnapshotsUnavailable(plan(false), tools)).toBeUndefined();
    expect(md.sent).toEqual([]);
  });
});
