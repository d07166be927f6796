// Slack failing every edit (chat.update) while it takes new messages: the thread's new messages (the verdict with its
// buttons, a failure) still reach it, in order, through the real Bolt app over signed HTTP against the Slack stand-in;
// the edits (the incident's status line, the run's message) follow with the latest state once Slack takes edits again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

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
  slack.lastingTrouble = undefined;
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

/** The bot retries quickly here; the client itself does not (one request, one call recorded). */
function quickRetries(): Parameters<typeof startBot>[5] {
  return { clientOptions: { retryConfig: { retries: 0 } }, slackRetryDelayMs: () => 100 };
}

/** Whether Slack took a new message whose text starts so. */
function posted(startsWith: string): boolean {
  return slack.calls.some((c) => c.method === 'chat.postMessage' && c.result?.ok && String(c.args.text).startsWith(startsWith));
}

function editsTaken(): number {
  return slack.calls.filter((c) => c.method === 'chat.update' && c.result?.ok).length;
}

/** Slack fails every edit from now on (HTTP 500), however often the bot tries again; new messages it takes. */
function failEveryEdit(): void {
  slack.troubled = /^chat\.update$/;
  slack.lastingTrouble = { status: 500 };
}

describe('Slack failing every edit while it takes new messages', () => {
  it("posts the verdict with its buttons while the incident's status line and the run's message cannot be edited, and edits them once Slack takes edits", async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, quickRetries());
    failEveryEdit();
    await harness.command('diagnose duckdb', operator);

    await slack.waitFor('the verdict in the thread', () => posted('Verdict:'), 60_000);
    expect(editsTaken(), 'Slack took no edit meanwhile').toBe(0);
    expect(slack.calls.filter((c) => c.method === 'chat.update').length, 'the edits were tried').toBeGreaterThan(0);
    const verdict = slack.messages().find((m) => m.text.startsWith('Verdict:'))!;
    expect(slack.buttons('choose_path_a').map((b) => b.ts)).toEqual([verdict.ts]);
    // New messages kept their order: the diagnosis' message, then its verdict.
    const thread = slack.messages().filter((m) => m.threadTs);
    expect(thread.map((m) => m.text.split(':')[0])).toEqual([expect.stringMatching(/^Diagnosis/), 'Verdict']);
    // The edits still wait, and /databox status says Slack is not taking the thread's messages.
    expect(String((await harness.command('status', teammate)).json?.text)).toMatch(/\*Slack:\* Slack has not taken a thread message since \d\d:\d\d:\d\d UTC; the bot keeps trying/);

    slack.lastingTrouble = undefined;
    await harness.settle();
    const [root, diagnosis] = slack.messages();
    expect(root?.threadTs).toBeUndefined();
    expect(root?.updates.length, "the incident's status line was edited").toBeGreaterThan(0);
    expect(root?.blocks).not.toContain('starting');
    expect(diagnosis?.text).toMatch(/^Diagnosis finished/);
    expect(String((await harness.command('status', teammate)).json?.text)).not.toContain('*Slack:*');
  }, 120_000);

  it("posts a recovery's failure while its message cannot be edited, not sending the reader to that message for its steps", async () => {
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { exit: 1, stderr: 'reload failed\n' } });
    harness = await startBot(checkout, slack, {}, undefined, undefined, quickRetries());
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;

    failEveryEdit();
    await harness.click(approve, teammate);
    await slack.waitFor('the failure in the thread', () => posted('Recovery failed'), 60_000);
    const failure = slack.messages().find((m) => m.text.startsWith('Recovery failed'))!;
    expect(failure.blocks).toContain("Slack is failing the edit of the run's message above, which shows them once Slack takes it.");
    expect(failure.blocks).not.toContain("every step is in the run's message above");

    slack.lastingTrouble = undefined;
    await harness.settle();
    expect(slack.messages().find((m) => m.ts === approve.ts)?.text).toMatch(/^Recovery failed/);
  }, 120_000);
});
