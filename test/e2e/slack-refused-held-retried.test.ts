// A channel that refuses the bot (archived) while a recovery and its validation run, through the real Bolt app over signed
// HTTP against the Slack stand-in: every thread message made meanwhile is tried (so refused, journaled and kept), none
// is left waiting behind another, and once the channel takes messages again (another incident's message taken there)
// the kept ones are shown at once, without a restart and without waiting for the thread's next try.
import { describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const stage = useStandIns();
const journal = () => journalRecordsOf(stage.checkout);

async function status(bot: Harness): Promise<string> {
  return String((await bot.command('status', 'U0OPERATOR', 'C0OTHER')).json?.text);
}

describe('thread messages made while the channel refuses the bot', () => {
  it('are each tried and refused (the rollback offer too, its approver told), and shown as soon as Slack takes another message in the channel', async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    // The full refresh reports progress while it runs: the validation's and the recovery's messages change often.
    checkout.behave({ 'task full-refresh': { stdout: 'reloading\n', sleepMs: 1500 } });
    stage.harness = await startBot(checkout, slack, {}, undefined, undefined, { slackKeptRetryMs: 600_000 });
    const bot = stage.harness;
    await bot.command('diagnose duckdb');
    await bot.settle();
    await bot.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
    await bot.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;
    slack.refuse = (method, args) => (args.channel === 'C0INCIDENT' && ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(method) ? 'is_archived' : undefined);
    await bot.click(approve, 'U0TEAMMATE');
    await slack.waitFor('the rollback offered', () => journal().some((r) => r.type === 'run.rollback-offered'), 90_000);
    const recovery = String(journal().find((r) => r.type === 'run.rollback-offered')?.data.runId);
    // The rollback offer is tried like every message before it: refused, journaled, and its approver told at once.
    await slack.waitFor('the rollback offer refused', () => journal().some((r) => r.type === 'slack.not-delivered' && r.data.what === 'rollback-offer'), 30_000);
    await slack.waitFor('the approver told', () => slack.responses.some((r) => String(r.body.text).includes(`rollback offer for recovery \`${recovery}\``)), 30_000);
    expect(await status(bot)).not.toContain('the bot keeps trying');

    // The channel unarchived: another incident opened there is taken, and the kept messages follow at once, the
    // rollback offer among them, long before the thread's own next try.
    slack.refuse = undefined;
    writeGarbage(checkout.databasePath);
    await bot.command('diagnose duckdb');
    await slack.waitFor('the rollback offer in the thread', () => slack.buttons('request_rollback').length > 0, 30_000);
    await bot.settle();
    const said = await status(bot);
    expect(said).not.toContain('*Slack:*');
    expect(said).not.toContain('Rollback offer');
  }, 240_000);
});
