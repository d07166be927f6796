// The daemon watcher through the real Bolt app: /databox status counts an alert from the daemon's last heartbeat, as
// the back-to-healthy message does, not from when the watcher first saw it.
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { dagsterUrl, graphqlFixture, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { dagsterWatchEnv } from '../helpers/dagster-watch-env.js';

const operator = 'U0OPERATOR';
const offset = recordedAt.getTime() - Date.now();
const clock = () => new Date(Date.now() + offset);

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

it("says an alerting daemon watcher's start as its recovery does: the last heartbeat before the alert, and when the watcher first saw it", async () => {
  let heartbeating = false;
  serveDagster({
    // Dagster still calls each daemon healthy, but none has heartbeated since 08:00 (an hour before the recorded now).
    DataboxDaemonHealth: () => {
      const answer = graphqlFixture('daemon-health-healthy') as any;
      for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) {
        if (!d.required) continue;
        d.healthy = true;
        d.lastHeartbeatTime = heartbeating ? clock().getTime() / 1000 : Date.parse('2026-04-21T08:00:00Z') / 1000;
      }
      return answer;
    },
    // Its webserver's Date header says Dagster's clock (as uvicorn's does): without it the watcher could not tell at once.
  }, dagsterUrl, clock);
  harness = await startBot(checkout, slack, dagsterWatchEnv, clock);
  await slack.waitFor('the alert', () => slack.allText().includes('Dagster daemon not heartbeating'));
  await harness.bot.watch.idle();

  // The heartbeat's age is told in whole seconds, and the bot's clock runs on as it checks: 08:00 may read 07:59.
  const status = String((await harness.command('status', operator)).text);
  const alerting = /Dagster daemon heartbeat: ALERTING since 2026-04-21 (07:59|08:00) UTC \(1 h[^;)]*; the last heartbeat before the alert, first seen by the watcher at 2026-04-21 09:00 UTC\)/.exec(status);
  expect(alerting, status).not.toBeNull();

  heartbeating = true;
  await harness.bot.watch.checkOnce();
  await harness.settle();
  const recovered = /back to healthy at 09:00 UTC, after 1 h[^(]*\(since (07:59|08:00) UTC, the last heartbeat before the alert; the watcher first saw it at 09:00 UTC\)/.exec(slack.allText());
  expect(recovered, slack.allText()).not.toBeNull();
  // The same start in both.
  expect(recovered?.[1]).toBe(alerting?.[1]);
});
