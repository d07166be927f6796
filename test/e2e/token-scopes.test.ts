// A bot token without a scope manifest.yml asks for (an app installed before the scope was added), through the real
// Bolt app: the start names what the token lacks, and a click or command that needs it is refused naming the scope and
// who can add it, not "try again in a moment".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import { manifestScopes, type SlackStandIn } from '../helpers/slack-stand-in.js';
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
const scopeErrors = () => (harness as Harness).logs.filter((l) => l.level >= 50 && /^the bot's token lacks/.test(String(l.msg)));

describe('a bot token without a scope the manifest asks for', () => {
  it('is named at start, and an Approve click or a typed recover that needs users:read is refused saying so, not "try again"', async () => {
    writeGarbage(checkout.databasePath);
    slack.scopes = manifestScopes.filter((s) => s !== 'users:read');
    // The operator is named by ID: Slack is not asked who they are, so their plan can wait for an approval.
    harness = await startBot(checkout, slack, { DATABOX_REQUESTERS: operator });
    expect(scopeErrors().map((l) => l.msg)).toEqual([
      "the bot's token lacks users:read, which manifest.yml asks for: add it to the Slack app (OAuth & Permissions, or paste manifest.yml again) and reinstall the app to the workspace. Until then every approval, and every recovery or rollback asked for by someone DATABOX_REQUESTERS does not name by ID, is refused",
    ]);
    expect(scopeErrors()[0]?.missing).toEqual(['users:read']);

    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const told = slack.ephemerals(teammate).at(-1) ?? '';
    expect(told).toBe(
      ":no_entry_sign: Slack would not tell the bot who you are (users.info: missing_scope), so the click was refused; nothing was approved. Trying again will not help: the bot's token lacks the users:read scope (an app installed before the scope was added to manifest.yml). Tell whoever runs databox-bot to add it and reinstall the app",
    );
    expect(journal().filter((r) => r.type === 'approval.refused').map((r) => r.data.reason)).toEqual([told.replace(':no_entry_sign: ', '')]);
    expect(checkout.calls(), 'nothing ran').toEqual([]);

    const incident = journal().find((r) => r.type === 'incident.opened')?.incident as string;
    const typed = await harness.command(`recover duckdb path=a incident=${incident}`, teammate);
    await harness.settle();
    const refusal = [String(typed.json?.text ?? ''), ...slack.responses.map((r) => String(r.body.text))].find((t) => /users:read/.test(t)) ?? '';
    expect(refusal).toMatch(/Slack would not tell the bot who you are \(users\.info: missing_scope\), so the request was refused; nothing was proposed\. Trying again will not help: the bot's token lacks the users:read scope/);
    expect(refusal).not.toMatch(/Try again in a moment/);
  });

  it('names at start every scope the token lacks, and nothing when it has them all or Slack does not say', async () => {
    slack.scopes = ['commands', 'chat:write'];
    harness = await startBot(checkout, slack);
    expect(scopeErrors()).toHaveLength(1);
    expect(scopeErrors()[0]?.missing).toEqual(['chat:write.public', 'files:write', 'users:read', 'usergroups:read']);
    expect(scopeErrors()[0]?.msg).toMatch(/^the bot's token lacks chat:write\.public, files:write, users:read and usergroups:read, which manifest\.yml asks for: /);
    await harness.stop();

    slack.scopes = [...manifestScopes];
    harness = await startBot(checkout, slack);
    expect(scopeErrors()).toEqual([]);
    await harness.stop();

    // A Slack (or a proxy) that sends no x-oauth-scopes: nothing can be told, so nothing is said.
    slack.scopes = undefined;
    harness = await startBot(checkout, slack);
    expect(scopeErrors()).toEqual([]);
  });
});
