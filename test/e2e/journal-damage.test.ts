// A journal that fails verification in the middle (a line edited by hand): no change is proposed or approved, and the
// refusal says how to get out; `journal repair` at the terminal keeps a copy and accepts the damage by name; the bot,
// still running, then takes approvals again, and verify and the postmortem say which lines were accepted unverified.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
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

/** A corrupt file and path A typed in Slack: its plan waits for an approval. */
async function planWaiting(): Promise<Harness> {
  writeGarbage(checkout.databasePath);
  const bot = await startBot(checkout, slack);
  // The database watcher's finding on the corrupt file first: it lands when its first check ends, which on a busy host
  // can be after the incident's last line, which the cut below must find last in the journal.
  const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
  await slack.waitFor('the watcher\'s finding', () => fs.existsSync(journalFile) && fs.readFileSync(journalFile, 'utf8').includes('"type":"watch.not-posted"'), 60_000);
  await bot.command('recover duckdb path=a', 'U0OPERATOR');
  await slack.waitFor('the plan', () => slack.buttons('approve_plan').length > 0);
  return bot;
}

describe('a journal edited in the middle', () => {
  it('refuses plans and approvals saying how to repair it; journal repair accepts it by name, and approvals go ahead again', async () => {
    harness = await planWaiting();
    await harness.stop();
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const lines = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    // The incident's opening record (the watchers' alert about the broken file may come before it).
    const at = lines.findIndex((line) => line.includes('"type":"incident.opened"'));
    const line = at + 1;
    const edited = JSON.parse(lines[at] as string);
    edited.actor = 'U0MALLORY';
    lines[at] = JSON.stringify(edited);
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);

    harness = await startBot(checkout, slack);
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await harness.settle();
    expect(slack.ephemerals('U0TEAMMATE').at(-1)).toContain(
      `the journal failed verification at line ${line} (its content does not match its hash (the line was edited)), so this plan was not approved and nothing was run: ` +
        `no change is proposed or approved until a person has looked at it (\`npm run --silent cli -- journal verify\` at the bot's host names the line; the incident's postmortem shows what it records) ` +
        `and accepted it with \`npm run --silent cli -- journal repair --approver "$USER"\`, which keeps a copy of the journal`,
    );
    await harness.command('recover duckdb path=a', 'U0OPERATOR');
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toContain(`refused: the journal failed verification at line ${line} (its content does not match its hash (the line was edited)), so no change is proposed or approved`);
    expect(checkout.listData()).not.toContain('databox.duckdb.broken');
    const status = await harness.command('status', 'U0OPERATOR');
    expect(status.text).toContain(`:no_entry_sign: the journal failed verification at line ${line} (its content does not match its hash (the line was edited)): no change is proposed or approved until a person has looked at it (\`npm run --silent cli -- journal verify\` at the bot's host names the line; the incident's postmortem shows what it records) and accepted it with`);

    const env = cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir });
    const refused = await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('journal repair --approver "$USER"');
    const repaired = await runCliProcess(['journal', 'repair', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(new RegExp(`^line ${line} failed verification \\(its content does not match its hash \\(the line was edited\\)\\); accepted by terminal:bob at line \\d+\\. The journal as it was is kept at .*journal\\.jsonl\\.damaged-\\d{8}T\\d{6}Z\\.`));
    const copy = /kept at (\S+journal\.jsonl\.damaged-\S+?)\. /.exec(repaired.stdout)?.[1] as string;
    const withAcceptance = fs.readFileSync(journalFile, 'utf8');
    // The copy is the journal as it was accepted: every line up to the acceptance, the edited one as it was edited.
    expect(`${fs.readFileSync(copy, 'utf8')}${withAcceptance.trimEnd().split('\n').at(-1)}\n`).toBe(withAcceptance);
    expect(fs.readFileSync(copy, 'utf8').split('\n')[at]).toBe(lines[at]);
    // A refused recovery opened no incident.
    expect(withAcceptance.split('\n').filter((l) => l.includes('"type":"incident.opened"'))).toHaveLength(1);

    // The bot still running reads the acceptance at its next look at the journal: the same plan is approved now.
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await harness.settle();
    await slack.waitFor('the recovery', () => checkout.listData().includes('databox.duckdb.broken'), 30_000);
    // Its steps and validation are still being journaled: the CLI below reads the journal once they are done.
    await harness.settle();
    expect((await harness.command('status', 'U0OPERATOR')).text).not.toContain('failed verification');
    const verified = await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`line ${line} failed verification \\(.*\\); terminal:bob accepted it at line \\d+; the journal as it was is kept at .*damaged-`));
    const incident = edited.incident as string;
    const postmortem = await runCliProcess(['postmortem', incident], { env: { ...env, DATABOX_DATABASE_PATH: checkout.databasePath }, stdin: 'ignore' });
    expect(postmortem.stdout, postmortem.stderr).toMatch(new RegExp(`> \\*\\*The journal was damaged at line ${line}\\*\\* \\(its content does not match its hash \\(the line was edited\\)\\), and \\*\\*terminal:bob\\*\\* accepted it at line \\d+: line ${line} is shown as it reads, unverified; the rest of lines ${line}–\\d+ verify line by line, each followed by the next\\.`));
    expect(postmortem.stdout).toContain(`hash chain verified, but for the damaged line ${line}, accepted`);
    // The edited line itself, in the timeline: shown as it reads, marked; the lines after it, which verify, are not.
    expect(postmortem.stdout).toMatch(/opened by \*\*U0MALLORY\*\*.* _\(unverified: a journal line accepted after it failed verification\)_/);
    expect(postmortem.stdout.match(/_\(unverified: a journal line accepted/g)).toHaveLength(1);
    // The summary row built from it says so.
    expect(postmortem.stdout).toMatch(new RegExp(`\\| Opened \\| .*\\*\\*U0MALLORY\\*\\*.* _\\(unverified: built from journal line ${line}, accepted after it failed verification\\)_ \\|`));

    // A second edit, after the acceptance, is caught again: the acceptance pins the bytes it saw, not what came after.
    const now = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    const later = JSON.parse(now[now.length - 2] as string);
    later.actor = 'U0MALLORY';
    now[now.length - 2] = JSON.stringify(later);
    fs.writeFileSync(journalFile, `${now.join('\n')}\n`);
    expect((await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' })).code).toBe(1);
  }, 120_000);

  it('is caught by a bot that was already running: the approval after the edit is refused, and the status says so', async () => {
    harness = await planWaiting();
    await harness.settle();
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const lines = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    // The first record a front end made (the watchers' alert about the broken file may come before it).
    const edited = lines.findIndex((line) => line.includes('"frontEnd":"slack"'));
    lines[edited] = (lines[edited] as string).replace('"frontEnd":"slack"', '"frontEnd":"slacc"');
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);

    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await harness.settle();
    expect(slack.ephemerals('U0TEAMMATE').at(-1)).toMatch(new RegExp(`the journal failed verification at line ${edited + 1} \\(.*\\), so this plan was not approved and nothing was run`));
    expect(checkout.listData()).not.toContain('databox.duckdb.broken');
    expect((await harness.command('status', 'U0OPERATOR')).text).toContain(`the journal failed verification at line ${edited + 1}`);
  }, 120_000);
});

describe('an acknowledged journal line cut afterwards', () => {
  it('is said as an acknowledged event lost, naming it, in the thread and the log (an error), and approvals wait for a repair', async () => {
    harness = await planWaiting();
    await harness.stop();
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    // The incident's last line, written and acknowledged (the stopped bot's head names the last line), cut partway.
    const lines = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    const at = lines.length - 1 - [...lines].reverse().findIndex((line) => line.includes('"incident":"dbx-'));
    const { type, incident } = JSON.parse(lines[at] as string) as { type: string; incident: string };
    fs.writeFileSync(journalFile, `${[...lines.slice(0, at), (lines[at] as string).slice(0, -40)].join('\n')}`);

    harness = await startBot(checkout, slack);
    await slack.waitFor('the note in the thread', () => slack.callsTo('chat.postMessage').some((c) => String(c.text).includes('torn journal line')));
    const shown = JSON.stringify(slack.callsTo('chat.postMessage').find((c) => String(c.text).includes('torn journal line'))?.blocks);
    const lost = `line ${at + 1} (${type} of ${incident}), was written and acknowledged (its head file says so) and is now cut short: an acknowledged event is lost`;
    expect(shown).toContain(`The journal's last line, ${lost}`);
    expect(shown).not.toContain('never acknowledged');
    expect(shown).toContain('The journal still fails verification');
    // What to look at before the command that accepts it.
    expect(shown).toContain("until a person has looked at it (`npm run --silent cli -- journal verify` at the bot's host names the line; the incident's postmortem shows what it records) and accepted it");
    expect(harness.logs.some((l) => String(l.msg).includes(lost) && l.level === 50 && l.incident === incident)).toBe(true);
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await harness.settle();
    expect(slack.ephemerals('U0TEAMMATE').at(-1)).toContain(`the journal failed verification at line ${at + 1}`);
    expect(checkout.listData()).not.toContain('databox.duckdb.broken');
  }, 120_000);
});
