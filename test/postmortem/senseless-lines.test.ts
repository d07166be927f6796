// A line appended by hand with a valid hash and link but its data missing verifies, and the postmortem says it cannot
// make sense of it, never "approved `undefined`".
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

it('shows forged lines without their plan or result as lines it cannot make sense of', async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
  await harness.settle();
  await harness.stop();
  harness = undefined;

  const journal = `${checkout.stateDir}/journal.jsonl`;
  const text = fs.readFileSync(journal, 'utf8');
  const incident = /"type":"incident.opened","incident":"(dbx-[^"]+)"/.exec(text)![1] as string;
  // Hashed and linked as the journal's own lines are (as mk.py did), the head moved on with them: the chain holds.
  appendChainedLines(journal, [
    { type: 'run.approved', incident, actor: 'U0MALLORY', data: {} },
    { type: 'step.finished', incident, actor: 'U0MALLORY', data: { runId: `${incident}/2` } },
  ]);

  const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
  expect((await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' })).code).toBe(0);
  const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  expect(postmortem.code).toBe(0);
  expect(postmortem.stdout).not.toContain('undefined');
  expect(postmortem.stdout).toMatch(/- `\d\d:\d\d:\d\d` A `run.approved` line by \*\*U0MALLORY\*\* without its plan \(no run id\): the postmortem cannot make sense of it\n/);
  expect(postmortem.stdout).toMatch(/- `\d\d:\d\d:\d\d` A `step.finished` line by \*\*U0MALLORY\*\* without its step's result: the postmortem cannot make sense of it\n/);
  // The plan it did not name is still waiting, as it was.
  expect(postmortem.stdout).toContain('- Still waiting for an approval when this was written');
}, 120_000);
