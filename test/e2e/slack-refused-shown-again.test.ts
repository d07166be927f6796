// Thread messages Slack refused for good (the token revoked, the channel archived), through the real Bolt app over signed
// HTTP against the Slack stand-in: kept, journaled, said by /databox status (a refused rollback offer with the terminal's
// command too, and told to the recovery's approver at once), and shown once, in their final state, when Slack takes the
// bot's messages there again.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { standinBin, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const stage = useStandIns();
const journal = () => journalRecordsOf(stage.checkout);
const carryOverFile = () => path.join(stage.checkout.stateDir, 'slack-carry-over.json');
const running = /step \d+\/\d+ running/;
/** The thread's messages that show a *Roll back…* button now. */
const offers = () => stage.slack.messages().filter((m) => m.blocks.includes('"request_rollback"'));

async function status(bot: Harness): Promise<string> {
  return String((await bot.command('status', 'U0OPERATOR', 'C0OTHER')).json?.text);
}

/** Path A of a diagnosed corrupt file, proposed and waiting: its Approve button. */
async function planWaiting(bot: Harness): Promise<ReturnType<typeof stage.slack.buttons>[number]> {
  await bot.command('diagnose duckdb');
  await bot.settle();
  await bot.click(stage.slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
  await bot.settle();
  return stage.slack.buttons('approve_plan').at(-1)!;
}

function postmortemOf(incident: string): string {
  return writePostmortem({ stateDir: stage.checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: stage.checkout.root, incidentId: incident }).markdown;
}

describe('thread messages Slack refused for good', () => {
  it('are shown after a restart with a working token: the run in its final state, its validation and the rollback offer, once each; the journal and postmortem say so', async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'reloading\n', sleepMs: 3000 } });
    stage.harness = await startBot(checkout, slack);
    const approve = await planWaiting(stage.harness);
    await stage.harness.click(approve, 'U0TEAMMATE');
    await slack.waitFor('full-refresh to start', () => checkout.calls().some((c) => c.command === 'task full-refresh'), 60_000);
    // The app uninstalled mid-recovery: every message is refused for the token from now on.
    slack.refuse = (method) => (method.startsWith('chat.') || method.startsWith('files.') ? 'token_revoked' : undefined);
    await slack.waitFor('the rollback offered', () => journal().some((r) => r.type === 'run.rollback-offered'), 90_000);
    await stage.harness.settle();
    const recovery = String(journal().find((r) => r.type === 'run.rollback-offered')?.data.runId);
    const incident = String(journal().find((r) => r.type === 'incident.opened')?.incident);
    expect(slack.messages().find((m) => m.ts === approve.ts)?.text).toMatch(running);
    expect(journal().filter((r) => r.type === 'slack.not-delivered').map((r) => r.data.what)).toEqual(expect.arrayContaining(['run', 'rollback-offer']));
    await stage.harness.stop();
    stage.harness = undefined;
    expect(JSON.parse(fs.readFileSync(carryOverFile(), 'utf8'))).toEqual(expect.arrayContaining([expect.objectContaining({ what: 'rollback-offer', run: recovery, dropped: expect.objectContaining({ code: 'token_revoked' }) })]));

    // Reinstalled, the new token set, restarted.
    slack.refuse = undefined;
    stage.harness = await startBot(checkout, slack);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 30_000);
    await stage.harness.settle();
    expect(offers().map((m) => [m.ts, m.text, m.updates.length])).toHaveLength(1);
    const plan = slack.messages().find((m) => m.ts === approve.ts)!;
    expect(plan.text).not.toMatch(running);
    // Once each, in order: the validation's message in its final state, its failure, the rollback offer.
    expect(slack.messages().map((m) => m.text.replace(/:.*/s, ''))).toEqual([
      `Incident ${incident}`,
      'Diagnosis finished',
      'Verdict',
      'Recovery succeeded',
      'Validation failed',
      'Validation failed',
      'A rollback is available',
    ]);
    expect(slack.messages().filter((m) => running.test(m.text))).toEqual([]);
    expect(fs.existsSync(carryOverFile())).toBe(false);
    expect(journal().filter((r) => r.type === 'slack.delivered-late').map((r) => r.data.what)).toEqual(expect.arrayContaining(['run', 'rollback-offer']));
    const postmortem = postmortemOf(incident);
    expect(postmortem).toMatch(new RegExp(`Slack refused the rollback offer of .*\`${recovery}\`\\) for good \\(\`token_revoked\`\\), so it was not in the incident's thread; it reached the thread later, at \\d\\d:\\d\\d:\\d\\d`));
    expect(postmortem).toMatch(new RegExp(`The rollback offer of .*\`${recovery}\`\\) reached the incident's thread after all`));
  }, 240_000);

  it("in an archived channel: status lists the refused rollback offer and, after a kill and restart, the channel's refusal (a terminal's status too); unarchived, the thread is caught up", async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'boom\n', stderr: 'error: disk\n', exit: 1 } });
    stage.harness = await startBot(checkout, slack);
    const approve = await planWaiting(stage.harness);
    const incident = String(journal().find((r) => r.type === 'incident.opened')?.incident);
    const archived = (method: string, args: Record<string, any>) => (args.channel !== 'C0INCIDENT' ? undefined : method === 'chat.update' ? 'is_inactive' : method === 'chat.postMessage' ? 'is_archived' : undefined);
    slack.refuse = archived;
    await stage.harness.click(approve, 'U0TEAMMATE');
    await slack.waitFor('the rollback offered', () => journal().some((r) => r.type === 'run.rollback-offered'), 90_000);
    await stage.harness.settle();
    const recovery = String(journal().find((r) => r.type === 'run.rollback-offered')?.data.runId);
    expect(await status(stage.harness)).toContain(
      `*Rollback offer refused by Slack (is_archived), not in the thread:* recovery ${recovery}; it is posted once Slack takes the bot's messages there again. At a terminal, \`npm run --silent cli -- rollback ${recovery}\` proposes its rollback meanwhile.`,
    );
    const postmortem = postmortemOf(incident);
    expect(postmortem).toMatch(new RegExp(`Slack refused the rollback offer of .*\`${recovery}\`\\) for good \\(\`is_archived\`\\), so it was not in the incident's thread: it had not reached Slack`));

    // Killed rather than stopped (no carry-over written), the channel still archived: a terminal's status says what the
    // journal says, and the restarted bot's status says it again.
    await stage.harness.stop();
    fs.rmSync(carryOverFile(), { force: true });
    const env = cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' });
    const terminal = (await runCliProcess(['status'], { env, stdin: 'ignore' })).stdout;
    expect(terminal).toMatch(new RegExp(`incident ${incident}: Slack refused \\d+ thread messages for good since \\d\\d:\\d\\d:\\d\\d UTC \\((is_inactive|is_archived): the channel is archived[^)]*\\), and none has reached its thread since`));
    expect(terminal).toContain(`rollback offer of recovery ${recovery} not in the thread: \`npm run --silent cli -- rollback ${recovery}\` proposes its rollback`);
    stage.harness = await startBot(checkout, slack, {}, undefined, undefined, { slackKeptRetryMs: 1_000 });
    await stage.harness.settle();
    const said = await status(stage.harness);
    expect(said).toMatch(new RegExp(`\\*Slack:\\* <#C0INCIDENT>, the channel of incident \`${incident}\`, refuses the bot's messages since`));
    expect(said).toContain(`*Rollback offer refused by Slack (is_archived), not in the thread:* recovery ${recovery}`);

    // Unarchived: nothing new happens in the incident, and the bot finds out by trying again.
    slack.refuse = undefined;
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 30_000);
    await stage.harness.settle();
    expect(offers().map((m) => m.text)).toHaveLength(1);
    // Once each, in order: the plan's message in its final state, then its failure and the rollback offer.
    expect(slack.messages().map((m) => m.text.replace(/:.*/s, ''))).toEqual([`Incident ${incident}`, 'Diagnosis finished', 'Verdict', 'Recovery failed', 'Recovery failed', 'A rollback is available']);
    expect(slack.messages().find((m) => m.ts === approve.ts)?.text).not.toMatch(running);
    const after = await status(stage.harness);
    expect(after).not.toContain('*Slack:*');
    expect(after).not.toContain('Rollback offer');
    expect((await runCliProcess(['status'], { env, stdin: 'ignore' })).stdout).not.toContain('Slack refused');
  }, 240_000);

  it("tells whoever approved the recovery, through their click's reply link, that its rollback offer could not be posted in an archived channel, with the terminal's command", async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'boom\n', stderr: 'error: disk\n', exit: 1 } });
    stage.harness = await startBot(checkout, slack);
    const approve = await planWaiting(stage.harness);
    slack.refuse = (method, args) => (args.channel !== 'C0INCIDENT' ? undefined : method === 'chat.update' ? 'is_inactive' : method.startsWith('chat.') ? 'is_archived' : undefined);
    await stage.harness.click(approve, 'U0TEAMMATE');
    await slack.waitFor('the rollback offered', () => journal().some((r) => r.type === 'run.rollback-offered'), 90_000);
    await stage.harness.settle();
    const recovery = String(journal().find((r) => r.type === 'run.rollback-offered')?.data.runId);
    await slack.waitFor('the approver told', () => slack.responses.some((r) => String(r.body.text).includes('rollback offer')));
    // Only the approver sees it, through the link of their click: the channel refuses the bot, and Slack keeps that link.
    expect(slack.responses.filter((r) => String(r.body.text).includes('rollback offer')).map((r) => ({ path: r.path, type: r.body.response_type, text: r.body.text }))).toEqual([
      {
        path: '/response/action',
        type: 'ephemeral',
        text: `:warning: The rollback offer for recovery \`${recovery}\` could not be posted in the incident's thread: Slack refused it (is_archived): the channel is archived. At the bot's host, \`npm run --silent cli -- rollback ${recovery}\` proposes its rollback; the offer is posted once Slack takes the bot's messages there again.`,
      },
    ]);
  });

  it('posted again after a restart, a message Slack may have taken keeps its note that an earlier copy may be above', async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'boom\n', exit: 1 } });
    stage.harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 0 }, timeout: 2_000 }, slackRetryDelayMs: () => 300 });
    const approve = await planWaiting(stage.harness);
    // The first new message's answer is cut short (Slack may have posted it), then Slack answers 500s.
    slack.troubled = /^chat\.postMessage$/;
    slack.trouble = [{ status: 200, raw: '{"ok":true,"channel":"C0INCIDENT","ts":"17' }];
    slack.lastingTrouble = { status: 500 };
    await stage.harness.click(approve, 'U0TEAMMATE');
    await slack.waitFor('the rollback offered', () => journal().some((r) => r.type === 'run.rollback-offered'), 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await stage.harness.stop();
    expect(JSON.parse(fs.readFileSync(carryOverFile(), 'utf8'))).toEqual(expect.arrayContaining([expect.objectContaining({ earlierMayHaveLanded: true })]));
    slack.lastingTrouble = undefined;
    const before = slack.callsTo('chat.postMessage').length;
    stage.harness = await startBot(checkout, slack);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 30_000);
    await stage.harness.settle();
    const reposted = slack.callsTo('chat.postMessage').slice(before);
    expect(reposted.filter((p) => String(p.blocks).includes('Slack lost its answer when this message was first sent'))).toHaveLength(1);
  }, 240_000);
});
