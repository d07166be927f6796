// The bot after a crash that tore the journal's last line: what was set aside is said in the incident's thread and the
// log, and approvals are not blocked.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

describe('a torn last journal line', () => {
  it('is set aside at the restart, said in the incident\'s thread and the log, and approvals are not blocked', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('recover duckdb path=a');
    await slack.waitFor('the plan', () => slack.buttons('approve_plan').length > 0);
    await harness.stop();
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const incident = JSON.parse(fs.readFileSync(journalFile, 'utf8').split('\n')[1] as string).incident as string;
    fs.appendFileSync(journalFile, `{"seq":99,"at":"2026-04-20T10:00:00.000Z","type":"step.started","incident":"${incident}","actor":"databox-bot","da`);

    harness = await startBot(checkout, slack);
    await slack.waitFor('the note in the thread', () => slack.callsTo('chat.postMessage').some((c) => String(c.text).includes('torn journal line')));
    const note = slack.callsTo('chat.postMessage').find((c) => String(c.text).includes('torn journal line'));
    expect(note?.thread_ts, 'in the incident\'s thread').toBeTruthy();
    const shown = JSON.stringify(note?.blocks);
    expect(shown).toMatch(/journal's last line was cut short .* set aside to `.*journal\.jsonl\.torn-\d{8}T\d{9}Z` \(\d+ bytes\)/);
    expect(shown).toContain('The journal verifies again; approvals go on.');
    expect(harness.logs.some((l) => /set aside to .*journal\.jsonl\.torn-/.test(String(l.msg)) && l.level === 40 && l.incident === incident)).toBe(true);
    expect(harness.bot.journal.problem).toBeUndefined();
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await harness.settle();
    expect(checkout.listData()).toContain('databox.duckdb.broken');
  });
});
