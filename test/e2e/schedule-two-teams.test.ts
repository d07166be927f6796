// Scenario 4 through Slack against a Dagster with the stack's code location and another team's: a start Dagster refuses part-way, another team's schedule of the same name, a narrower schedules=, a refused backfill.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { dagsterUrl, killDetachedDaemons, recordedAt } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { quickDaemonStartRunbooks } from '../helpers/quick-daemon-runbooks.js';
import { createMartsDatabase } from '../helpers/schedule-data.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { serveTwoTeamsDagster, type TwoTeamsOptions } from '../helpers/two-teams-dagster.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const offset = recordedAt.getTime() - Date.now();
const clock = () => new Date(Date.now() + offset);
const stackCopy = 'databox.orchestration.definitions/__repository__';
const otherCopy = 'ops_housekeeping/ops_repo';
let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
  await createMartsDatabase(checkout.databasePath, '2026-04-17');
});
afterEach(async () => {
  killDetachedDaemons(checkout);
  nock.cleanAll();
  await closeStandIns(harness, slack, checkout);
});

const env = { DATABOX_RUNBOOKS_DIR: quickDaemonStartRunbooks(), DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' };

/** The bot up against that Dagster, the schedules diagnosed: the incident's id and the webserver's record. */
async function diagnosed(options: TwoTeamsOptions = {}): Promise<{ incident: string; dagster: ReturnType<typeof serveTwoTeamsDagster>; bot: Harness }> {
  const dagster = serveTwoTeamsDagster(checkout, clock, options);
  checkout.behave({ 'task verify': { stdout: 'verify: ok\n' } });
  const bot = await startBot(checkout, slack, env, clock);
  harness = bot;
  await bot.command('diagnose schedule', operator);
  await bot.settle();
  const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
  return { incident, dagster, bot };
}

/** The newest plan's sections, joined: its header, its steps and what it says besides. */
function newestPlan(): string {
  const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1);
  return JSON.parse(String(plan?.blocks)).filter((b: any) => b.type === 'section').map((b: any) => b.text.text).join('\n');
}

async function approveAndWait(bot: Harness, user: string, until: RegExp): Promise<void> {
  await bot.click(slack.buttons('approve_plan').at(-1)!, user);
  await bot.settle();
  await slack.waitFor(String(until), () => until.test(slack.allText()), 90_000);
  await bot.settle();
}

describe('scenario 4 with another team\'s code location beside the stack\'s', () => {
  it('offers the rollback of a start Dagster refused part-way, which stops exactly the schedule it started, and refuses the same recovery typed again', async () => {
    const { incident, dagster, bot } = await diagnosed({ failStartOf: 'usgs_partitioned_daily' });
    await bot.command(`recover schedule path=b incident=${incident}`, operator);
    await bot.settle();
    await approveAndWait(bot, operator, /Recovery failed/);
    expect(dagster.states.get(`${stackCopy}/all_pipelines_daily`)?.status).toBe('RUNNING');
    // Before: no Roll back… button, though all_pipelines_daily had been started.
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 30_000);

    // Before: the same command was proposed again, as if the run had changed nothing.
    const plansBefore = slack.buttons('approve_plan').length;
    const again = await bot.command(`recover schedule path=b incident=${incident}`, operator);
    await bot.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(plansBefore);
    expect(JSON.stringify(again) + slack.ephemerals().join('\n') + JSON.stringify(slack.responses.at(-1)?.body)).toMatch(/diagnose again/i);

    await bot.click(slack.buttons('request_rollback').at(-1)!, operator);
    await bot.settle();
    expect(newestPlan()).toContain(`GraphQL stopRunningSchedule: all_pipelines_daily in __repository__@databox.orchestration.definitions`);
    expect(newestPlan()).not.toContain('stopRunningSchedule: usgs_partitioned_daily');
    await approveAndWait(bot, teammate, /Rollback (succeeded|failed)/);
    expect(slack.allText()).toMatch(/Rollback succeeded/);
    expect(dagster.stopped).toEqual([`${stackCopy}/all_pipelines_daily`]);
    expect(dagster.states.get(`${stackCopy}/all_pipelines_daily`)?.status).toBe('STOPPED');
    expect(dagster.states.get(`${stackCopy}/soda_freshness_hourly`)?.status).toBe('RUNNING');
  }, 240_000);
  it('starts only the copies the verdict proposed: another team\'s STOPPED schedule of the same name, in a repository holding none of the stack\'s jobs, is left off by the plan and the run as the verdict said', async () => {
    const { incident, dagster, bot } = await diagnosed({ sameNameElsewhere: true });
    expect(slack.allText()).toContain("schedule all_pipelines_daily in ops_repo@ops_housekeeping is STOPPED: not the stack's");
    await bot.command(`recover schedule path=b incident=${incident}`, operator);
    await bot.settle();
    // Before: "# starts all_pipelines_daily in ops_repo@ops_housekeeping (STOPPED when this plan was made)".
    expect(newestPlan()).toContain('# starts all_pipelines_daily in __repository__@databox.orchestration.definitions');
    expect(newestPlan()).not.toContain('ops_repo@ops_housekeeping');
    await approveAndWait(bot, operator, /Validation (succeeded|failed)|Recovery (failed|ended)/);
    expect(dagster.started).not.toContain(`${otherCopy}/all_pipelines_daily`);
    expect(dagster.states.get(`${otherCopy}/all_pipelines_daily`)?.status).toBe('STOPPED');
    expect(dagster.states.get(`${stackCopy}/all_pipelines_daily`)?.status).toBe('RUNNING');
  }, 240_000);

  it('refuses a schedule typed in schedules= that only another team\'s repository lists, saying whose it is', async () => {
    const { incident, dagster, bot } = await diagnosed();
    await bot.command(`recover schedule path=b schedules=ops_vacuum_daily incident=${incident}`, operator);
    await bot.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    expect(JSON.stringify(slack.responses.map((r) => r.body)) + slack.ephemerals().join('\n')).toContain(
      "ops_vacuum_daily is listed only in ops_repo@ops_housekeeping: not the stack's (that repository holds no job all_pipelines, which __repository__@databox.orchestration.definitions holds), so not started",
    );
    expect(dagster.started).toEqual([]);
  }, 240_000);
  it('says which paused schedules a narrower schedules= leaves out, and that they stay STOPPED, rather than that the diagnosis did not look at them; a schedule it did not propose is still warned of', async () => {
    const { incident, bot } = await diagnosed();
    await bot.command(`recover schedule path=b schedules=all_pipelines_daily incident=${incident}`, operator);
    await bot.settle();
    // Before: "The diagnosis looked at schedules=all_pipelines_daily,usgs_partitioned_daily; this plan is for schedules=all_pipelines_daily, which it did not look at."
    expect(newestPlan()).toContain(
      'The diagnosis looked at schedules=all_pipelines_daily,usgs_partitioned_daily; this plan is for schedules=all_pipelines_daily, which leaves out usgs_partitioned_daily (left STOPPED: not started by this plan).',
    );
    expect(newestPlan()).not.toContain('which it did not look at');
    await bot.command(`recover schedule path=b schedules=all_pipelines_daily,soda_freshness_hourly incident=${incident}`, operator);
    await bot.settle();
    expect(newestPlan()).toContain('this plan is for schedules=all_pipelines_daily,soda_freshness_hourly, which it did not look at.');
  }, 240_000);
  it('says in the rollback plan that a backfill is not undone only when the recovery launched one: not after Dagster refused the launch', async () => {
    const { incident, dagster, bot } = await diagnosed({ failBackfill: true });
    await bot.command(`recover schedule path=b incident=${incident}`, operator);
    await bot.settle();
    await approveAndWait(bot, operator, /Recovery failed/);
    expect(dagster.launched).toHaveLength(1);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 30_000);
    await bot.click(slack.buttons('request_rollback').at(-1)!, operator);
    await bot.settle();
    const rollbackPlan = String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1)?.blocks);
    expect(rollbackPlan).toContain('GraphQL stopRunningSchedule: all_pipelines_daily in __repository__@databox.orchestration.definitions');
    // Before: "# not undone by this rollback: a backfill the recovery launched, whose runs go on writing the marts; …".
    expect(rollbackPlan).not.toMatch(/not undone by this rollback|backfill the recovery launched|Cancel backfill/);
  }, 240_000);
});
