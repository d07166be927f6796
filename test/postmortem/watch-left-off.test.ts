// A watcher's end that left parts off on purpose says them in the postmortem's timeline; an older journal's
// `watch.settled`, which carried none, still verifies and is shown as before.
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { type Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { appendChainedLines } from '../helpers/append-chained-lines.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(() => closeStandIns(harness, slack, checkout));

it("shows what a watcher's settled end still left off, and an older journal's settled end without it as before", async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.stop();
  harness = undefined;

  const journal = `${checkout.stateDir}/journal.jsonl`;
  const text = fs.readFileSync(journal, 'utf8');
  const incident = /"type":"incident.opened","incident":"(dbx-[^"]+)"/.exec(text)![1] as string;
  const span = { began: '2026-04-21T09:00:00.000Z', firstSeen: '2026-04-21T09:00:00.000Z', ended: '2026-04-21T09:03:00.000Z', lastedMs: 180_000 };
  const leftOff = 'all_pipelines_daily is treated as switched off on purpose (databox/paused: upstream API migration) — it is still STOPPED; nothing runs job all_pipelines on a schedule';
  const settled = { watcher: 'schedules', since: '2026-04-21T09:00:00.000Z', span, heldMs: 3_600_000, returns: 1 };
  // Two ends of watcher outages that name this incident's plan, hashed and linked as the bot's own lines are: one as
  // the bot writes it now, one as a bot before `leftOff` was journaled with it did.
  appendChainedLines(
    journal,
    [
      { ...settled, summary: `0 of the stack's schedules RUNNING after ${incident}/2`, leftOff: [leftOff] },
      { ...settled, summary: `all RUNNING again after ${incident}/3` },
    ].map((data) => ({ type: 'watch.settled', incident: null, actor: 'databox-bot', data })),
  );

  const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
  expect((await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' })).code).toBe(0);
  const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  expect(postmortem.code).toBe(0);
  expect(postmortem.stdout).toContain(
    `The schedules watcher (\`watch.settled\`): 0 of the stack's schedules RUNNING after ${incident}/2; still wrong, left off on purpose: all_pipelines_daily is treated as switched off on purpose (databox/paused: upstream API migration) — it is still STOPPED; nothing runs job all_pipelines on a schedule\n`,
  );
  expect(postmortem.stdout).toContain(`The schedules watcher (\`watch.settled\`): all RUNNING again after ${incident}/3\n`);
}, 120_000);
