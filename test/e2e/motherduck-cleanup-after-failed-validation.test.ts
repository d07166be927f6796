// After a swap whose validation failed, the rollback is what the thread offers: no cleanup button (path C would remove
// the name of the snapshot that rollback restores), and a path C typed anyway says plainly which rollback it disarms.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const day = 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;
let incident: string;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 5 * day));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * 3_600_000));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: 'md-cleanup-after-failed-token-02', DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
  const at = utc(Date.now() - day);
  await harness.command(`diagnose motherduck at="${at}"`, operator);
  await harness.settle();
  incident = journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').at(-1)?.incident;
  await harness.command(`recover motherduck path=a at="${at}" incident=${incident}`, operator);
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
  checkout.behave({ 'task verify': { exit: 1, stderr: 'soda: 3 checks failed on analytics\n' } });
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
});
afterAll(() => closeStandIns(harness, slack, checkout));

it('offers the rollback, not the cleanup, after the validation failed', () => {
  expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.finished').at(-1)?.data.status).toBe('failed');
  expect(slack.buttons('request_rollback')).toHaveLength(1);
  expect(slack.buttons('propose_follow_up')).toEqual([]);
  expect(slack.messages().map((m) => `${m.text}\n${m.blocks}`).join('\n')).not.toMatch(/Plan cleanup of/);
});

it('a cleanup typed anyway says which rollback loses the snapshot it restores', async () => {
  await harness.command(`recover motherduck path=c incident=${incident}`, operator);
  await harness.settle();
  const plan = slack.messages().at(-1)!;
  const text = `${plan.text}\n${plan.blocks}`;
  expect(text).toMatch(new RegExp(`The rollback offered for plan ${incident}/3 \\(Path S: Swap the restored clone in \\(second approval\\)\\) restores 'databox_bot_[^']*_swap_[^']*' by its name: this cleanup removes that name, and the rollback is refused after it\\. Roll back first if the recovery is not good`));
});
