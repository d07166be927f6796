// Answers after the ack whose reply link (the response URL) is refused, through the real Bolt app: they go by
// chat.postEphemeral instead, or are logged with a reference when Slack refuses that too; nothing ends the bot.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { postSigned, slashCommandBody } from '../helpers/signed-request.js';
import { refusedReplyLink } from '../helpers/refused-url.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  writeGarbage(checkout.databasePath);
});
afterEach(() => closeStandIns(harness, slack, checkout));

/** `/databox <text>` typed by `user`, whose reply link is refused. */
async function typedWithRefusedLink(text: string, user: string): Promise<{ status: number; json?: any }> {
  return postSigned(harness.url, slashCommandBody(text, { user_id: user, response_url: await refusedReplyLink() }));
}

/** A backfill window of days already over wherever the test runs. */
function window(): { from: string; to: string } {
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  return { from: day(10), to: day(5) };
}

/**
 * A diagnosis whose incident's first message Slack holds back a second (429), and the same diagnosis typed again by the
 * teammate in other words (a date with a space after it, inside quotes): it finds the first one running, not one typed
 * the same, and is told where it is only once the incident opens, after its ack.
 */
async function joinRunningDiagnosis(): Promise<void> {
  const { from, to } = window();
  slack.trouble = [{ status: 429, retryAfter: 1 }];
  harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } } });
  await harness.command(`diagnose backfill source=ebird from=${from} to=${to}`, operator);
  const joiner = await typedWithRefusedLink(`diagnose backfill source=ebird from="${from} " to=${to}`, teammate);
  expect(joiner.json?.text, 'nothing is said in the ack: the incident is not open yet').toBeUndefined();
  await slack.waitFor('the incident to open', () => slack.callsTo('chat.postMessage').some((m) => !m.thread_ts && /^Incident dbx-/.test(String(m.text))), 30_000);
  await harness.settle();
}

const joinedTold = /^:link: This database is already being diagnosed: you joined incident `dbx-\d{8}-[0-9a-f]{4}`/;

describe('an answer after the ack whose reply link is refused', () => {
  it('tells a joiner of a running diagnosis by chat.postEphemeral in the channel, and logs the refused link', async () => {
    await joinRunningDiagnosis();
    expect(slack.ephemerals(teammate)).toEqual([expect.stringMatching(joinedTold)]);
    expect(slack.callsTo('chat.postEphemeral')[0]?.channel).toBe('C0INCIDENT');
    const instead = harness.logs.filter((l) => l.msg === 'a message for one person went by chat.postEphemeral instead');
    expect(instead).toHaveLength(1);
    expect(instead[0]?.failed).toEqual([expect.stringMatching(/^the command's reply link: .*ECONNREFUSED/)]);
    expect(instead[0]?.user).toBe(teammate);
  });

  it('logs what reached nobody, with its cause and a reference, when Slack refuses chat.postEphemeral too', async () => {
    slack.failures.set('chat.postEphemeral', 'internal_error');
    await joinRunningDiagnosis();
    const lost = harness.logs.filter((l) => l.msg === 'a message for one person reached nobody: every way to tell them failed');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.level).toBe(50);
    expect(lost[0]?.reference).toMatch(/^ERR-[0-9a-f]{8}$/);
    expect(lost[0]?.text).toMatch(joinedTold);
    expect(lost[0]?.incident).toMatch(/^dbx-\d{8}-[0-9a-f]{4}$/);
    expect(lost[0]?.failed).toEqual([expect.stringMatching(/^the command's reply link: .*ECONNREFUSED/), expect.stringMatching(/^chat\.postEphemeral: .*internal_error/)]);
    // Still answering.
    expect((await harness.command('status', operator)).json?.text).toContain('Partial backfill of a single source, opened');
  });

  it('gives a refusal found after the ack (a recovery with no path, a backfill with no source) by chat.postEphemeral', async () => {
    harness = await startBot(checkout, slack);
    for (const text of ['recover duckdb', 'diagnose backfill']) {
      const ack = await typedWithRefusedLink(text, operator);
      expect(ack.status).toBe(200);
    }
    await harness.settle();
    const told = slack.ephemerals(operator);
    expect(told).toHaveLength(2);
    expect(told).toEqual(expect.arrayContaining([expect.stringMatching(/^:warning: which recovery path of duckdb\? /), ':warning: missing source=ebird|noaa|usgs: the source whose window went bad']));
  });
});

describe("a click's answer that chat.postEphemeral refuses", () => {
  it("tells a second clicker on an alert that joined the first click's incident through the click's reply link", async () => {
    slack.failures.set('chat.postEphemeral', 'internal_error');
    slack.trouble = [{ status: 429, retryAfter: 1 }];
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } } });
    const alert = { actionId: 'open_incident_from_alert', value: JSON.stringify({ scenario: 'duckdb', watcher: 'database' }), text: 'Diagnose', channel: 'C0INCIDENT', ts: '1700000099.000100' };
    await harness.click(alert, operator);
    await harness.click(alert, teammate);
    await harness.settle();
    expect(slack.responses.map((r) => r.body.text)).toEqual([expect.stringMatching(/^:link: This alert already has incident `dbx-\d{8}-[0-9a-f]{4}` \(.*\), opened by <@U0OPERATOR>: you joined it/)]);
    expect(harness.logs.filter((l) => l.msg === "a message for one person went by the click's reply link instead")).toHaveLength(1);
  });

  it("tells a second clicker on a recovery path that the same plan already waits, through the click's reply link", async () => {
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const [pathA] = slack.buttons('choose_path_a');
    await harness.click(pathA!, operator);
    await harness.settle();
    slack.failures.set('chat.postEphemeral', 'internal_error');
    await harness.click(pathA!, teammate);
    await harness.settle();
    expect(slack.responses.map((r) => r.body.text)).toEqual([expect.stringMatching(/^:link: The same plan already waits for approval: `dbx-\d{8}-[0-9a-f]{4}\/2` in the incident's thread\. Nothing new was proposed\.$/)]);
    const instead = harness.logs.filter((l) => l.msg === "a message for one person went by the click's reply link instead");
    expect(instead).toHaveLength(1);
    expect(instead[0]?.failed).toEqual([expect.stringMatching(/^chat\.postEphemeral: .*internal_error/)]);
  });

  it("tells one who approves their own plan why not, through the click's reply link", async () => {
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    slack.failures.set('chat.postEphemeral', 'internal_error');
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    // Told without the job waiting for it (an approval's place in the queue is not held up by Slack).
    await slack.waitFor("the click's reply link", () => slack.responses.length > 0);
    expect(slack.responses.map((r) => r.body.text)).toEqual([expect.stringMatching(/^:no_entry_sign: /)]);
    expect(checkout.calls()).toEqual([]);
  });

  it('logs with a reference what a form sent again could not be told, Slack refusing chat.postEphemeral (a submission has no reply link)', async () => {
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const view = JSON.parse(String(slack.callsTo('views.open').at(-1)?.view));
    const backup = checkout.path('backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    await harness.submitModal(operator, view, { backup });
    await harness.settle();
    slack.failures.set('chat.postEphemeral', 'internal_error');
    expect((await harness.submitModal(operator, view, { backup })).status).toBe(200);
    await harness.settle();
    const lost = harness.logs.filter((l) => l.msg === 'a message for one person reached nobody: every way to tell them failed');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: 50, reference: expect.stringMatching(/^ERR-[0-9a-f]{8}$/), user: operator, action: 'modal', failed: [expect.stringMatching(/^chat\.postEphemeral: .*internal_error/)] });
    expect(lost[0]?.text).toMatch(/^:link: The same plan already waits for approval/);
    expect(slack.buttons('approve_plan')).toHaveLength(1);
  });

  it("tells one who clicks a follow-up whose diagnosis is already running that they joined it, through the click's reply link", async () => {
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } } });
    // An incident to follow up from.
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const [followedUp] = slack.buttons('write_postmortem');
    // The diagnosis the follow-up offers, typed and not open yet (Slack holds its first message back a second).
    const { from, to } = window();
    slack.failures.set('chat.postEphemeral', 'internal_error');
    slack.trouble = [{ status: 429, retryAfter: 1 }];
    await harness.command(`diagnose backfill source=ebird from=${from} to=${to}`, operator);
    const offer = { incident: followedUp!.value, scenario: 'backfill', params: { source: 'ebird', from, to } };
    await harness.click({ actionId: 'open_follow_up_0', value: JSON.stringify(offer), text: 'Diagnose ebird', channel: followedUp!.channel, ts: followedUp!.ts }, teammate);
    await harness.settle();
    expect(slack.responses.map((r) => r.body.text)).toEqual([
      expect.stringMatching(new RegExp(`^:link: \`diagnose backfill source=ebird from=${from} to=${to}\` is already running: you joined incident \`dbx-\\d{8}-[0-9a-f]{4}\``)),
    ]);
  });
});
