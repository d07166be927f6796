// The CLI's answers, run in-process (runCli, the function src/cli.ts calls): bad input gets one line and exit 2 with
// nothing run; a self-approval is refused; a failing step exits 1; help and status answer at once.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checkout, CheckoutOptions } from '../../demo/checkout.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { runCli } from '../../src/terminal/console.js';
import type { Interruption } from '../../src/terminal/interrupts.js';
import { Journal } from '../../src/journal/journal.js';
import { recordStart } from '../../src/journal/bot-started.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { promptedHash, scriptedTerminal } from '../helpers/scripted-terminal.js';
import { cliArgsOfPasted } from '../helpers/paste-into-shell.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

async function newCheckout(options: CheckoutOptions = {}): Promise<{ checkout: Checkout; env: Record<string, string> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-in-process-'));
  temps.push(dir);
  const checkout = await buildTestCheckout(dir, options);
  // Steps resolve their commands through this process's PATH.
  process.env.PATH = checkout.env.PATH;
  return { checkout, env: { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') } };
}

function journal(checkout: Checkout): JournalRecord[] {
  const file = path.join(checkout.stateDir, 'journal.jsonl');
  if (!fs.existsSync(file)) return [];
  const verify = verifyLines(fs.readFileSync(file, 'utf8'));
  expect(verify.problem).toBeUndefined();
  return verify.records;
}

async function cli(env: Record<string, string>, argv: string[], answer: (prompt: string) => string | null = () => null) {
  const terminal = scriptedTerminal(env, answer);
  const code = await runCli(argv, terminal.io);
  return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
}

describe('bad input', () => {
  let checkout: Checkout;
  let env: Record<string, string>;
  let textFile: string;
  beforeAll(async () => {
    ({ checkout, env } = await newCheckout());
    textFile = path.join(checkout.dir, 'notes.txt');
    fs.writeFileSync(textFile, 'not a database\n');
  });

  const cases: [string, () => string[], RegExp][] = [
    ['an unknown command', () => ['frobnicate'], /unknown command "frobnicate": run `npm run --silent cli -- help`/],
    ['a mistyped command', () => ['recovr', 'duckdb'], /unknown command "recovr" \(did you mean "recover"\?\): run `npm run --silent cli -- help`/],
    ['the second word of a two-word command alone', () => ['verify'], /^databox: unknown command "verify" \(did you mean "journal verify"\?\): run `npm run --silent cli -- help` for the commands\n$/],
    ['an unknown path', () => ['recover', 'duckdb', 'path=c'], /path=c is not a recovery path of duckdb: use path=a, path=b or path=w\. Usage: npm run --silent cli -- recover/],
    ['an unknown scenario', () => ['diagnose', 'nosuch'], /unknown scenario "nosuch"/],
    ['help in a scenario\'s place', () => ['diagnose', 'help'], /for help, type npm run --silent cli -- help \(or npm run --silent cli -- help diagnose\)\. Usage: npm run --silent cli -- diagnose/],
    ['an unknown parameter', () => ['diagnose', 'duckdb', 'x=1'], /unknown parameter "x": this command takes incident(;|$)/m],
    ['a mistyped incident=', () => ['diagnose', 'duckdb', 'incidnet=dbx-20261204-42f9'], /unknown parameter "incidnet" \(did you mean "incident"\?\): this command takes incident(;|$)/m],
    ['a mistyped parameter of the runbook', () => ['diagnose', 'backfill', 'sorce=ebird'], /unknown parameter "sorce" \(did you mean "source"\?\): this command takes source, from, to, incident(;|$)/m],
    ['a mistyped parameter of a recovery path', () => ['recover', 'duckdb', 'path=b', 'bakup=/tmp/x.duckdb'], /unknown parameter "bakup" \(did you mean "backup"\?\): this command takes path, backup, incident(;|$)/m],
    ['a missing parameter', () => ['recover', 'duckdb', 'path=b'], /missing backup=<path>/],
    ['no path and no incident to choose one', () => ['recover', 'duckdb', '--approver', 'bob'], /which recovery path of duckdb\? no incident=<id> was given whose diagnosis could choose one: add path=a \(.+\) or path=b \(.+\) to the command; nothing was proposed/],
    ['a backup that does not exist', () => ['recover', 'duckdb', 'path=b', 'backup=/nonexistent/databox.duckdb'], /backup=\/nonexistent\/databox\.duckdb: .* does not exist/],
    ['a backup that is a directory', () => ['recover', 'duckdb', 'path=b', `backup=${checkout.dir}`], /is a directory, expected a file/],
    ['a backup that is not a DuckDB file', () => ['recover', 'duckdb', 'path=b', `backup=${textFile}`], /does not open read-only as a DuckDB database/],
    ['shell metacharacters', () => ['recover', 'duckdb', 'path=b', 'backup=$(rm -rf ~)'], /backup=\$\(rm -rf ~\)/],
    ['10 kB of text', () => ['diagnose', 'duckdb', `note=${'x'.repeat(10_000)}`], /at most 1000 are accepted/],
    ['an option without its value', () => ['recover', 'duckdb', '--approver'], /--approver needs a value/],
    ['an unknown option', () => ['status', '--force'], /unknown option --force: status takes --as <name>\n/],
    ['an unknown option of a command that takes none', () => ['watch', '--bogus'], /unknown option --bogus: watch takes no option\n/],
    ['an option the command does not read', () => ['diagnose', 'duckdb', '--approver', 'bob'], /diagnose does not take --approver: it takes --as <name>\n/],
    ['an approver given to journal verify', () => ['journal', 'verify', '--approver', 'bob'], /journal verify does not take --approver: it takes no option\n/],
    ['an approver that is not a name', () => ['recover', 'duckdb', '--approver', 'bob; rm -rf /'], /--approver bob; rm -rf \/ is not a name/],
    ['a hash that is not one', () => ['recover', 'duckdb', '--approve', 'yes'], /--approve yes is not a plan hash/],
    ['a rollback of something that is not a run', () => ['rollback', 'nope'], /usage: npm run --silent cli -- rollback <recovery-run-id>/],
    ['an approval of an unknown plan, with where run ids are listed', () => ['approve', 'dbx-20260420-aaaa/2', 'abcdef12'], /no plan "dbx-20260420-aaaa\/2" is known to the journal \S+: `npm run --silent cli -- status` lists the plans with their run ids\n/],
    ['a rejection of an unknown plan, with where run ids are listed', () => ['reject', 'dbx-20260420-aaaa/2', 'abcdef12'], /no plan "dbx-20260420-aaaa\/2" is known to the journal \S+: `npm run --silent cli -- status` lists the plans with their run ids\n/],
    ['a postmortem of a path', () => ['postmortem', '../../etc/passwd'], /is not an incident id/],
    ['a postmortem of an unknown incident', () => ['postmortem', 'dbx-20260420-aaaa'], /no incident dbx-20260420-aaaa in the journal/],
    ['a double quote left inside a word by the shell', () => ['recover', 'duckdb', 'path=b', 'backup="/a b/c"'], /^databox: backup="\/a b\/c" holds a double quote, which cannot be passed on: quote the whole word for your shell instead, e\.g\. 'backup=\/a b\/c'/],
    ['journal without verify', () => ['journal', 'mend'], /usage: npm run --silent cli -- journal verify \| journal repair --approver <your name>/],
    ['journal repair without a name', () => ['journal', 'repair'], /journal repair accepts damage on the record in your name: give it with --approver, `npm run --silent cli -- journal repair --approver "\$USER"`/],
    ['status with extra words', () => ['status', 'now'], /"status" takes nothing after it/],
  ];

  it.each(cases)('%s: one line naming it, exit 2, nothing run', async (_name, argv, message) => {
    const before = journal(checkout).length;
    const result = await cli(env, argv());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const after = journal(checkout).slice(before);
    expect(after.filter((r) => r.type !== 'command.received' && r.type !== 'request.refused')).toEqual([]);
    // A refused diagnose, validate or recover is on the record with why, as in Slack (bad options are refused before
    // the journal is opened, so neither the command nor its refusal is recorded).
    const refusals = after.filter((r) => r.type === 'request.refused').map((r) => (r.data as { reason: string }).reason);
    const recorded = after.some((r) => r.type === 'command.received');
    if (recorded && ['diagnose', 'validate', 'recover'].includes(argv()[0] as string)) expect(refusals).toEqual([expect.stringMatching(message)]);
    expect(fs.existsSync(checkout.databasePath)).toBe(true);
    expect(fs.readFileSync(checkout.callsLog, 'utf8')).toBe('');
  });

  it('an unknown command with DATABOX_ROOT unset is said alone, before any warning about the settings', async () => {
    const { DATABOX_ROOT: _root, ...unset } = env;
    for (const argv of [['verify'], ['frobnicate', 'now']]) {
      const result = await cli(unset, argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^databox: unknown command "${argv[0]}"[^\n]*\n$`));
    }
  });

  it('a rollback given an incident id says it takes a recovery\'s run id, and names the incident\'s recoveries that can be rolled back', async () => {
    const { checkout, env: corruptEnv } = await newCheckout({ corrupt: true });
    expect((await cli(corruptEnv, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], promptedHash)).code).toBe(0);
    const recovery = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string };
    const incident = recovery.runId.split('/')[0] as string;
    const result = await cli(corruptEnv, ['rollback', incident]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `databox: rollback takes the run id of the recovery to undo (${incident}/N, shown with its plan), not an incident id. Of ${incident}, these can be rolled back: ${recovery.runId} (Path A: Rebuild from raw dlt state: succeeded). Type \`npm run --silent cli -- rollback ${recovery.runId}\` for the latest\n`,
    );
    const unknown = await cli(corruptEnv, ['rollback', 'dbx-20200101-0000']);
    expect(unknown.stderr).toMatch(/^databox: no incident "dbx-20200101-0000" is known to the journal /);
  });

  it('a word holding a double quote is answered with one that pastes into a shell as the word meant, apostrophes and all', async () => {
    for (const meant of ["backup=/tmp/x/o'brien copy.duckdb", "backup=/tmp/it's.duckdb", 'backup=/tmp/x.duckdb']) {
      const typed = meant.replace('=', '="') + '"';
      const result = await cli(env, ['recover', 'duckdb', 'path=b', typed]);
      expect(result.code).toBe(2);
      const example = /(?:e\.g\.|out:) (.*)\n$/.exec(result.stderr)?.[1];
      expect(example, result.stderr).toBeDefined();
      expect(await cliArgsOfPasted(`npm run --silent cli -- recover duckdb path=b ${example}`, 'alice')).toEqual(['recover', 'duckdb', 'path=b', meant]);
    }
  });

  it('a malformed setting is one line and exit 2, never a stack trace', async () => {
    const result = await cli({ ...env, DATABOX_APPROVAL_TTL: 'banana' }, ['status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^databox: invalid configuration: .*expected a duration such as 30s, 15m, 2h or 1h30m.*DATABOX_APPROVAL_TTL\n$/);
  });

  it('warns when DATABOX_ROOT is unset (or empty, as a `DATABOX_ROOT=` line leaves it), naming the folder it takes instead', async () => {
    const result = await cli({ ...env, DATABOX_ROOT: '' }, ['status']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: DATABOX_ROOT is not set: the databox checkout is taken to be the working directory, ${process.cwd()} (under \`npm run\`, the bot's own folder); set it to the checkout the runbooks work in\n`);
    expect((await cli(env, ['status'])).stderr).not.toContain('DATABOX_ROOT');
    expect((await cli({ ...env, DATABOX_ROOT: '' }, ['help'])).stderr).toBe('');
  });

  it('help lists the commands and scenarios and exits 0; it needs no Slack token', async () => {
    expect(env.SLACK_BOT_TOKEN).toBeUndefined();
    const result = await cli(env, ['help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run --silent cli -- <command>');
    // Each command as it reads the words after it, as its usage error says.
    expect(result.stdout).toMatch(/ {2}rollback <recovery-run-id> \[key=value …\] {3}/);
    expect(result.stdout).toMatch(/ {2}validate [a-z|]+ \[key=value …\] \[incident=<id>\] {3}/);
    expect(result.stdout).toContain('  duckdb: Blown DuckDB file (local backend); paths a, b');
    expect(result.stdout).toContain('  motherduck: ');
    expect(result.stdout).toMatch(/ {2}motherduck: [^\n]*; paths a, s, b, c, n\n/);
    // Each scenario's parameters, as Slack's help lists them.
    expect(result.stdout).toContain('\n    diagnose backfill source=ebird|noaa|usgs [from=YYYY-MM-DD to=YYYY-MM-DD]\n');
    expect(result.stdout).toContain('\n    recover backfill path=a source=ebird|noaa|usgs from=YYYY-MM-DD to=YYYY-MM-DD [incident=<id>]   (Replace the window and restate it; needs source=, from= and to= unless incident=<id> gives them)\n');
    expect(result.stdout).toContain('\n    recover duckdb path=b backup=<path> [incident=<id>]   (Restore from a file backup)\n');
    expect(result.stdout).toContain('\n    validate backfill source=ebird|noaa|usgs from=YYYY-MM-DD to=YYYY-MM-DD [incident=<id>]   (needs source=, from= and to= unless incident=<id> gives them)\n');
    expect(result.stdout).toContain('\n    validate schedule [from=YYYY-MM-DD to=YYYY-MM-DD] [schedules=<name,name…>] [incident=<id>]\n');
    expect(result.stdout).toContain('  runbooks check [dir]   check every runbook file as the bot does at start (default: DATABOX_RUNBOOKS_DIR, else the bundled runbooks/)');
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 a step failed, 2 refused or bad input; 130 Ctrl-C, 143 killed, 129 terminal closed, 141 output closed');
    expect(result.stdout).toContain('For diagnose, 1 means it found\n            something');
  });

  it("help <word> puts that command's usage or that scenario's commands on top, in the words of Slack's /databox help <word>", async () => {
    const atop = async (...words: string[]) => {
      const result = await cli(env, ['help', ...words]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('\n\nUsage: npm run --silent cli -- <command>\n');
      return result.stdout.slice(0, result.stdout.indexOf('\n\nUsage: '));
    };
    expect(await atop('duckdb')).toMatch(/^Blown DuckDB file \(local backend\): `diagnose duckdb`; `recover duckdb path=a \[incident=<id>\]` \(Rebuild from raw dlt state\); `recover duckdb path=b backup=<path> \[incident=<id>\]` \(Restore from a file backup\); .*; `validate duckdb \[incident=<id>\]`\. The whole help follows\.$/);
    expect(await atop('recover')).toBe('`npm run --silent cli -- recover backfill|duckdb|motherduck|schedule [path=<id>] [key=value …] [incident=<id>]`: the whole help follows.');
    // The terminal's own commands, which Slack has not.
    expect(await atop('approve')).toBe('`npm run --silent cli -- approve <run-id> <hash>`: the whole help follows.');
    expect(await atop('journal')).toBe('`npm run --silent cli -- journal verify | npm run --silent cli -- journal repair --approver <name>`: the whole help follows.');
    expect(await atop('frobnicate', 'now')).toBe('There is no help on "frobnicate now": help takes a command (diagnose, recover, …) or a scenario. The whole help follows.');
    expect((await cli(env, ['help'])).stdout).toMatch(/^Usage: /);
  });

  it('reads the command word in any case, as Slack does, and the values after it as typed', async () => {
    const status = await cli(env, ['Status']);
    expect(status.stderr).not.toContain('unknown command');
    expect(status.code).toBe(0);
    expect((await cli(env, ['HELP', 'DuckDB'])).stdout).toMatch(/^Blown DuckDB file \(local backend\): /);
    const diagnose = await cli(env, ['Diagnose', 'backfill', 'source=EBIRD']);
    expect(diagnose.code).toBe(2);
    expect(diagnose.stderr).toContain('EBIRD');
    expect(diagnose.stderr).not.toContain('unknown command');
  });
});

describe('refusals and exit codes', () => {
  it('refuses a destructive plan approved by its own requester, and journals the refusal', async () => {
    const { checkout, env } = await newCheckout();
    const asked: string[] = [];
    const result = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'alice'], (prompt) => {
      asked.push(prompt);
      return promptedHash(prompt);
    });
    expect(result.code).toBe(2);
    // Refused as given, not after asking alice to type the hash of a plan she cannot approve.
    expect(asked).toEqual([]);
    expect(result.stderr).toContain('refused: a plan with destructive steps must be approved by someone other than the person who requested it.');
    expect(result.stderr).toContain('Give the approver\'s name with --approver (someone other than alice)');
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    const refused = journal(checkout).filter((r) => r.type === 'approval.refused');
    expect(refused.map((r) => r.actor)).toEqual(['terminal:alice']);
    expect((refused[0]?.data as any).reason).toMatch(/someone other than the person who requested it/);
  });

  it('refuses a terminal approver when DATABOX_APPROVERS names users and groups, saying why and where to approve instead', async () => {
    const { checkout, env } = await newCheckout();
    // A Slack user ID typed at a terminal, even one in the list or in its group: the terminal cannot tell it is them.
    const result = await cli({ ...env, DATABOX_APPROVERS: 'U0LEAD,S0ONCALL' }, ['recover', 'duckdb', 'path=a', '--approver', 'U0LEAD'], promptedHash);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refused: only these people may approve plans: U0LEAD, members of the user group S0ONCALL.');
    expect(result.stderr).toContain('a name typed at a terminal (a Slack user ID too) is no one Slack vouches for, nor can the terminal ask Slack who is in a group: approve it in Slack.');
    expect(result.stderr).not.toContain('unset');
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    expect(journal(checkout).filter((r) => r.type === 'approval.refused').map((r) => r.actor)).toEqual(['terminal:U0LEAD']);
  });

  it('journals the approval policy with each approval, and the postmortem flags a terminal approval outside the approvers the bot had in force', async () => {
    const { checkout, env } = await newCheckout();
    // The bot last started with DATABOX_APPROVERS=U0BOB (its restart line says so).
    const botJournal = new Journal(checkout.stateDir);
    botJournal.load();
    recordStart(botJournal, ['U0BOB'], (error) => {
      throw error;
    });
    await botJournal.flushed();
    expect((await cli(env, ['recover', 'duckdb', 'path=a'])).code).toBe(2);
    const waiting = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    const carol = { ...env, USER: 'carol' };
    const refused = await cli({ ...carol, DATABOX_APPROVERS: 'U0BOB' }, ['approve', waiting.runId, waiting.run.hash.slice(0, 8)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('approve it in Slack.');
    expect(refused.stderr).not.toContain('unset');
    expect((await cli(carol, ['approve', waiting.runId, waiting.run.hash.slice(0, 8)])).code).toBe(0);
    expect(journal(checkout).find((r) => r.type === 'run.approved')).toMatchObject({ actor: 'terminal:carol', data: { runId: waiting.runId, approvers: 'anyone' } });
    const incident = waiting.runId.split('/')[0] as string;
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.join(projectRoot, 'runbooks')), root: checkout.root, incidentId: incident });
    expect(markdown).toMatch(/- Approved by \*\*terminal:carol\*\* at [\d:]+; \*\*not one of the approvers the bot had in force\*\* \(DATABOX_APPROVERS: U0BOB\): the terminal ran without that setting/);
  });

  it("says at a terminal approval that the runbook changed since the plan was made, runs the plan as proposed, and the postmortem tells the versions apart", async () => {
    const { checkout, env } = await newCheckout();
    // A copy of the runbooks the terminal reads afresh at each command: edited between the plan and its approval.
    const runbooksDir = path.join(checkout.dir, 'runbooks-copy');
    fs.cpSync(path.join(projectRoot, 'runbooks'), runbooksDir, { recursive: true });
    const file = path.join(runbooksDir, 'duckdb.yml');
    const before = fs.readFileSync(file, 'utf8');
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const alice = { ...env, DATABOX_RUNBOOKS_DIR: runbooksDir };
    expect((await cli(alice, ['diagnose', 'duckdb'])).code).toBeLessThan(2);
    const incident = journal(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    const edited = before.replace('title: Back up the broken file for forensics', 'title: Back up the broken file (edited)');
    expect(edited).not.toBe(before);
    fs.writeFileSync(file, edited);
    expect((await cli(alice, ['recover', 'duckdb', 'path=a', `incident=${incident}`])).code).toBe(2);
    const waiting = journal(checkout).find((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'recovery')?.data as { runId: string; run: { hash: string; runbookSha256: string } };
    expect(waiting.run.runbookSha256).toBe(sha256(edited));
    fs.writeFileSync(file, before);
    const approved = await cli({ ...alice, USER: 'carol' }, ['approve', waiting.runId, waiting.run.hash.slice(0, 8)]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`Its runbook has changed since this plan was made (sha256:${sha256(edited).slice(0, 12)} then, sha256:${sha256(before).slice(0, 12)} where it was approved): the plan runs the steps it was approved with, as shown, not the runbook's steps as they are now. For those, propose it again at a terminal.`);
    expect(journal(checkout).filter((r) => r.type === 'step.finished' && (r.data as any).runId === waiting.runId).length).toBeGreaterThan(0);
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(runbooksDir), root: checkout.root, incidentId: incident });
    const short = (text: string) => `\`sha256:${sha256(text).slice(0, 12)}\``;
    // The validation after it (/3) was made by the terminal with the runbook put back.
    expect(markdown).toContain(`| Runbook | \`duckdb\`: ${short(before)} for \`${incident}/1\`, \`${incident}/3\`; ${short(edited)} for \`${incident}/2\`; **the runbook read for this postmortem is ${short(before)}**, the version of \`${incident}/1\`, \`${incident}/3\` only`);
    expect(markdown).toContain(`_Taken from the runbook as read for this postmortem (${short(before)}), not the version some of this incident's plans were made with (${short(edited)}): the runbook has changed since`);
    // The step ran with the title the plan was approved with, which the timeline keeps.
    expect(markdown).toContain('Back up the broken file (edited)');
  });

  it.each([
    ['--approver ALICE', 'ALICE', ['--approver', 'ALICE'], () => null],
    ['--approver alice@laptop', 'alice@laptop', ['--approver', 'alice@laptop'], () => null],
    ['Alice typed at the prompt, each time it asks', 'Alice', [], (prompt: string) => (prompt.startsWith('Who approves?') ? 'Alice' : null)],
  ])('applies the same name check to %s as to the requester: refused, nothing run', async (_name, spelling, options, answer) => {
    const { checkout, env } = await newCheckout();
    const result = await cli(env, ['recover', 'duckdb', 'path=a', ...options], (prompt) => answer(prompt) ?? promptedHash(prompt));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`must be approved by someone other than the person who requested it (terminal:${spelling} is another spelling of terminal:alice, who requested it).`);
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    expect(journal(checkout).some((r) => r.type === 'run.approved')).toBe(false);
    // The refusal is on the record under the name as it was given.
    expect(journal(checkout).filter((r) => r.type === 'approval.refused').map((r) => r.actor)).toEqual([`terminal:${spelling}`]);
  });

  it("refuses `approve` under another spelling of the requester's name whoever is at the keyboard, and a different person then approves", async () => {
    const { checkout, env } = await newCheckout();
    // Someone else at the keyboard ($USER root): alice's plan is left waiting (standard input closed at the prompt).
    const root = { ...env, USER: 'root' };
    expect((await cli(root, ['recover', 'duckdb', 'path=a', '--as', 'alice'])).code).toBe(2);
    const waiting = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    const spellings = ['alice@laptop', 'Alice', 'ALICE'];
    for (const spelling of spellings) {
      const refused = await cli(root, ['approve', waiting.runId, waiting.run.hash.slice(0, 8), '--approver', spelling]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `refused: a plan with destructive steps must be approved by someone other than the person who requested it (terminal:${spelling} is another spelling of terminal:alice, who requested it).`,
      );
    }
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    expect(journal(checkout).some((r) => (r.type === 'run.approved' || r.type === 'run.started') && (r.data as any).runId === waiting.runId)).toBe(false);
    const refusals = journal(checkout).filter((r) => r.type === 'approval.refused');
    expect(refusals.map((r) => [r.actor, (r.data as any).runId, (r.data as any).decision])).toEqual(spellings.map((spelling) => [`terminal:${spelling}`, waiting.runId, 'approve']));
    expect((refusals[0]?.data as any).reason).toContain('terminal:alice@laptop is another spelling of terminal:alice');

    const approved = await cli(root, ['approve', waiting.runId, waiting.run.hash.slice(0, 8), '--approver', 'bob']);
    expect(approved.code).toBe(0);
    expect(journal(checkout).find((r) => r.type === 'run.approved')?.actor).toBe('terminal:bob');
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(true);
  });

  it('`approve` of the earlier of two plans waiting on the same database says, before it runs, that it voids the later one', async () => {
    const { checkout, env } = await newCheckout();
    expect((await cli(env, ['recover', 'duckdb', 'path=a'])).code).toBe(2);
    expect((await cli(env, ['recover', 'duckdb', 'path=b', `backup=${checkout.backup}`])).code).toBe(2);
    const [earlier, later] = journal(checkout).filter((r) => r.type === 'run.proposed').map((r) => r.data as { runId: string; run: { hash: string } });
    const approved = await cli(env, ['approve', earlier!.runId, earlier!.run.hash.slice(0, 8), '--approver', 'bob']);
    expect(approved.code).toBe(0);
    const warning = `Once this plan runs, plan ${later!.runId} (Path B: Restore from a file backup), waiting for approval, can no longer be approved: it changes the database that plan was made on.`;
    // Printed with the plan, before its steps: what the approver reads before it runs.
    expect(approved.stdout).toContain(warning);
    expect(approved.stdout.indexOf(warning)).toBeLessThan(approved.stdout.indexOf('▶'));
  });

  it('the same recover typed again without incident=, as its refusal advises, is the plan it left waiting, approved there', async () => {
    const { checkout, env } = await newCheckout();
    const command = ['recover', 'duckdb', 'path=b', `backup=${checkout.backup}`];
    const first = await cli(env, command);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('or run this command again at a terminal');
    const again = await cli(env, [...command, '--approver', 'bob'], promptedHash);
    expect(again.code).toBe(0);
    const records = journal(checkout);
    expect(records.filter((r) => r.type === 'incident.opened')).toHaveLength(1);
    const proposed = records.filter((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'recovery');
    expect(proposed).toHaveLength(1);
    expect(records.find((r) => r.type === 'run.approved')?.data).toMatchObject({ runId: (proposed[0]?.data as any).runId });
    expect(again.stdout).toContain(`Plan ${(proposed[0]?.data as any).runId} ·`);
  });

  it('a state dir that is not there: status says where it looked and creates nothing; an unknown plan names the empty journal it read', async () => {
    const { checkout, env } = await newCheckout();
    const typo = path.join(checkout.dir, 'stat-dir');
    const status = await cli({ ...env, DATABOX_STATE_DIR: typo }, ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`No journal to read: the state dir ${typo} does not exist, so nothing was recorded there`);
    expect(fs.existsSync(typo)).toBe(false);
    const approve = await cli({ ...env, DATABOX_STATE_DIR: typo }, ['approve', 'dbx-20261204-aaaa/2', '0123abcd', '--approver', 'bob']);
    expect(approve.code).toBe(2);
    expect(approve.stderr).toContain(`no plan "dbx-20261204-aaaa/2" is known to the journal ${path.join(typo, 'journal.jsonl')}, which is empty (nothing was recorded in this state dir before: is DATABOX_STATE_DIR the one the bot uses?)`);
    expect((await cli(env, ['diagnose', 'duckdb'])).code).toBe(1);
    expect((await cli(env, ['status'])).stdout).toContain(`Journal: ${path.join(checkout.stateDir, 'journal.jsonl')}\n`);
  });

  it('Ctrl-C at the approval prompt says nothing was running, and points to the postmortem of the incident named', async () => {
    const { checkout, env } = await newCheckout();
    expect((await cli(env, ['diagnose', 'duckdb'])).code).toBe(1);
    const incident = journal(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    // Left waiting first: the recover typed again finds that plan, and asks who approves it.
    expect((await cli(env, ['recover', 'duckdb', 'path=a', `incident=${incident}`])).code).toBe(2);
    let interrupt: ((interruption: Interruption) => void) | undefined;
    const terminal = scriptedTerminal(env, () => {
      setImmediate(() => interrupt?.({ why: 'interrupted at the terminal (SIGINT)', exitCode: 130 }));
      return null;
    });
    const code = await runCli(['recover', 'duckdb', 'path=a', `incident=${incident}`], terminal.io, {
      watchInterrupts: (_outputs, onInterrupt) => {
        interrupt = onInterrupt;
        return () => {};
      },
    });
    expect(code).toBe(130);
    expect(terminal.stderr()).toContain('databox: interrupted at the terminal (SIGINT) at the prompt: nothing was running; the plan is left as it was…');
    expect(terminal.stderr()).not.toContain('killing what runs');
    expect(terminal.stderr()).toContain(`nothing more was run; the journal has what ran (\`npm run --silent cli -- postmortem ${incident}\`)`);
  });

  it('journals a refused `approve --approver bob` of a plan already decided under bob, the name given', async () => {
    const { checkout, env } = await newCheckout();
    expect((await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], promptedHash)).code).toBe(0);
    const plan = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    const again = await cli({ ...env, USER: 'root' }, ['approve', plan.runId, plan.run.hash.slice(0, 8), '--approver', 'carol']);
    expect(again.code).toBe(2);
    expect(journal(checkout).filter((r) => r.type === 'approval.refused').map((r) => r.actor)).toEqual(['terminal:carol']);
  });

  it('asks who approves when --approver is missing, and records that name', async () => {
    const { checkout, env } = await newCheckout();
    const asked: string[] = [];
    const result = await cli(env, ['recover', 'duckdb', 'path=a', '--as', 'carol'], (prompt) => {
      asked.push(prompt);
      return prompt.startsWith('Who approves?') ? 'dave' : promptedHash(prompt);
    });
    expect(result.code).toBe(0);
    expect(asked[0]).toBe('Who approves? This plan has destructive steps: name someone other than carol: ');
    expect(asked[1]).toMatch(/as terminal:dave/);
    const records = journal(checkout);
    expect(records.find((r) => r.type === 'run.proposed')?.actor).toBe('terminal:carol');
    expect(records.find((r) => r.type === 'run.approved')?.actor).toBe('terminal:dave');
  });

  it('asks again when the name typed at the prompt is the requester\'s, and runs the plan approved by the next name', async () => {
    const { checkout, env } = await newCheckout();
    const asked: string[] = [];
    const answers = ['carol', 'dave'];
    const result = await cli(env, ['recover', 'duckdb', 'path=a', '--as', 'carol'], (prompt) => {
      asked.push(prompt);
      return prompt.startsWith('Who approves?') ? (answers.shift() as string) : promptedHash(prompt);
    });
    expect(result.code).toBe(0);
    expect(asked.slice(0, 2)).toEqual(['Who approves? This plan has destructive steps: name someone other than carol: ', 'Who approves? carol asked for this plan, so cannot approve it: name someone else: ']);
    expect(journal(checkout).find((r) => r.type === 'run.approved')?.actor).toBe('terminal:dave');
    expect(journal(checkout).some((r) => r.type === 'approval.refused')).toBe(false);
  });

  it('"no" at the prompt rejects the plan: exit 2, nothing run', async () => {
    const { checkout, env } = await newCheckout();
    const result = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], () => 'no');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/✘ Plan dbx-\d{8}-[0-9a-f]{4}\/1 rejected by terminal:bob; nothing of it was run\./);
    expect(journal(checkout).filter((r) => r.type === 'run.rejected').map((r) => r.actor)).toEqual(['terminal:bob']);
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
  });

  it('`reject <run> <hash>` of a waiting plan exits 0: the rejection asked for is done', async () => {
    const { checkout, env } = await newCheckout();
    const left = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], () => '');
    expect(left.code).toBe(2);
    const waiting = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    const result = await cli(env, ['reject', waiting.runId, waiting.run.hash.slice(0, 8), '--approver', 'bob']);
    expect(result.code).toBe(0);
    expect(journal(checkout).filter((r) => r.type === 'run.rejected').map((r) => r.actor)).toEqual(['terminal:bob']);
    // A hash that is not the plan's is refused, as before.
    expect((await cli(env, ['reject', waiting.runId, '00000000', '--approver', 'bob'])).code).toBe(2);
  });

  it('refuses `approve` of a plan already decided, or of a diagnosis, saying so before any hash is compared', async () => {
    const { checkout, env } = await newCheckout();
    const left = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], () => '');
    expect(left.code).toBe(2);
    const waiting = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    expect((await cli(env, ['reject', waiting.runId, waiting.run.hash.slice(0, 8), '--approver', 'bob'])).code).toBe(0);
    const decided = await cli(env, ['approve', waiting.runId, '00000000', '--approver', 'bob']);
    expect(decided.code).toBe(2);
    expect(decided.stderr).toMatch(/refused: this plan was already rejected by terminal:bob at \d\d:\d\d UTC, and nothing of it ran: to run it, propose it again: `npm run --silent cli -- recover duckdb path=a incident=dbx-\S+` .*; nothing was run\./);
    expect(decided.stderr).not.toContain('still waiting');
    await cli(env, ['diagnose', 'duckdb']);
    const diagnosis = journal(checkout).filter((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'diagnosis').at(-1)?.data as { runId: string; run: { hash: string } };
    const notAPlan = await cli(env, ['approve', diagnosis.runId, diagnosis.run.hash.slice(0, 8), '--approver', 'bob']);
    expect(notAPlan.code).toBe(2);
    expect(notAPlan.stderr).toContain(`refused: ${diagnosis.runId} is a diagnosis, which runs without an approval: only a plan waiting for one can be approved or rejected; nothing was run.`);
    expect(journal(checkout).filter((r) => r.type === 'approval.refused').map((r) => (r.data as any).runId)).toEqual([waiting.runId, diagnosis.runId]);
  });

  it('refuses a plan whose program is not on PATH before anything moves; one that went missing after it was proposed does not start', async () => {
    const { checkout, env } = await newCheckout();
    // This checkout's stand-ins only: earlier tests' checkouts put their own `task` on this process's PATH.
    process.env.PATH = [checkout.binDir, originalPath].join(path.delimiter);
    const task = path.join(checkout.binDir, 'task');
    fs.renameSync(task, `${task}.away`);
    const refused = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], promptedHash);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refused, nothing was proposed: the step "Rehydrate raw catalogs and rebuild every mart" runs task, and "task" is not on PATH (${process.env.PATH})`);
    expect(journal(checkout).filter((r) => r.type === 'run.proposed')).toEqual([]);
    // Refused before an incident was opened for it: nothing but the command and its refusal on the record.
    expect(journal(checkout).map((r) => r.type)).toEqual(['command.received', 'request.refused']);

    // Proposed while it was there; gone by the time it is approved: not started, nothing moved, on the record.
    fs.renameSync(`${task}.away`, task);
    await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], () => '');
    const waiting = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    fs.renameSync(task, `${task}.away`);
    const approved = await cli(env, ['approve', waiting.runId, waiting.run.hash.slice(0, 8), '--approver', 'bob']);
    expect(approved.code).not.toBe(0);
    expect(`${approved.stdout}${approved.stderr}`).toMatch(/was not started, nothing was changed: the step "Rehydrate raw catalogs and rebuild every mart" runs task, and "task" is not on PATH/);
    expect(fs.existsSync(checkout.databasePath)).toBe(true);
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    expect(journal(checkout).filter((r) => r.type === 'step.started')).toEqual([]);
    expect(journal(checkout).find((r) => r.type === 'run.finished')?.data).toMatchObject({ runId: waiting.runId, status: 'interrupted' });
  });

  it('exits 1 when a recovery step fails, and does not validate', async () => {
    const { checkout, env } = await newCheckout({ failOnce: ['full-refresh'] });
    const result = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], promptedHash);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ Recovery failed in [^:]+: stopped at "Rehydrate raw catalogs and rebuild every mart": exit 1/);
    // What it moved before it stopped is where things are now.
    expect(result.stdout).toMatch(/ {2}Changed before it stopped \(still so now\):\n {2}• Back up the broken file for forensics: moved \S+databox\.duckdb → \S+databox\.duckdb\.broken/);
    // The rollback it offers, as a shell reads it pasted: the prompt asks who approves.
    const rollback = /: (npm run --silent cli -- rollback [^\n]*)\n/.exec(result.stdout)?.[1];
    expect(await cliArgsOfPasted(rollback as string, 'alice')).toEqual(['rollback', expect.stringMatching(/^dbx-\d{8}-[0-9a-f]{4}\/1$/)]);
    const records = journal(checkout);
    expect(records.filter((r) => r.type === 'run.finished').map((r) => (r.data as any).status)).toEqual(['failed']);
    expect(records.some((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'validation')).toBe(false);
    const postmortem = await cli(env, ['postmortem', records[0]?.incident ?? (records.find((r) => r.incident)?.incident as string)]);
    expect(postmortem.stdout).toContain('| Outcome | not recovered: Path A: Rebuild from raw dlt state failed |');
    // What the failure message said the run left behind is in the record too.
    expect(postmortem.stdout).toMatch(/- Changed before it stopped: Back up the broken file for forensics: moved \S+databox\.duckdb → \S+databox\.duckdb\.broken; /);
    // Until something else runs on that database, the status says it was left part-way, first.
    const status = await cli(env, ['status']);
    expect(status.stdout).toMatch(
      /^Left part-way: recovery (dbx-\S+)\/1 \(Path A: Rebuild from raw dlt state\) failed at "Rehydrate raw catalogs and rebuild every mart"; it changed: Back up the broken file for forensics, Move SQLMesh's \.sqlmesh state aside \(instead of rm -rf\), Move SQLMesh's state_sync\.db aside \(instead of rm -rf\); it may have done part of: Rehydrate raw catalogs and rebuild every mart; no change has run on \S+databox\.duckdb since: read `npm run --silent cli -- postmortem \1` before anything else\.$/m,
    );
  });

  it('a rollback asked for again while it waits is that plan, shown and approved here, as its advice says; a refused one is on the record', async () => {
    const { checkout, env } = await newCheckout({ failOnce: ['full-refresh'] });
    const failed = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], promptedHash);
    expect(failed.code).toBe(1);
    const recoveryId = /rollback (dbx-\S+\/\d+)/.exec(failed.stdout)?.[1] as string;
    // Nobody at the prompt: the plan is left waiting, with the command that approves it or asks again.
    const left = await cli(env, ['rollback', recoveryId]);
    expect(left.code).toBe(2);
    expect(`${left.stdout}${left.stderr}`).toContain('or run this command again at a terminal');
    const waiting = journal(checkout).filter((r) => r.type === 'run.proposed').at(-1)?.data as any;
    const again = await cli(env, ['rollback', recoveryId, '--approver', 'bob'], promptedHash);
    expect(again.stdout).toContain(`The rollback of ${recoveryId} already waits for approval: plan ${waiting.runId}.`);
    expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
    expect(journal(checkout).filter((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'rollback')).toHaveLength(1);
    // Rolled back: asked once more, refused, and the refusal is journaled.
    const done = await cli(env, ['rollback', recoveryId, '--approver', 'bob'], promptedHash);
    expect(done.code).toBe(2);
    expect(done.stderr).toContain(`${recoveryId} was rolled back already`);
    expect(journal(checkout).at(-1)).toMatchObject({ type: 'request.refused' });
    // The rollback itself is no recovery: the refusal names the incident's recovery, the one to roll back.
    const notOne = await cli(env, ['rollback', waiting.runId, '--approver', 'bob']);
    expect(notOne.code).toBe(2);
    expect(notOne.stderr).toContain(`${waiting.runId} is a rollback, not a recovery: the recovery of ${recoveryId.split('/')[0]} that ran is ${recoveryId} (Path A: Rebuild from raw dlt state, failed): roll that back`);
  });

  it('validate exits 1 when a validation step fails and 0 when all pass', async () => {
    const { env } = await newCheckout({ corrupt: false, failOnce: ['verify-dev'] });
    const failed = await cli(env, ['validate', 'duckdb']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/✘ Validation failed in [^:]+: first failed at "Soda contracts against __dev \(task verify:dev\)": exit 1/);
    const passed = await cli(env, ['validate', 'duckdb']);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/✔ Validation passed in [^:]+: 5 steps passed/);
  });

  it('says what to do next of the file as it is, not of a recovery, when nothing was recovered', async () => {
    const { checkout, env } = await newCheckout({ corrupt: false, today: new Date(Date.now() - 10 * 86_400_000) });
    const result = await cli(env, ['validate', 'duckdb']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`→ The marts past their SLA end where the data of the DuckDB file at ${checkout.databasePath} does`);
    expect(result.stdout).not.toMatch(/restored from a backup|reason to roll back/);
  });

  it('sends a file whose write-ahead log path holds a directory to the diagnosis, not to validating again later', async () => {
    const { checkout, env } = await newCheckout({ corrupt: false });
    fs.mkdirSync(`${checkout.databasePath}.wal`);
    const result = await cli(env, ['validate', 'duckdb']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`✘ unopenable · `);
    expect(result.stdout).toContain(`${checkout.databasePath}.wal, where DuckDB reads and writes the database's write-ahead log, is a directory, not a file`);
    expect(result.stdout).toMatch(/→ [^\n]*The DuckDB file at [^\n]* does not read in full: diagnose it, `npm run --silent cli -- diagnose duckdb incident=dbx-/);
    // Neither a read to take again once nothing holds the file, nor marts that may never have been built.
    expect(result.stdout).not.toMatch(/could not be taken now|If it has none/);
  });

  it("gives the runbooks' Slack commands as the CLI's own at the terminal", async () => {
    // A corrupt file: scenario 2's verdict sends to scenario 1's diagnosis, which the runbook writes as /databox ….
    const { env } = await newCheckout();
    const result = await cli(env, ['diagnose', 'backfill', 'source=ebird']);
    expect(result.stdout).toContain('Run npm run --silent cli -- diagnose duckdb first.');
    expect(result.stdout).not.toContain('/databox ');
  });

  it('says where a validation first failed, not "stopped at", when its other checks ran after it', async () => {
    const { env } = await newCheckout({ corrupt: false, failOnce: ['verify', 'verify-dev'] });
    const failed = await cli(env, ['validate', 'duckdb']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/✘ Validation failed in [^:]+: first failed at "Smoke full-refresh \(task verify, DATABOX_SMOKE=1\)": exit 1/);
    // The other checks that failed are news of their own, not left to the step lines above.
    expect(failed.stdout).toMatch(/\n {2}Also failed:\n {2}• [^\n]*verify:dev[^\n]*: exit 1\n/);
  });

  it('a diagnosis whose check failed exits 1, and names the verdict and the commands to go on', async () => {
    const { env } = await newCheckout();
    const result = await cli(env, ['diagnose', 'duckdb']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('● Verdict: File corrupt');
    const pathA = /\n +(npm run --silent cli -- recover duckdb path=a [^\n]*)\n/.exec(result.stdout)?.[1];
    const pathB = /\n +(npm run --silent cli -- recover duckdb path=b [^\n]*)\n/.exec(result.stdout)?.[1];
    const incident = /incident=(dbx-\d{8}-[0-9a-f]{4})/.exec(pathA ?? '')?.[1];
    expect(incident, result.stdout).toBeDefined();
    // Each as a shell reads it, pasted: no word it misreads (a `<name>` redirect); the prompt asks who approves.
    expect(await cliArgsOfPasted(pathA as string, 'alice')).toEqual(['recover', 'duckdb', 'path=a', `incident=${incident}`]);
    expect(await cliArgsOfPasted(pathB as string, 'alice')).toEqual(['recover', 'duckdb', 'path=b', 'backup=…', `incident=${incident}`]);

    const healthy = await cli((await newCheckout({ corrupt: false })).env, ['diagnose', 'duckdb']);
    expect(healthy.stdout).toContain('● Verdict: Healthy');
    expect(healthy.code).toBe(0);
  });

  it("a healthy file's verdict names a view that does not bind but is not SQLMesh's to judge", async () => {
    const { checkout, env } = await newCheckout({ corrupt: false });
    // Someone's ad-hoc view over a table since dropped: not one of SQLMesh's production views.
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE main.scratch AS SELECT 1 AS n; CREATE VIEW main.adhoc AS SELECT n FROM main.scratch; DROP TABLE main.scratch');
    connection.closeSync();
    instance.closeSync();
    const healthy = await cli(env, ['diagnose', 'duckdb']);
    expect(healthy.stdout).toContain('● Verdict: Healthy');
    expect(healthy.stdout).toMatch(/SQLMesh's views bind, the disk has room and sqlmesh audit passes\. One view does not bind here: main\.adhoc \(Catalog Error: [^\n]*scratch[^\n]*: not one of SQLMesh's production views, so not judged\)\./);
    expect(healthy.code).toBe(0);
  });

  it("gives a refusal's commands as the CLI's own, as a shell reads them pasted: an incident recovered since its diagnosis", async () => {
    const { checkout, env } = await newCheckout();
    expect((await cli(env, ['diagnose', 'duckdb'])).code).toBe(1);
    const incident = (journal(checkout).find((r) => r.type === 'incident.opened') as JournalRecord).incident as string;
    expect((await cli(env, ['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', 'bob'], promptedHash)).code).toBe(0);
    const again = await cli(env, ['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', 'bob'], promptedHash);
    expect(again.code).toBe(2);
    // Path A's validation passed: the incident is said recovered, and how to diagnose again should the problem be back.
    expect(again.stderr).toMatch(/This incident is recovered: .*diagnose again \(`npm run --silent cli -- diagnose duckdb incident=/);
    expect(again.stderr).not.toContain('`/databox ');
    const diagnoseAgain = /diagnose again \(`([^`]*)`\)/.exec(again.stderr)?.[1];
    expect(await cliArgsOfPasted(diagnoseAgain as string, 'alice')).toEqual(['diagnose', 'duckdb', `incident=${incident}`]);
  });

  it("gives a refusal's commands as the CLI's own: a plan that would move a symbolic link to the database", async () => {
    const { checkout, env } = await newCheckout();
    const target = path.join(checkout.dir, 'volume.duckdb');
    fs.renameSync(checkout.databasePath, target);
    fs.symlinkSync(target, checkout.databasePath);
    const refused = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], promptedHash);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`to ${target} itself (a running bot reads it when it starts), and diagnose again (\`npm run --silent cli -- diagnose duckdb\`)`);
    expect(refused.stderr).not.toContain('`/databox ');
    // The CLI reads DATABOX_DATABASE_PATH at each command: there is no bot to restart.
    expect(refused.stderr).not.toContain('restart the bot');
  });
});
