// A journal edited by hand and not repaired yet: the postmortem of an incident recorded after the edit still tells it,
// every line from the edit on shown as it reads and marked unverified, with `journal repair` named as the way out.
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

const repair = '`npm run --silent cli -- journal repair --approver "$USER"`';

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

const row = (markdown: string, name: string) => markdown.split('\n').find((line) => line.startsWith(`| ${name} |`)) ?? '';

it('shows the lines after a hand edit, each marked unverified, in the postmortems of the incidents around it', async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
  await harness.settle();
  await harness.command('diagnose duckdb', 'U0TEAMMATE');
  await harness.settle();
  await harness.stop();
  harness = undefined;

  const journal = `${checkout.stateDir}/journal.jsonl`;
  const lines = fs.readFileSync(journal, 'utf8').trimEnd().split('\n');
  const opened = [...fs.readFileSync(journal, 'utf8').matchAll(/"type":"incident.opened","incident":"(dbx-[^"]+)"/g)].map((m) => m[1] as string);
  expect(opened).toHaveLength(2);
  const [first, later] = opened as [string, string];
  // As the tester did: an actor changed on the first incident's first line after its opening (its diagnosis), its hash
  // left as it was. Which line that is depends on whether a watcher's first check journaled before it.
  const edited = lines.findIndex((line, index) => index > lines.findIndex((l) => l.includes('"type":"incident.opened"')) && line.includes('"actor":"U0OPERATOR"')) + 1;
  expect(edited).toBeGreaterThan(2);
  lines[edited - 1] = (lines[edited - 1] as string).replace('"actor":"U0OPERATOR"', '"actor":"U0MALLORY"');
  fs.writeFileSync(journal, `${lines.join('\n')}\n`);

  const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
  const laterPm = await runCliProcess(['postmortem', later], { env, stdin: 'ignore' });
  expect(laterPm.code).toBe(0);
  expect(laterPm.stdout).not.toContain('nothing to tell');
  expect(laterPm.stdout).toContain(`> **Warning: the journal failed verification at line ${edited}**`);
  expect(laterPm.stdout).toContain(`> Lines 1–${edited - 1} verify; lines ${edited}–${lines.length} are shown as they read, and each row and time built from them is marked unverified`);
  expect(laterPm.stdout).toContain(repair);
  expect(row(laterPm.stdout, 'Opened')).toMatch(new RegExp(`by \\*\\*U0TEAMMATE\\*\\* .*_\\(unverified: built from journal line \\d+, read as it is: the journal fails verification at line ${edited}\\)_`));
  expect(row(laterPm.stdout, 'Verdict')).toContain('File corrupt _(unverified');
  expect(row(laterPm.stdout, 'Record')).toContain(`verified up to line ${edited - 1}, lines ${edited}–${lines.length} read unverified`);
  // Every entry of its timeline rests on a line after the edit: none reads as verified.
  const entries = section(laterPm.stdout, 'Timeline (UTC)').split('\n').filter((line) => line.startsWith('- `'));
  expect(entries.length).toBeGreaterThan(3);
  for (const entry of entries) expect(entry).toContain(`_(unverified: read as it is, as the journal fails verification at line ${edited})_`);
  // The Diagnosis section's verdict and evidence rows too.
  const diagnosis = section(laterPm.stdout, 'Diagnosis');
  expect(diagnosis).toMatch(new RegExp(`\\*\\*Verdict: File corrupt\\*\\* .*_\\(unverified: built from journal line \\d+, read as it is: the journal fails verification at line ${edited}\\)_`));
  const evidence = diagnosis.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Evidence') && !line.startsWith('| ---'));
  expect(evidence.length).toBeGreaterThan(1);
  for (const line of evidence) expect(line).toContain('_(unverified: built from journal lines ');
  expect(laterPm.stderr).toContain(`warning: the journal failed verification at line ${edited}; lines ${edited}–${lines.length} are shown as they read, each marked unverified, until ${repair} accepts the damage`);

  // The incident the edit is in goes on past it: its plan of path A, proposed after the edited line, is there, marked.
  const firstPm = await runCliProcess(['postmortem', first], { env, stdin: 'ignore' });
  expect(firstPm.code).toBe(0);
  expect(row(firstPm.stdout, 'Outcome')).toMatch(new RegExp(`waiting for an approval \\(as lines ${edited}–\\d+ read, unverified\\) _\\(unverified`));
  expect(firstPm.stdout).not.toContain('unknown after it');
  expect(section(firstPm.stdout, 'Timeline (UTC)')).toMatch(/proposed .*Path A.*_\(unverified: read as it is/);

  // In Slack the same: the upload is the later incident's story, not "nothing to tell".
  harness = await startBot(checkout, slack);
  await harness.settle();
  await harness.command(`postmortem ${later}`, 'U0OPERATOR');
  await harness.settle();
  const upload = slack.uploads.at(-1);
  expect(upload?.bytes.toString()).toContain(`Incident | \`${later}\``);
  expect(upload?.bytes.toString()).not.toContain('nothing to tell');
}, 120_000);
