// `/databox status` in Slack journals its own line each time: the next status stands on the verification carried over
// the bot's own lines instead of reading the whole journal again, and still says at once that a line was edited by hand.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(() => closeStandIns(harness, slack, checkout));

/** A minute ahead: the journal's files count as settled at once (verified-identity.ts), as they would a second later. */
const aMinuteOn = () => new Date(Date.now() + 60_000);

it("does not read the journal again for a status after the bot's own lines, and says an edit made between two statuses", async () => {
  // A journal the bot did not begin: lines of an earlier run (a new one's first look reads the file it created).
  const earlier = new Journal(checkout.stateDir);
  earlier.load();
  for (let n = 0; n < 50; n += 1) earlier.append({ type: 'command.received', incident: null, actor: 'U0EARLIER', data: { text: `/databox status ${n}` } });
  harness = await startBot(checkout, slack, {}, undefined, undefined, { journalFilesSettledAt: aMinuteOn });
  await harness.settle();
  const journal = harness.bot.journal;
  const reads = journal.verifyReads;
  for (let n = 0; n < 5; n += 1) {
    const status = await harness.command('status', 'U0OPERATOR');
    expect(status.text).not.toContain('failed verification');
    await harness.settle();
  }
  expect(journal.verifyReads - reads).toBe(0);
  const lines = fs.readFileSync(journal.file, 'utf8').trimEnd().split('\n');
  expect(lines.filter((line) => line.includes('"actor":"U0OPERATOR"'))).toHaveLength(5);

  // Edited in place right after the bot's last line, its size kept, as `dd conv=notrunc` would.
  const at = lines.findIndex((line) => line.includes('"actor":"U0OPERATOR"'));
  const text = fs.readFileSync(journal.file, 'utf8');
  const offset = Buffer.byteLength(text.slice(0, text.indexOf('"actor":"U0OPERATOR"')));
  const fd = fs.openSync(path.join(checkout.stateDir, 'journal.jsonl'), 'r+');
  fs.writeSync(fd, '"actor":"U0MALLORY"', offset);
  fs.closeSync(fd);
  expect((await harness.command('status', 'U0OPERATOR')).text).toContain(`the journal failed verification at line ${at + 1}`);
}, 120_000);
