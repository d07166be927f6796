// A bot restart while an incident is open is journaled and shown in that incident's timeline.
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { type Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(() => closeStandIns(harness, slack, checkout));

it('shows "The bot restarted" in the timeline of an incident with a plan waiting at the restart', async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
  await harness.settle();
  await harness.stop();
  const journal = `${checkout.stateDir}/journal.jsonl`;
  // A first start on an empty journal is no restart: nothing is journaled for it.
  expect(fs.readFileSync(journal, 'utf8')).not.toContain('"type":"bot.started"');
  harness = await startBot(checkout, slack);
  await harness.settle();
  await harness.stop();
  harness = undefined;
  const started = fs.readFileSync(journal, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line)).filter((record) => record.type === 'bot.started');
  expect(started).toHaveLength(1);
  expect(started[0]).toMatchObject({ incident: null, actor: 'databox-bot', data: { pid: process.pid } });

  const incident = /"type":"incident.opened","incident":"(dbx-[^"]+)"/.exec(fs.readFileSync(journal, 'utf8'))![1] as string;
  const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
  expect((await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' })).code).toBe(0);
  const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  const clock = (started[0].at as string).slice(11, 19);
  expect(postmortem.stdout).toContain(`- \`${clock}\` **The bot restarted** at ${clock} UTC (PID ${process.pid} on host `);
}, 120_000);
