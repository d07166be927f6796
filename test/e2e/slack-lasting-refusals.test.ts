// Slack's lasting refusals, through the real Bolt app over signed HTTP against the Slack stand-in: the bot removed from a
// private incident channel, the channel archived mid-run, the bot token expired or revoked. Nothing is retried forever,
// nothing waits on Slack, and whoever asked, /databox status and /healthz say what was refused and what to do.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { standinBin, writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

const journal = () => journalRecordsOf(checkout);

/** What the bot said to one person only: through response URLs, and as ephemeral messages. */
const toldPrivately = () => [...slack.responses.map((r) => String(r.body.text)), ...slack.ephemerals()];

async function status(user = operator): Promise<string> {
  return String((await (harness as Harness).command('status', user)).json?.text);
}

async function health(): Promise<{ status: number; body: any }> {
  const response = await fetch((harness as Harness).url.replace('/slack/events', '/healthz'));
  return { status: response.status, body: await response.json() };
}

/** Path A of a diagnosed corrupt file, proposed and waiting: its Approve button. */
async function planWaiting(): Promise<ReturnType<SlackStandIn['buttons']>[number]> {
  const bot = harness as Harness;
  await bot.command('diagnose duckdb', operator);
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a')[0]!, operator);
  await bot.settle();
  return slack.buttons('approve_plan').at(-1)!;
}

describe("Slack's lasting refusals", () => {
  it('tells whoever asked for a plan Slack refuses for good (the bot removed from the channel) why, and how a terminal approves it; status says it was never shown', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = journal().find((r) => r.type === 'incident.opened')?.incident as string;
    // The bot is removed from the private incident channel: Slack no longer lets it see the channel at all.
    slack.refuse = (method, args) => (args.channel === 'C0INCIDENT' && method.startsWith('chat.') ? 'channel_not_found' : undefined);
    const before = toldPrivately().length;
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();

    const plan = journal().filter((r) => r.type === 'run.proposed').at(-1)?.data.run;
    const [id, hash] = [plan.id as string, (plan.hash as string).slice(0, 8)];
    const told = toldPrivately().slice(before);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(
      new RegExp(
        `^:warning: Plan \`${id}\` \\(Path A: [^)]*\\) could not be posted in its incident's thread: Slack refused it \\(channel_not_found\\): the bot cannot see the channel: it is private and the bot is not in it \\(invite it with /invite @databox-bot\\), or it was deleted\\. It waits for approval all the same until it expires (?:on \\d{4}-\\d\\d-\\d\\d )?at \\d\\d:\\d\\d UTC, shown nowhere in Slack: `,
      ),
    );
    expect(told[0]).toContain(`a terminal approves it, \`npm run --silent cli -- approve ${id} ${hash} --approver "$USER"\`, or rejects it, \`npm run --silent cli -- reject ${id} ${hash}\`.`);
    // Through the click's response URL: the channel, which the bot can no longer see, is not asked.
    expect(slack.responses.at(-1)?.path).toBe('/response/action');
    expect(journal().filter((r) => r.type === 'run.not-shown').map((r) => r.data)).toEqual([{ runId: id, frontEnd: 'slack', reason: expect.stringMatching(/^Slack refused it \(channel_not_found\): /) }]);
    const waiting = await status();
    expect(waiting).toContain(`*Waiting for approval:* \`${id}\``);
    expect(waiting).toContain(`*never shown in Slack* (Slack refused it (channel_not_found): the bot cannot see the channel`);
    expect(waiting).toContain(`a terminal approves it, \`npm run --silent cli -- approve ${id} ${hash} --approver "$USER"\``);
    expect(waiting).toMatch(new RegExp(`\\*Slack:\\* <#C0INCIDENT>, the channel of incident \`${incident}\`, refuses the bot's messages since \\d\\d:\\d\\d:\\d\\d UTC \\(channel_not_found\\)`));
    // A terminal's status, reading the same journal, says it too.
    const env = cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' });
    expect((await runCliProcess(['status'], { env, stdin: 'ignore' })).stdout).toContain(`never shown in Slack: Slack refused it (channel_not_found): the bot cannot see the channel`);

    // The same plan typed, with the bot now invited but not yet a member: the one waiting, said again, with why.
    slack.refuse = (method, args) => (args.channel === 'C0INCIDENT' && method.startsWith('chat.') ? 'not_in_channel' : undefined);
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    await harness.settle();
    expect(slack.responses.at(-1)?.path).toBe('/response/cmd');
    expect(slack.responses.at(-1)?.body.text).toMatch(new RegExp(`^:warning: Plan \`${id}\` .* Slack refused it \\(not_in_channel\\): the bot is not in the channel: invite it with /invite @databox-bot\\. `));
    expect(journal().filter((r) => r.type === 'run.proposed')).toHaveLength(2);

    // Back in the channel, the same command shows the plan in the thread with its buttons; status stops saying otherwise.
    slack.refuse = undefined;
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan').map((b) => JSON.parse(b.value).run)).toEqual([id]);
    const shown = await status();
    expect(shown).toContain(`*Waiting for approval:* \`${id}\``);
    expect(shown).not.toContain('never shown in Slack');
    expect(shown).not.toContain('refuses the bot');
    // The command the note gave approves it at a terminal, pasted as it is (the shell fills in $USER), and it runs.
    const approveCommand = /a terminal approves it, `npm run --silent cli -- ([^`]+)`/.exec(told[0] ?? '')?.[1] ?? '';
    const approved = await runCliProcess(approveCommand.replace('"$USER"', 'alice').split(' '), { env, stdin: 'ignore' });
    expect(approved.code, approved.stderr).toBe(0);
    expect(journal().find((r) => r.type === 'run.approved')).toMatchObject({ actor: 'terminal:alice', data: { runId: id } });
    expect(checkout.calls().filter((c) => c.command === 'task full-refresh')).toHaveLength(1);
    // The postmortem says why nobody could click it meanwhile.
    await harness.command(`postmortem ${incident}`, operator);
    await harness.settle();
    expect(fs.readFileSync(`${checkout.stateDir}/postmortems/${incident}.md`, 'utf8')).toContain(`The plan \`${id}\` (`);
    expect(fs.readFileSync(`${checkout.stateDir}/postmortems/${incident}.md`, 'utf8')).toMatch(/could not be shown in Slack: Slack refused it \(channel_not_found\): the bot cannot see the channel/);
  });

  it('drops the thread messages of an incident whose channel was archived mid-run, names the channel in status, and holds no worker for it', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_WORKERS: '1' });
    const approve = await planWaiting();
    const incident = journal().find((r) => r.type === 'incident.opened')?.incident as string;
    // Archived as the approval comes: posts are is_archived, edits is_inactive.
    slack.refuse = (method, args) => (args.channel !== 'C0INCIDENT' ? undefined : method === 'chat.update' ? 'is_inactive' : method === 'chat.postMessage' ? 'is_archived' : undefined);
    await harness.click(approve, teammate);
    await slack.waitFor('the run and its validation ended', () => journal().some((r) => r.type === 'run.rollback-offered'), 60_000);
    // With one worker, someone else's diagnosis in another channel starts: nothing holds the worker for Slack.
    await harness.command('diagnose duckdb', 'U0SOMEONE', 'C0OTHER');
    await slack.waitFor("the other channel's incident opened", () => slack.callsTo('chat.postMessage').some((p) => p.channel === 'C0OTHER' && !p.thread_ts), 60_000);
    await harness.settle();
    expect(harness.bot.outbox.backlog()).toEqual({ waiting: 0, failingSince: undefined });
    expect(harness.logs.filter((line) => line.msg === 'Slack did not take a message; trying again'), 'a lasting refusal is not retried').toEqual([]);
    const said = await status();
    expect(said).not.toContain('Slack has not taken a thread message');
    expect(said).toMatch(new RegExp(`\\*Slack:\\* <#C0INCIDENT>, the channel of incident \`${incident}\`, refuses the bot's messages since \\d\\d:\\d\\d:\\d\\d UTC \\((is_inactive|is_archived)\\): the channel is archived`));
    expect(said).toMatch(/Slack refused the bot's messages there \d+ times \(each try of a post, an edit or a file counted, not each message\); the journal and the postmortem/);
    // What Slack refused is kept for the next start, to show once the channel takes the bot's messages again.
    await harness.stop();
    harness = undefined;
    const carried = JSON.parse(fs.readFileSync(path.join(checkout.stateDir, 'slack-carry-over.json'), 'utf8')) as { what: string; dropped?: { code: string } }[];
    expect(carried.map((redo) => redo.what)).toEqual(expect.arrayContaining(['run', 'rollback-offer']));
    expect(carried.every((redo) => redo.dropped?.code === 'is_inactive' || redo.dropped?.code === 'is_archived')).toBe(true);
  }, 180_000);

  it('does not keep an approval job, and its worker, waiting for Slack to take the "Approved by" update', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_WORKERS: '1' });
    const approve = await planWaiting();
    // Slack's own trouble, in the incident's channel only: the outbox keeps trying the update, as it should.
    slack.refuse = (method, args) => (args.channel === 'C0INCIDENT' && method === 'chat.update' ? 'service_unavailable' : undefined);
    await harness.click(approve, teammate);
    await slack.waitFor('the run and its validation ended', () => journal().some((r) => r.type === 'run.rollback-offered'), 60_000);
    await harness.command('diagnose duckdb', 'U0SOMEONE', 'C0OTHER');
    await slack.waitFor("the other channel's incident opened", () => slack.callsTo('chat.postMessage').some((p) => p.channel === 'C0OTHER' && !p.thread_ts), 60_000);
    expect(harness.bot.outbox.backlog().waiting, 'the update is still being tried').toBeGreaterThan(0);
    // Once Slack takes it, the plan's message says who approved it, its buttons gone.
    slack.refuse = undefined;
    await harness.settle();
    const planMessage = slack.messages().find((m) => m.ts === approve.ts)!;
    expect(planMessage.blocks).toContain(`Approved by <@${teammate}>`);
    expect(planMessage.blocks).not.toContain('approve_plan');
  }, 180_000);

  it("drops messages at once while Slack refuses the bot's token (token_expired), and says it is the token: in the log, /databox status and /healthz", async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    const approve = await planWaiting();
    expect(await health()).toEqual({ status: 200, body: { ok: true } });
    slack.refuse = (method) => (/^chat\.(postMessage|update)$/.test(method) ? 'token_expired' : undefined);
    await harness.click(approve, teammate);
    await slack.waitFor('the run and its validation ended', () => journal().some((r) => r.type === 'run.rollback-offered'), 60_000);
    await harness.settle();
    expect(harness.logs.filter((line) => line.msg === 'Slack did not take a message; trying again'), 'token_expired is not retried').toEqual([]);
    const dropped = harness.logs.filter((line) => line.slackError === 'token_expired');
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped[0]?.msg).toBe(
      "Slack refuses the bot's token (token_expired), so no message can go: the bot token, SLACK_BOT_TOKEN, has expired: reinstall the app to the workspace for a new bot token (xoxb-…), set it as SLACK_BOT_TOKEN and restart the bot. The message stays in the journal",
    );
    const said = await status();
    expect(said).not.toContain('Slack has not taken a thread message');
    expect(said).toMatch(/\*Slack:\* Slack refuses the bot's token \(token_expired\) since \d\d:\d\d:\d\d UTC, so no message reaches Slack: the bot token, SLACK_BOT_TOKEN, has expired: reinstall the app .* and restart the bot\. Slack refused the bot's messages \d+ times \(each try of a post, an edit or a file counted, not each message\)/);
    expect(said).toContain('a terminal works meanwhile (`npm run --silent cli -- status`)');
    // Reported, not failed: a restart would only stop at the refused token.
    const healthz = await health();
    expect(healthz.status).toBe(200);
    expect(healthz.body).toEqual({ ok: true, slackTokenRefused: { code: 'token_expired', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), advice: expect.stringContaining('set it as SLACK_BOT_TOKEN and restart the bot') } });
  }, 180_000);

  it('says what to do when a diagnosis meets a revoked bot token, with the terminal command that runs it meanwhile', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    slack.refuse = (method) => (method.startsWith('chat.') ? 'token_revoked' : undefined);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    expect(slack.responses.at(-1)?.body.text).toMatch(
      /^:warning: The incident's first message could not be posted\. Slack refused \(token_revoked\): the bot token, SLACK_BOT_TOKEN, was revoked, or the app uninstalled: reinstall the app to the workspace for a new bot token \(xoxb-…\), set it as SLACK_BOT_TOKEN and restart the bot\. Nothing was run: incident `dbx-\d{8}-[0-9a-f]{4}` is on the record as abandoned\. Meanwhile a terminal runs it without Slack: `npm run --silent cli -- diagnose duckdb`\.$/,
    );
    expect((await health()).body.slackTokenRefused?.code).toBe('token_revoked');
    expect(await status()).toContain("*Slack:* Slack refuses the bot's token (token_revoked)");
  });
});
