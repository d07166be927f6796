// Two incidents on one database: each postmortem names the other's plans that changed it after it opened, and the
// watcher's lines that name an incident's runs are in that incident's timeline.
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

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

// Alerts posted, so the database watcher journals what it sees change while it alerts.
const alerts = { DATABOX_ALERT_CHANNEL: 'C0ALERTS' };

it("names another incident's recovery that moved its database's file away, and the watcher's word on it", async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, alerts);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.command('diagnose duckdb', 'U0TEAMMATE');
  await harness.settle();
  const journal = `${checkout.stateDir}/journal.jsonl`;
  const [first, second] = [...fs.readFileSync(journal, 'utf8').matchAll(/"type":"incident.opened","incident":"(dbx-[^"]+)"/g)].map((m) => m[1] as string) as [string, string];
  // The second incident's path A moves the broken file aside, then fails at its rebuild.
  checkout.behave({ 'task full-refresh': { exit: 1, stdout: 'half done, then boom' } });
  await harness.click(slack.buttons('choose_path_a').at(-1)!, 'U0TEAMMATE');
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, 'U0OPERATOR');
  await harness.settle();
  // The watchers look at start: the restarted bot's database watcher finds the file gone, and says whose run left it so.
  await harness.stop();
  harness = await startBot(checkout, slack, alerts);
  await harness.settle();
  await slack.waitFor('the watcher to see the file gone', () => fs.readFileSync(journal, 'utf8').includes('"type":"watch.changed"'));
  await harness.stop();
  harness = undefined;
  const recovery = `${second}/2`;
  expect(fs.readFileSync(journal, 'utf8')).toContain(`"runId":"${recovery}"`);

  const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
  const firstPm = (await runCliProcess(['postmortem', first], { env, stdin: 'ignore' })).stdout;
  expect(firstPm).toMatch(/\| Outcome \| diagnosed \(File corrupt\); no recovery ran; since it opened, a plan of another incident changed its database \(see \*Other incidents' changes to its database\*\) \|/);
  expect(section(firstPm, "Other incidents' changes to its database")).toMatch(
    new RegExp(`- \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC: Path A: .* \\(\`${recovery}\`\\) of incident \`${second}\` changed \`${checkout.databasePath}\`: failed`),
  );

  const secondPm = (await runCliProcess(['postmortem', second], { env, stdin: 'ignore' })).stdout;
  expect(secondPm).not.toContain("Other incidents' changes");
  expect(section(secondPm, 'Timeline (UTC)')).toMatch(new RegExp(`The database watcher \\(\`watch.changed\`\\): .*Recovery ${recovery} stopped part-way on it`));
}, 120_000);
