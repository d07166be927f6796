// The Recovery section's own rows (who approved, the step table, what changed before a run stopped) carry the mark of
// an unverified line they are built from, as the timeline entry of the same event does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
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
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

/** A copy of the state dir with its journal's lines changed by `edit`, repaired by bob, and the incident's postmortem. */
async function repairedPostmortem(incident: string, edit: (lines: string[]) => void): Promise<string> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unverified-plan-rows-'));
  temps.push(stateDir);
  fs.cpSync(checkout.stateDir, stateDir, { recursive: true });
  const journal = path.join(stateDir, 'journal.jsonl');
  const lines = fs.readFileSync(journal, 'utf8').trimEnd().split('\n');
  edit(lines);
  fs.writeFileSync(journal, `${lines.join('\n')}\n`);
  const env = cliEnv({ DATABOX_STATE_DIR: stateDir });
  expect((await runCliProcess(['journal', 'repair', '--approver', 'bob'], { env, stdin: 'ignore' })).code).toBe(0);
  const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  expect(postmortem.code).toBe(0);
  return postmortem.stdout;
}

const lineOf = (lines: string[], pattern: RegExp) => {
  const index = lines.findIndex((line) => pattern.test(line));
  expect(index, String(pattern)).toBeGreaterThanOrEqual(0);
  return index;
};

it('marks the rows of a plan built from lines accepted unverified', async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  checkout.behave({ 'task full-refresh': { exit: 1, stdout: 'loading...\nhalf done, then boom' } });
  await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, 'U0TEAMMATE');
  await harness.settle();
  await harness.stop();
  harness = undefined;
  const incident = /"type":"incident.opened","incident":"(dbx-[^"]+)"/.exec(fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8'))![1] as string;

  // The approval's actor changed by hand.
  const approvedBy = await repairedPostmortem(incident, (lines) => {
    const at = lineOf(lines, /"type":"run.approved"/);
    lines[at] = (lines[at] as string).replace('"actor":"U0TEAMMATE"', '"actor":"U0MALLORY"');
  });
  const recovery = section(approvedBy, 'Recovery');
  expect(recovery).toMatch(/- Approved by \*\*U0MALLORY\*\* at \d\d:\d\d:\d\d _\(unverified: built from journal line \d+, accepted after it failed verification\)_/);

  // The recovery's first step's start and end swapped: the step row and what changed before it stopped rest on them.
  const swapped = await repairedPostmortem(incident, (lines) => {
    const run = `${incident}/2`;
    // Its start found by type, not as the line before its end: the database watcher's first line may land between them.
    const ofRun = (type: string) => lines.findIndex((line) => line.includes(`"type":"${type}"`) && line.includes(`"runId":"${run}"`));
    const [started, finished] = [ofRun('step.started'), ofRun('step.finished')];
    expect(started).toBeGreaterThan(0);
    expect(finished).toBeGreaterThan(started);
    [lines[started], lines[finished]] = [lines[finished] as string, lines[started] as string];
  });
  const plan = section(swapped, 'Recovery');
  const rows = plan.split('\n').filter((line) => /^\| \d+ \|/.test(line));
  expect(rows[0]).toMatch(/_\(unverified: built from journal lines \d+ and \d+, accepted after they failed verification\)_/);
  const changed = plan.split('\n').find((line) => line.startsWith('- Changed before it stopped:'));
  expect(changed).toMatch(/_\(unverified: built from journal line/);
  // Rows built from verified lines only stay unmarked.
  expect(plan.split('\n').find((line) => line.startsWith('- Requested by'))).not.toContain('unverified');
}, 120_000);
