// Lines cut from the journal's end, then accepted: a diagnosis whose end was among them says "end unknown (lines
// lost)", the Diagnosis section says the verdict it shows is an earlier run's, and `journal verify` says lines were lost.
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

/** Two diagnoses of one incident, then the journal cut from the second one's end on, the head left as it was. */
async function cutSecondDiagnosisEnd(): Promise<{ incident: string; second: string; end: number; cut: number }> {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  const journal = `${checkout.stateDir}/journal.jsonl`;
  const incident = /"type":"incident.opened","incident":"(dbx-[^"]+)"/.exec(fs.readFileSync(journal, 'utf8'))![1] as string;
  await harness.command(`diagnose duckdb incident=${incident}`, 'U0OPERATOR');
  await harness.settle();
  await harness.stop();
  harness = undefined;

  // Cut from the second diagnosis's end on (its run.finished, its verdict, what followed), the head left as it was.
  const lines = fs.readFileSync(journal, 'utf8').trimEnd().split('\n');
  const second = `${incident}/2`;
  const end = lines.findIndex((line) => line.includes('"type":"run.finished"') && line.includes(`"runId":"${second}"`));
  expect(end).toBeGreaterThan(0);
  fs.writeFileSync(journal, `${lines.slice(0, end).join('\n')}\n`);
  return { incident, second, end, cut: lines.length - end };
}

const lostWords = (end: number) => `end unknown (lines lost from the journal's end before line ${end + 1})`;
const timelineEntry = (second: string, end: number) => new RegExp(`Diagnosis \\(\`${second}\`\\): \\*\\*${lostWords(end).replace(/[()]/g, '\\$&')}\\*\\*`);

it('says a diagnosis cut off by lines lost from the end has an unknown end, not an earlier verdict as its own', async () => {
  const { incident, second, end } = await cutSecondDiagnosisEnd();
  const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
  expect((await runCliProcess(['journal', 'repair', '--approver', 'bob'], { env, stdin: 'ignore' })).code).toBe(0);
  const verify = await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' });
  expect(verify.code).toBe(0);
  expect(verify.stdout).toMatch(new RegExp(`\n    accepted on \\S+: lines were lost from its end before line ${end + 1}\n`));

  const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  expect(postmortem.code).toBe(0);
  const lost = lostWords(end);
  expect(section(postmortem.stdout, 'Timeline (UTC)')).toMatch(timelineEntry(second, end));
  expect(section(postmortem.stdout, 'Diagnosis')).toContain(
    `A later diagnosis, \`${second}\` (started `,
  );
  expect(section(postmortem.stdout, 'Diagnosis')).toContain(`recorded no verdict: ${lost}. The verdict below is that of the earlier \`${incident}/1\`.`);
}, 120_000);

it('tells a cut end the bot appended past from a line removed in the middle: the bot journals the cut first', async () => {
  const { incident, second, end, cut } = await cutSecondDiagnosisEnd();
  // The bot starts on the cut journal and appends past it (its bot.started line, at least), nobody repairing it first.
  harness = await startBot(checkout, slack);
  await harness.settle();
  await harness.stop();
  harness = undefined;
  const written = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8').trimEnd().split('\n');
  expect(JSON.parse(written[end] as string)).toMatchObject({ type: 'journal.end-cut', data: { lost: cut, lastSeq: end } });
  expect(written.length).toBeGreaterThan(end);

  const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
  const verify = await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' });
  expect(verify.code).toBe(1);
  // The cut the journal recorded comes first, before what the check found.
  expect(verify.stderr).toMatch(new RegExp(`^journal FAILED at line ${end + 1} of [^:]*: as the record at this line says, ${cut} lines were removed from the journal's end \\(`));
  // Before any repair, the postmortem reads the lines past the cut (unverified) and still says where the end was lost.
  const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  expect(postmortem.code).toBe(0);
  expect(section(postmortem.stdout, 'Timeline (UTC)')).toMatch(timelineEntry(second, end));

  expect((await runCliProcess(['journal', 'repair', '--approver', 'bob'], { env, stdin: 'ignore' })).code).toBe(0);
  const repaired = await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' });
  expect(repaired.stdout).toMatch(new RegExp(`\n    accepted on \\S+: lines were lost from its end before line ${end + 1}\n`));
  const after = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  expect(section(after.stdout, 'Timeline (UTC)')).toMatch(timelineEntry(second, end));
}, 180_000);
