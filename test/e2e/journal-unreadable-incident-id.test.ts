// An incident id typed while the journal cannot be read, through the real Bolt app: the bot's failure is said as one,
// with a reference in its log, not as "no incident … is on record here", which would send the operator hunting a typo.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const operator = 'U0OPERATOR';

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

it('says an unreadable journal is the bot\'s failure, with a reference, when a command names an incident', async () => {
  harness = await startBot(checkout, slack);
  await harness.command('status', operator);
  await harness.settle();
  // The journal's path holds a directory for a moment: reading it fails (EISDIR), as an EACCES or an EIO would.
  const journal = path.join(checkout.stateDir, 'journal.jsonl');
  fs.renameSync(journal, `${journal}.aside`);
  fs.mkdirSync(journal);
  let answers: (string | undefined)[];
  try {
    answers = [];
    for (const typed of ['diagnose duckdb incident=dbx-20261205-abcd', 'postmortem dbx-20261205-abcd']) answers.push((await harness.command(typed, operator)).json?.text);
  } finally {
    fs.rmdirSync(journal);
    fs.renameSync(`${journal}.aside`, journal);
  }
  expect(answers).toEqual([
    expect.stringMatching(/^:x: Something went wrong on the bot's side \(reference `ERR-[0-9a-f]{8}`\); the details are in its log\. Nothing further was run\.$/),
    expect.stringMatching(/^:x: Something went wrong on the bot's side \(reference `ERR-[0-9a-f]{8}`\)/),
  ]);
  const logged = harness.logs.filter((l) => l.msg === 'internal error');
  expect(logged.map((l) => [l.command, l.err?.message])).toEqual([
    ['diagnose', expect.stringMatching(/^EISDIR/)],
    ['postmortem', expect.stringMatching(/^EISDIR/)],
  ]);
  // Read again, the journal answers as before: an id nobody recorded is said to be one.
  expect((await harness.command('diagnose duckdb incident=dbx-20261205-abcd', operator)).json?.text).toMatch(/^:warning: no incident `dbx-20261205-abcd` is on record here/);
});
