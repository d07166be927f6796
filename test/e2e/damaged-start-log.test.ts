// A bot started on a journal that fails verification says in its log line's message why, and what to run.
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { type Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
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

it('logs the failed line, its reason and journal repair in the message of its start on a damaged journal', async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.stop();
  const journal = `${checkout.stateDir}/journal.jsonl`;
  const lines = fs.readFileSync(journal, 'utf8').trimEnd().split('\n');
  // The operator's command, wherever it lands among the lines the database watcher may write before it.
  const edited = lines.findIndex((line) => line.includes('"type":"command.received"') && line.includes('"actor":"U0OPERATOR"'));
  expect(edited).toBeGreaterThanOrEqual(0);
  lines[edited] = (lines[edited] as string).replace('"actor":"U0OPERATOR"', '"actor":"U0OPERATOQ"');
  fs.writeFileSync(journal, `${lines.join('\n')}\n`);

  harness = await startBot(checkout, slack);
  await harness.settle();
  const errors = harness.logs.filter((entry) => entry.level >= 50).map((entry) => String(entry.msg));
  expect(errors).toContain(
    `the journal failed verification at line ${edited + 1} (its content does not match its hash (the line was edited)): the bot starts, rebuilding incidents from its lines as they read, and diagnoses run, ` +
      "but no change is proposed or approved until a person has looked at it (`npm run --silent cli -- journal verify` names the line; the incident's postmortem shows what it records) " +
      'and accepted it with `npm run --silent cli -- journal repair --approver "$USER"`, which keeps a copy of the journal',
  );
}, 120_000);
