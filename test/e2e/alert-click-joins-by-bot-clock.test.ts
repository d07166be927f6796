// A click on a second alert joins the incident the first opened, judged by the bot's own clock (the one that stamped
// the incident), not the host's: under a clock set apart from it, the incident is still worked on.
import nock from 'nock';
import { afterEach, expect, it } from 'vitest';
import { startBot } from '../helpers/bot-harness.js';
import { daemonHealthyNow, dagsterUrl, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { createMartsDatabase } from '../helpers/schedule-data.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';
import { dailyScheduleAnswer } from '../helpers/daily-schedule-answer.js';
import { dagsterWatchEnv } from '../helpers/dagster-watch-env.js';

blockNetwork();
const stage = useStandIns();
afterEach(() => nock.cleanAll());

it("joins a second alert's click to the incident the first click opened, by the bot's clock", async () => {
  // The bot's clock months before the host's: the incident it stamps is minutes old by it, months old by the host's.
  let now = recordedAt.getTime();
  const clock = () => new Date(now);
  await createMartsDatabase(stage.checkout.databasePath, '2026-04-20');
  const daemonStopped = () => {
    const answer = daemonHealthyNow(clock)() as any;
    for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) if (d.required) d.lastHeartbeatTime = clock().getTime() / 1000 - 3600;
    return answer;
  };
  serveDagster({
    DataboxRepositories: 'repositories',
    DataboxWorkspace: 'workspace-loaded',
    DataboxDaemonHealth: daemonStopped,
    DataboxSchedules: () => dailyScheduleAnswer(),
    // Its webserver's Date header says Dagster's clock (as uvicorn's does): without it the daemon watcher could not tell at once.
  }, dagsterUrl, clock);
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, dagsterWatchEnv, clock));
  const { slack } = stage;
  await slack.waitFor('two alerts', () => slack.buttons('open_incident_from_alert').length >= 2);
  await harness.bot.watch.idle();
  const [first, second] = slack.buttons('open_incident_from_alert');

  await harness.click(first!, 'U0ONCALL');
  await slack.waitFor('the verdict', () => slack.callsTo('chat.postMessage').some((m) => String(m.text).startsWith('Verdict:')), 60_000);
  await harness.settle();
  now += 2 * 60_000;
  await harness.click(second!, 'U0SECOND');
  await slack.waitFor('the join', () => slack.allText().includes('<@U0SECOND> joined incident'), 30_000);
  await harness.settle();

  const opened = journalRecordsOf(stage.checkout).filter((r) => r.type === 'incident.opened');
  expect(opened).toHaveLength(1);
  expect(slack.allText()).toContain(`<@U0SECOND> joined incident \`${opened[0]?.incident}\``);
});
