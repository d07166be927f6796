// A failed step's long output that Slack will not take as a file (a token without files:write, a public channel the bot
// never joined), through the real Bolt app: the run's message says it is attached only once Slack took it; otherwise it
// keeps naming the file in the state dir and says why Slack refused it. The journal holds the upload's outcome.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
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
const attachedLine = 'The whole output is attached to this thread as a file: `';
const keptLine = /The whole output \(\d+ bytes\) is kept in the bot's state dir: \S*full.refresh/;

/** Path A approved and run, its reload failing with a long output: the plan's message as it reads once all is sent. */
async function failedRunMessage(): Promise<string> {
  writeGarbage(checkout.databasePath);
  checkout.behave({ 'task full-refresh': { exit: 2, repeat: { text: 'dlt: load failed for raw_ebird …\n', times: 200 } } });
  const bot = harness as Harness;
  await bot.command('diagnose duckdb', operator);
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a')[0]!, operator);
  await bot.settle();
  const approve = slack.buttons('approve_plan').at(-1)!;
  await bot.click(approve, teammate);
  await bot.settle();
  const plan = slack.messages().find((m) => m.ts === approve.ts);
  expect(plan?.blocks).toContain('exit 2');
  return plan?.blocks ?? '';
}

describe("a failed step's long output Slack will not take as a file", () => {
  it('is not said to be attached when the token lacks files:write: the state dir keeps it, and the message says why Slack refused', async () => {
    slack.scopes = manifestScopes.filter((s) => s !== 'files:write');
    harness = await startBot(checkout, slack);
    const blocks = await failedRunMessage();
    expect(slack.uploads).toHaveLength(0);
    expect(blocks).not.toContain(attachedLine);
    expect(blocks).toMatch(keptLine);
    expect(blocks).toContain(
      '_Slack would not take it as a file in this thread (missing_scope): the bot token lacks a scope this needs, files:write. Tell whoever runs databox-bot to add it and reinstall the app._',
    );
    const outcome = journal().filter((r) => r.type.startsWith('step.output-'));
    expect(outcome).toEqual([expect.objectContaining({ type: 'step.output-refused', data: expect.objectContaining({ stepId: 'full_refresh', error: 'missing_scope' }) })]);
    const incidentId = journal().find((r) => r.type === 'incident.opened')?.incident as string;
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId }).markdown;
    // The full refresh, path A's last step, whatever its number.
    expect(postmortem).toMatch(/Slack would not take the whole output of Path A step (\d+)\/\1 as a file in the incident's thread \(missing\\?_scope\); the state dir keeps it/);
  });

  // Said in the words of Slack's one list of lasting refusals (lasting-refusals.ts), as every other refusal is.
  it.each([
    ['in a public channel the bot never joined', 'not_in_channel', 'the bot is not in the channel: invite it with /invite @databox-bot'],
    ['where a workspace setting keeps the bot from posting', 'restricted_action', 'a workspace setting keeps the bot from posting in the channel'],
  ])('is not said to be attached when Slack will not share it %s (%s)', async (_, code, means) => {
    harness = await startBot(checkout, slack);
    slack.failures.set('files.completeUploadExternal', code);
    const blocks = await failedRunMessage();
    expect(blocks).not.toContain(attachedLine);
    expect(blocks).toMatch(keptLine);
    expect(blocks).toContain(`_Slack would not take it as a file in this thread (${code}): ${means}._`);
    expect(journal().filter((r) => r.type.startsWith('step.output-')).map((r) => [r.type, r.data.error])).toEqual([['step.output-refused', code]]);
  });

  it('is said to be attached once Slack took it, and the journal says so', async () => {
    harness = await startBot(checkout, slack);
    const blocks = await failedRunMessage();
    expect(slack.uploads.at(-1)?.bytes.toString()).toContain('dlt: load failed for raw_ebird');
    expect(blocks).toContain(attachedLine);
    expect(blocks).not.toMatch(keptLine);
    expect(journal().filter((r) => r.type.startsWith('step.output-')).map((r) => r.type)).toEqual(['step.output-attached']);
  });
});
