// A silenced alert ("Paused on purpose…") across a restart of the bot on the same state dir: still silent while the
// silence holds, read back from the journal, and its reminders back once the silence has ended.
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { daemonHealthyNow, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { dailyScheduleAnswer } from '../helpers/daily-schedule-answer.js';
import { dagsterWatchEnv } from '../helpers/dagster-watch-env.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(async () => {
  nock.cleanAll();
  await closeStandIns(harness, slack, checkout);
});

const minute = 60_000;
const reminders = (alertTs: string | undefined) => slack.callsTo('chat.postMessage').filter((m) => alertTs !== undefined && m.thread_ts === alertTs && String(m.text).startsWith(':alarm_clock:'));

it('keeps a silenced alert silent across a restart of the bot, and reminds again once the silence has ended', async () => {
  let now = recordedAt.getTime();
  const clock = () => new Date(now);
  serveDagster({
    DataboxRepositories: 'repositories',
    DataboxWorkspace: 'workspace-loaded',
    DataboxDaemonHealth: daemonHealthyNow(clock),
    DataboxSchedules: () => dailyScheduleAnswer(),
  });
  // Checks by hand after the first; reminders every 4 h (the default) were it not silenced.
  harness = await startBot(checkout, slack, dagsterWatchEnv, clock);
  await slack.waitFor('the paused schedule alert', () => slack.buttons('silence_alert').length === 1);
  await harness.bot.watch.idle();
  const [silence] = slack.buttons('silence_alert');
  await harness.click(silence!, 'U0ONCALL');
  await harness.settle();
  await harness.submitModal('U0ONCALL', slack.lastForm(), { reason: 'upstream API migration, back Monday', until: '2d' });
  await harness.settle();
  expect(journalRecordsOf(checkout).filter((r) => r.type === 'watch.silenced')).toHaveLength(1);

  // Restarted a day in, past several reminder intervals: the new bot reads the silence back and stays silent.
  now += 24 * 60 * minute;
  await harness.stop();
  harness = await startBot(checkout, slack, dagsterWatchEnv, clock);
  await slack.waitFor('the first check after the restart', () => harness?.bot.watch.lastCheck('schedules') !== undefined);
  await harness.bot.watch.idle();
  for (let hour = 25; hour <= 47; hour += 1) {
    now = recordedAt.getTime() + hour * 60 * minute;
    await harness.bot.watch.checkOnce();
  }
  expect(reminders(silence?.ts)).toEqual([]);
  expect(harness.bot.watch.statusLines().find((line) => line.includes('Dagster schedules'))).toContain('; reminders silenced by U0ONCALL until 2026-04-23 09:00 UTC: upstream API migration, back Monday');
  expect(journalRecordsOf(checkout).filter((r) => r.type === 'watch.reminded')).toEqual([]);

  // Its silence over (09:00 on the 23rd), the next check reminds, once, and the status no longer says it is silenced.
  now = recordedAt.getTime() + 48 * 60 * minute + minute;
  await harness.bot.watch.checkOnce();
  expect(reminders(silence?.ts).map((m) => String(m.reply_broadcast))).toEqual(['true']);
  expect(harness.bot.watch.statusLines().find((line) => line.includes('Dagster schedules'))).not.toContain('reminders silenced');
  await harness.bot.watch.checkOnce();
  expect(reminders(silence?.ts)).toHaveLength(1);
});
