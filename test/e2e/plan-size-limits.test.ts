// A plan too long for one Slack message (many long SQL steps, on an operator's own runbook): shown cut to the text
// Slack takes in all, with its Approve button and the whole plan attached; and a plan Slack refuses as too long all
// the same (msg_blocks_too_long) is shown once in plain words, never sent again and again.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bundledRunbooksDir } from '../../src/config.js';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { useTempDirs } from '../support/fixtures.js';
import { bundled } from '../support/planted-runbook.js';

const operator = 'U0OPERATOR';
const tempDir = useTempDirs('plan-size-limits-');
const longCheckCount = 14;

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 500, ebird: { zero: ['2026-04-18'], low: ['2026-04-19'] } });
});
afterEach(() => closeStandIns(harness, slack, checkout));

/** The shipped runbooks, with path A of backfill.yml led by many read-only checks of long SQL: a plan of 20 steps. */
function runbooksWithLongPlan(): string {
  const dir = tempDir();
  for (const name of fs.readdirSync(bundledRunbooksDir)) fs.copyFileSync(path.join(bundledRunbooksDir, name), path.join(dir, name));
  const doc = bundled('backfill.yml');
  const checks = Array.from({ length: longCheckCount }, (_, i) => ({
    id: `long_check_${i}`,
    kind: 'sql',
    title: `Long check ${i} of the window`,
    sql: `SELECT count(*) FROM {{source.raw_table}} WHERE ${Array.from({ length: 40 }, (_, j) => `check_${i}_condition_${j} IS NOT NULL`).join(' AND ')}`,
  }));
  doc.recovery[0].steps.unshift(...checks);
  fs.writeFileSync(path.join(dir, 'backfill.yml'), stringify(doc));
  return dir;
}

/** Characters of text in a message's blocks, as Slack counts them for msg_blocks_too_long. */
function blockTextChars(blocks: any[]): number {
  return blocks.reduce((sum, block) => sum + (block.text?.text?.length ?? 0) + (block.elements ?? []).reduce((inner: number, element: any) => inner + (typeof element.text === 'string' ? element.text.length : 0), 0), 0);
}

const planPosts = () => slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan '));
const recover = 'recover backfill path=a source=ebird from=2026-04-18 to=2026-04-19';

describe('a plan longer than one Slack message', () => {
  it('is cut to the text Slack takes in all, keeps its Approve button and destructive marks, and attaches the whole plan', async () => {
    harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksWithLongPlan() }, dayAfterTheData());
    await harness.command(recover, operator);
    await harness.settle();
    const plan = planPosts().at(-1);
    const blocks = (typeof plan?.blocks === 'string' ? JSON.parse(plan.blocks) : plan?.blocks) as any[];
    expect(blockTextChars(blocks)).toBeLessThanOrEqual(11_000);
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    expect(JSON.stringify(blocks)).toContain('*DESTRUCTIVE*');
    const fileName = String(slack.callsTo('files.getUploadURLExternal').find((c) => String(c.filename).endsWith('-plan.txt'))?.filename);
    expect(JSON.stringify(blocks)).toContain(`the whole plan, every step in full, goes to the thread as a file, ${fileName}, once Slack takes it (meanwhile the journal in the bot's state dir holds every step)`);
    const whole = slack.uploads.map((u) => u.bytes.toString('utf8')).find((text) => text.includes('Long check 13'));
    expect(whole).toContain(`check_13_condition_39 IS NOT NULL`);
    expect(whole).toContain('[DESTRUCTIVE]');
  }, 120_000);

  it('refused by Slack as too long in all (msg_blocks_too_long) is posted once more in plain words, not again and again', async () => {
    harness = await startBot(checkout, slack, {}, dayAfterTheData());
    // Slack takes the plain-words message: one section and the buttons.
    slack.refuse = (method, args) => (method === 'chat.postMessage' && String(args.text).startsWith('Plan ') ? 'msg_blocks_too_long' : undefined);
    await harness.command(recover, operator);
    await harness.settle();
    expect(planPosts()).toHaveLength(1);
    const plain = slack.callsTo('chat.postMessage').filter((p) => String(p.text).includes('Slack refused this message as the bot made it (msg_blocks_too_long)'));
    expect(plain).toHaveLength(1);
    expect(slack.buttons('approve_plan')).toHaveLength(1);
  }, 120_000);
});
