// One mutating plan per database target, through the real Bolt app over signed HTTP: a plan running on MotherDuck (the
// stand-in, held mid-statement) does not block one on the local DuckDB file, a second MotherDuck plan is refused while
// it runs, and "has changed since" is judged per target too.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
const at = (hoursAgo = 24) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  const create = createTablesSql(marts);
  await md.createDatabase('databox', create, new Date(Date.now() - 48 * 3_600_000));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * 3_600_000));
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: 'md-locks-token-0003' }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: localTarget(checkout.databasePath) },
  });
});
afterAll(() => closeStandIns(harness, slack, checkout));

const newestPlan = () => slack.buttons('approve_plan').at(-1)!;
const finished = (runId: string) => journalRecordsOf(checkout).find((r) => r.type === 'run.finished' && r.data.runId === runId)?.data.status;
const newestRunId = () => journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed').at(-1)?.data.runId as string;

async function propose(command: string): Promise<{ button: ReturnType<typeof newestPlan>; runId: string }> {
  await harness.command(command, operator);
  await harness.settle();
  return { button: newestPlan(), runId: newestRunId() };
}

describe('one mutating plan per target', () => {
  it('runs a local plan beside a running MotherDuck plan, refuses a second MotherDuck plan, and judges "changed since" per target', async () => {
    // Proposed first, all three: the local file's path A, and two MotherDuck plans.
    const local = await propose('recover duckdb path=a');
    // Another moment than the next one's: the same recover typed again would find this plan waiting, not make a second.
    const stale = await propose(`recover motherduck path=b at="${at(25)}"`);
    const running = await propose(`recover motherduck path=b at="${at()}"`);

    const hold = md.holdWhen(/SNAPSHOT_TIME/);
    await harness.click(running.button, teammate);
    await hold.reached;
    try {
      const responses = slack.responses.length;
      await harness.command(`recover motherduck path=b at="${at()}"`, operator);
      await slack.waitFor('the refusal', () => slack.responses.length > responses);
      expect(slack.responses.at(-1)?.body.text).toMatch(
        new RegExp(`refused: md:databox is held by plan ${running.runId} \\(Path B: .*\\), requested by <@${operator}> and approved by <@${teammate}>, which is running`),
      );

      // The local file is another target: its plan (made before the MotherDuck plan started) is neither locked nor stale.
      await harness.click(local.button, teammate);
      await slack.waitFor('the local plan to finish', () => finished(local.runId) !== undefined);
      expect(finished(local.runId)).toBe('succeeded');
      expect(checkout.calls().map((c) => c.command)).toContain('task full-refresh');
      expect(finished(running.runId), 'the MotherDuck plan is still running').toBeUndefined();
    } finally {
      hold.release();
    }
    await harness.settle();
    expect(finished(running.runId)).toBe('succeeded');
    expect(await md.value('databox', count)).toBe('100');

    // A MotherDuck plan made before that one ran describes a state that is gone.
    await harness.click(stale.button, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(new RegExp(`md:databox has changed since this plan was made: plan ${running.runId} `));
    expect(finished(stale.runId)).toBeUndefined();
  });
});
