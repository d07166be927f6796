// /databox status while Slack fails a thread message that the Web API client is still trying again: said at once,
// through the real Bolt app over signed HTTP against the Slack stand-in, and gone once Slack takes the message.
import type { FetchFunction } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webApiPolicy } from '../../src/slack/app.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';

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

async function status(): Promise<string> {
  return String((await (harness as Harness).command('status', operator)).json?.text);
}

describe('/databox status while Slack fails a thread message', () => {
  it('says Slack has not taken it as soon as Slack failed a try the client tries again, and says nothing once Slack takes it', async () => {
    // The bot's fetch, seen from inside: resolves once Slack has answered an edit with an error.
    let editFailed!: () => void;
    const failedEdit = new Promise<void>((resolve) => (editFailed = resolve));
    const inner = webApiPolicy.fetch as FetchFunction;
    const seeing: FetchFunction = async (url, init) => {
      const response = await inner(url, init);
      if (String(url).endsWith('/chat.update') && !response.ok) editFailed();
      return response;
    };
    // The client retries as the bot's does (quickly here); the outbox only hears of a failure once the client gives up.
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { fetch: seeing, retryConfig: { ...webApiPolicy.retryConfig, minTimeout: 10, maxTimeout: 20 } } });
    // The diagnosis' first edit of its message answered 500, the client's retry of it left unanswered.
    slack.troubled = /^chat\.update$/;
    slack.trouble = [{ status: 500 }, 'silence'];
    await harness.command('diagnose duckdb', operator);
    await failedEdit;
    // The 500 has gone through the bot's own noting of it (a turn of the event loop after the answer came back).
    await new Promise((resolve) => setImmediate(resolve));
    // Before: no Slack line for the 10 s an unanswered try is given, though Slack had already answered no.
    expect(await status()).toMatch(/\n\*Slack:\* Slack has not taken a thread message since \d\d:\d\d:\d\d UTC; the bot keeps trying; \d+ thread messages? waits? to go, in order\./);
    await expect.poll(() => slack.callsTo('chat.update').length).toBeGreaterThanOrEqual(2);
    slack.dropHeld();
    await harness.settle();
    expect(await status()).not.toContain('*Slack:*');
  }, 90_000);
});
