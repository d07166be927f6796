// `npm run --silent cli -- journal verify`, run as the real CLI process: exit 0 and one OK line on an intact journal,
// non-zero naming the first bad line and why on a tampered one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { Journal } from '../../src/journal/journal.js';
import { hashRecord, serialize, type JournalRecord } from '../../src/journal/record.js';
import { journalCommand } from '../../src/terminal/journal-command.js';
import { buildPostmortem } from '../../src/postmortem/build-postmortem.js';
import { readJournal } from '../../src/postmortem/write-postmortem.js';
import { withLinesPastTheDamage } from '../../src/postmortem/past-the-damage.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { cliArgsOfPasted } from '../helpers/paste-into-shell.js';
import { forgedIncident, forgedJournal } from '../helpers/forged-journal.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let stateDir: string;
let journalFile: string;
// What to look at comes before the command that accepts it: accepting first would hide what the damage was.
const repairHint =
  '; no change is proposed or approved until a person has looked at it (the line named and those around it, and the postmortem of its incident: a crash or a slip, or someone tampering?) ' +
  'and accepted it with `npm run --silent cli -- journal repair --approver "$USER"`, which keeps a copy of the journal\n';
const fixtureLines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-verify-'));
  temps.push(stateDir);
  journalFile = path.join(stateDir, 'journal.jsonl');
});

/** The journal as given, with the head a bot leaves beside it: that of its last line. */
function writeWithHead(lines: readonly string[]): void {
  fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
  writeHead(journalFile, JSON.parse(lines.at(-1) as string));
}

const verify = () => runCliProcess(['journal', 'verify'], { env: cliEnv({ DATABOX_STATE_DIR: stateDir }), stdin: 'ignore' });

/** The journal command in this process, its output kept. */
function inProcess(args: string[], approver?: string): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = journalCommand(args, { env: { DATABOX_STATE_DIR: stateDir }, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } }, { approver });
  return { code, stdout, stderr };
}

describe('journal verify', () => {
  it('exits 0 with one OK line counting the records, through npm run --silent cli', async () => {
    fs.copyFileSync(fixtureJournal, journalFile);
    // As the bot leaves it: the head names the last line written.
    writeHead(journalFile, JSON.parse(fixtureLines.at(-1) as string));
    const result = await execa('npm', ['run', '--silent', 'cli', '--', 'journal', 'verify'], {
      cwd: projectRoot,
      env: cliEnv({ DATABOX_STATE_DIR: stateDir }),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`journal OK: ${fixtureLines.length} records verified in ${journalFile}`);
    expect(result.stderr).toBe('');
  });

  it('reads its command words in any case (Journal Verify), as the other commands and Slack read theirs', async () => {
    fs.copyFileSync(fixtureJournal, journalFile);
    writeHead(journalFile, JSON.parse(fixtureLines.at(-1) as string));
    const result = await runCliProcess(['Journal', 'Verify'], { env: cliEnv({ DATABOX_STATE_DIR: stateDir }), stdin: 'ignore' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`journal OK: ${fixtureLines.length} records verified in ${journalFile}\n`);
    expect(result.code).toBe(0);
  });

  it('exits 1 when the head file is missing from a journal with lines, which journal repair alone accepts', async () => {
    // As the tryout left it: the last lines cut off and the head deleted, so only its absence tells.
    fs.writeFileSync(journalFile, `${fixtureLines.slice(0, 30).join('\n')}\n`);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const what = "If the head file was moved, put it back; if not, compare the journal's last lines with the incidents' threads before accepting it";
    expect(result.stderr).toBe(
      `journal FAILED at line 31 of ${journalFile}: its head file ${journalFile}.head is missing or unreadable, so lines removed from its end would not show: it cannot be verified to its end. ${what} (lines 1–30 verify)${repairHint}`,
    );
    // A bot appending meanwhile does not write the head again: that would hide the gap for good.
    const bot = new Journal(stateDir);
    bot.load();
    expect(bot.problem?.line).toBe(31);
    bot.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status' } });
    await bot.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status again' } });
    await bot.flushed();
    expect(fs.existsSync(`${journalFile}.head`)).toBe(false);
    // Named where the bot found it missing (journaled once, before its own lines), not at the end, which moves on.
    const named = `journal FAILED at line 31 of ${journalFile}: its head file ${journalFile}.head is missing or unreadable (found missing when the journal had 30 lines, as the record at line 31 says; lines from it on were written without a head), so lines removed from its end would not show: it cannot be verified to its end. ${what} (lines 1–30 verify)${repairHint}`;
    expect(inProcess(['journal', 'verify']).stderr).toBe(named);
    expect(() => bot.requireVerified()).toThrow(`refused: the journal failed verification at line 31 (its head file ${journalFile}.head is missing`);
    const terminal = new Journal(stateDir);
    terminal.load();
    terminal.append({ type: 'command.received', incident: null, actor: 'terminal:alice', data: { text: 'status' } });
    expect(inProcess(['journal', 'verify']).stderr).toBe(named);
    const written = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as JournalRecord);
    expect(written.filter((record) => record.type === 'journal.head-missing').map((record) => [record.seq, record.data])).toEqual([[31, { lines: 30, lastHash: JSON.parse(fixtureLines[29] as string).hash }]]);

    // The command the failure names, pasted into a shell by bob: a shell reads it as it is, in his name.
    const pasted = await cliArgsOfPasted(/`(npm run --silent cli -- journal repair [^`]+)`/.exec(result.stderr)?.[1] as string, 'bob');
    expect(pasted).toEqual(['journal', 'repair', '--approver', 'bob']);
    const repaired = await runCliProcess(pasted, { env: cliEnv({ DATABOX_STATE_DIR: stateDir }), stdin: 'ignore' });
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(fs.existsSync(`${journalFile}.head`)).toBe(true);
    const ok = inProcess(['journal', 'verify']);
    expect(ok).toEqual({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^journal OK: 35 records verified in .*\n  line 31 failed verification \\(its head file .* is missing .*\\); terminal:bob accepted it at line 35; the journal as it was is kept at .*damaged-.*\n    accepted on \\S+\n$`)),
      stderr: '',
    });
    bot.requireVerified();
  });

  it('journals a head deleted under a running writer once, at its next append, and names that line from then on (in-process)', () => {
    writeWithHead(fixtureLines.slice(0, 30));
    const bot = new Journal(stateDir);
    bot.load();
    const status = (n: number) => bot.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${n}` } });
    status(1);
    fs.rmSync(`${journalFile}.head`);
    status(2);
    status(3);
    const found = /^journal FAILED at line 32 of .*: its head file .* is missing or unreadable \(found missing when the journal had 31 lines, as the record at line 32 says;/;
    expect(inProcess(['journal', 'verify']).stderr).toMatch(found);
    status(4);
    expect(inProcess(['journal', 'verify']).stderr).toMatch(found);
    expect(fs.readFileSync(journalFile, 'utf8').match(/"type":"journal\.head-missing"/g)).toHaveLength(1);
  });

  it('keeps one record of a missing head while the disk takes no writes, not one per append (in-process)', () => {
    fs.writeFileSync(journalFile, `${fixtureLines.slice(0, 30).join('\n')}\n`);
    // A full disk: every write comes up short, so events are kept in memory until there is room.
    const full = new Journal(stateDir, undefined, undefined, { write: () => 0 });
    full.load();
    for (const n of [1, 2, 3]) full.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${n}` } });
    expect(full.keptEvents().map((event) => event.type)).toEqual(['journal.head-missing', 'command.received', 'command.received', 'command.received']);
  });

  it('hands the postmortem the lines past unrepaired damage as the verification read them, each once (in-process)', () => {
    // Damage in the middle: the lines from the bad one on are read by the verification, and shown once.
    const edited = [...fixtureLines];
    edited[5] = (edited[5] as string).replace('"actor":"', '"actor":"x');
    writeWithHead(edited);
    const middle = readJournal(stateDir).verify;
    expect(middle.afterTheDamage?.map((record) => middle.lineOf?.get(record))).toEqual(Array.from({ length: edited.length - 5 }, (_, n) => n + 6));
    const shown = withLinesPastTheDamage(middle);
    expect(shown.records.slice(5)).toEqual(middle.afterTheDamage);
    expect(shown.records.slice(5).every((record, n) => record === middle.afterTheDamage?.[n])).toBe(true);

    // A head found missing at line 31, lines appended after it: those lines, which the chain verified, are the ones past it.
    fs.writeFileSync(journalFile, `${fixtureLines.slice(0, 30).join('\n')}\n`);
    const bot = new Journal(stateDir);
    bot.load();
    bot.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status' } });
    const headless = withLinesPastTheDamage(readJournal(stateDir).verify);
    const lines = headless.records.map((record) => headless.lineOf?.get(record));
    expect(lines).toEqual(Array.from({ length: 32 }, (_, n) => n + 1));
    expect(headless.pastTheDamage).toMatchObject({ from: 31, to: 32 });
  });

  it('gives a new journal its head before its first line, so a crash between the two loses nothing', () => {
    const heads: unknown[] = [];
    const write = (fd: number, buffer: Buffer) => {
      heads.push(JSON.parse(fs.readFileSync(`${journalFile}.head`, 'utf8')));
      return fs.writeSync(fd, buffer);
    };
    const journal = new Journal(stateDir, undefined, undefined, { write });
    journal.load();
    expect(fs.readdirSync(stateDir)).toEqual([]);
    journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status' } }, { durable: true });
    expect(heads).toEqual([{ seq: 0, hash: '0'.repeat(64) }]);
    // The crash: the first line is there, its head is not yet.
    writeHead(journalFile, { seq: 0, hash: '0'.repeat(64) });
    expect(inProcess(['journal', 'verify'])).toEqual({ code: 0, stdout: `journal OK: 1 records verified in ${journalFile}\n`, stderr: '' });
  });

  it('exits 1 naming the first edited line and why', async () => {
    const lines = [...fixtureLines];
    const record = JSON.parse(lines[41] as string);
    record.actor = 'terminal:mallory';
    lines[41] = JSON.stringify(record);
    // A second bad line further down: named after the first, which is where verification stops.
    lines[60] = (lines[60] as string).replace('"seq":61', '"seq":99');
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`journal FAILED at line 42 of ${journalFile}: its content does not match its hash (the line was edited); further lines that fail on their own: 61 (lines 1–41 verify)${repairHint}`);
  });

  it('says a line appended past the head with a hash not recomputed was added, not edited', () => {
    // The bot's journal as it left it, head and all; then a line appended by hand, its hash left as it was copied.
    writeWithHead(fixtureLines);
    const last = JSON.parse(fixtureLines.at(-1) as string) as JournalRecord;
    const forged = { ...last, seq: last.seq + 1, prev: last.hash, actor: 'terminal:mallory' };
    fs.appendFileSync(journalFile, `${JSON.stringify(forged)}\n`);
    const result = inProcess(['journal', 'verify']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `journal FAILED at line ${fixtureLines.length + 1} of ${journalFile}: its content does not match its hash (a line added after the last one the head file names, record ${last.seq}) (lines 1–${fixtureLines.length} verify)${repairHint}`,
    );
  });

  it('exits 1 on a chain that holds with lines the bot could never have written, naming each as the postmortem does; warns of a self-approval to check', async () => {
    // Appended, hashed and chained, the head rewritten, by someone who could write the state dir.
    const { forge, write, proposal, planHash } = forgedJournal();
    forge('run.approved', 'U0BOSS', { runId: `${forgedIncident}/2`, hash: planHash });
    forge('run.proposed', 'terminal:alice', { runId: `${forgedIncident}/7`, run: { ...proposal.data.run, id: `${forgedIncident}/7` } });
    forge('run.approved', 'terminal:alice', { runId: `${forgedIncident}/7`, hash: planHash });
    forge('run.proposed', 'terminal:alice', { runId: `${forgedIncident}/8`, run: { ...proposal.data.run, id: `${forgedIncident}/8` } });
    forge('run.approved', 'terminal:bob', { runId: `${forgedIncident}/8`, hash: 'f'.repeat(64) });
    write(stateDir);
    const postmortem = `\`npm run --silent cli -- postmortem ${forgedIncident}\` marks it in its timeline`;
    const what =
      `  Whoever could write ${stateDir} could write them and hash the chain again: find who (its owner and mode, the host's logins) and keep a copy of it as evidence. ` +
      "Nothing accepts such a line: `journal repair` accepts only a chain that fails, and the bot's state never lets one change a plan already decided\n";
    const named = [
      `  line 90, incident ${forgedIncident}: an approval of a plan already approved: impossible for the bot: written by hand? Compare it with the incident's Slack thread; ${postmortem}\n`,
      `  line 94, incident ${forgedIncident}: an approval naming plan hash ffffffff, not the plan's (${planHash.slice(0, 8)}): impossible for the bot: written by hand? Compare it with the incident's Slack thread; ${postmortem}\n`,
    ];
    const result = await verify();
    expect(result).toMatchObject({
      code: 1,
      // Written before approvals recorded DATABOX_ALLOW_SELF_APPROVAL, or by hand: one to check, as the postmortem marks it.
      stdout: `  warning: line 92, incident ${forgedIncident}: a self-approval: allowed only if DATABOX_ALLOW_SELF_APPROVAL was on; check (not counted as a line the bot could never have written)\n`,
      stderr: `journal FAILED: 2 lines the bot could never have written, in a hash chain that holds (94 records verified in ${journalFile}):\n${named.join('')}${what}`,
    });
    // The postmortem names the same lines.
    const written = await runCliProcess(['postmortem', forgedIncident], { env: cliEnv({ DATABOX_STATE_DIR: stateDir }), stdin: 'ignore' });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain('> **Warning: lines the bot could never have written**: line 90, an approval of a plan already approved; line 94, an approval naming plan hash ffffffff');

    // Damage before them as well: the damage is named first, then the same lines, read past it as the postmortem reads them.
    const lines = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    lines[41] = (lines[41] as string).replace('"actor":"', '"actor":"x');
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
    const damaged = inProcess(['journal', 'verify']);
    expect(damaged.code).toBe(1);
    // Read past the damage, they are unverified: marked so, and nothing says they are well hashed.
    const pastTheDamage = named.map((line) => line.replace(`incident ${forgedIncident}:`, `incident ${forgedIncident} (past the damage, unverified):`));
    expect(pastTheDamage).not.toEqual(named);
    expect(damaged.stderr).toBe(
      `journal FAILED at line 42 of ${journalFile}: its content does not match its hash (the line was edited) (lines 1–41 verify)${repairHint}` +
        `and 2 lines the bot could never have written:\n${pastTheDamage.join('')}${what}`,
    );
  });

  it('exits 1 on a removed line and on a line that is not JSON; 0 with no journal yet, creating nothing (in-process)', () => {
    const run = () => inProcess(['journal', 'verify']);
    const empty = run();
    expect(empty).toEqual({
      code: 0,
      stdout: `journal OK: 0 records verified in ${journalFile} (there is no journal there yet: nothing recorded, or DATABOX_STATE_DIR is not the bot's)\n`,
      stderr: '',
    });
    expect(fs.readdirSync(stateDir)).toEqual([]);

    const removed = [...fixtureLines];
    removed.splice(9, 1);
    fs.writeFileSync(journalFile, `${removed.join('\n')}\n`);
    const first = run();
    expect(first.code).toBe(1);
    expect(first.stderr).toBe(`journal FAILED at line 10 of ${journalFile}: sequence number 11 where 10 was expected (a line removed or inserted?) (lines 1–9 verify)${repairHint}`);

    fs.writeFileSync(journalFile, `${fixtureLines.slice(0, 5).join('\n')}\n{"seq":6,"at":"2026-04\n`);
    const second = run();
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`journal FAILED at line 6 of ${journalFile}: not valid JSON (lines 1–5 verify)${repairHint}`);
  });

  it('repair accepts a removed line and then a lost tail by name, keeping copies; an acceptance of other bytes is not one (in-process)', () => {
    const removed = [...fixtureLines];
    removed.splice(9, 1);
    writeWithHead(removed);
    expect(inProcess(['journal', 'repair']).code, 'no name, no repair').toBe(2);
    expect(inProcess(['journal', 'verify']).code).toBe(1);

    // Someone appends an "acceptance" of other bytes: it accepts nothing.
    const forged = { seq: removed.length + 1, at: '2026-04-21T00:00:00.000Z', type: 'journal.damage-accepted', incident: null, actor: 'mallory', data: { line: 10, reason: 'x', digest: '0'.repeat(64), copy: '/dev/null' }, prev: '0'.repeat(64) };
    fs.appendFileSync(journalFile, `${JSON.stringify({ ...forged, hash: hashRecord(forged) })}\n`);
    expect(inProcess(['journal', 'verify']).stderr).toMatch(/^journal FAILED at line 10 /);

    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/^line 10 failed verification \(sequence number 11 where 10 was expected \(a line removed or inserted\?\); an acceptance of it at line \d+ \(by mallory\) does not match the bytes before it \(the copy it names, \/dev\/null, cannot be read to say where\); further lines that fail on their own: \d+\); accepted by terminal:bob at line \d+\./);
    const ok = inProcess(['journal', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\n  line 10 failed verification \(sequence number 11 where 10 was expected .*\); terminal:bob accepted it at line \d+; the journal as it was is kept at .*journal\.jsonl\.damaged-/);

    // Lines lost from the end (the head says more were written): accepted the same way.
    const journal = new Journal(stateDir);
    journal.load();
    for (const n of [1, 2, 3]) journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${n}` } });
    const now = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(journalFile, `${now.slice(0, -2).join('\n')}\n`);
    const cutAt = now.length - 1;
    expect(inProcess(['journal', 'verify']).stderr).toMatch(/lines were removed from its end/);
    // Whatever is appended next (the bot, a terminal) continues after the lines lost: the gap stays until accepted.
    const appending = new Journal(stateDir);
    appending.load();
    appending.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status 4' } });
    // The appender journaled the cut before its own line: the gap reads as lines removed from the end, not in the middle.
    expect(inProcess(['journal', 'verify']).stderr).toMatch(
      new RegExp(`^journal FAILED at line ${cutAt} of .*: as the record at this line says, 2 lines were removed from the journal's end \\(records ${cutAt}–${cutAt + 1}; its head file named record ${cutAt + 1}, hash [0-9a-f]{12}…\\), found by the next process to write to it, which recorded this before anything else \\(the check found: sequence number ${cutAt + 2} where ${cutAt} was expected\\)`),
    );
    expect(inProcess(['journal', 'repair'], 'carol').code).toBe(0);
    expect(inProcess(['journal', 'verify']).stdout).toMatch(new RegExp(`line ${cutAt} failed verification \\(as the record at this line says, .* \\(the check found: sequence number ${cutAt + 2} where ${cutAt} was expected\\)\\); terminal:carol accepted it at line ${cutAt + 2};.*\n    accepted on \\S+: lines were lost from its end before line ${cutAt}\n`));
    expect(fs.readdirSync(stateDir).filter((name) => name.includes('.damaged-'))).toHaveLength(2);
    expect(inProcess(['journal', 'repair'], 'dave').stdout).toBe(`journal OK: nothing to repair in ${journalFile}\n`);

    // Cut again and repaired at once: the repair, writing first, journals the cut, then accepts it.
    const more = new Journal(stateDir);
    more.load();
    for (const n of [5, 6, 7]) more.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${n}` } });
    const again = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(journalFile, `${again.slice(0, -2).join('\n')}\n`);
    const erin = inProcess(['journal', 'repair'], 'erin');
    expect(erin.code, `${erin.stdout}${erin.stderr}`).toBe(0);
    const cutAgainAt = again.length - 1;
    expect(inProcess(['journal', 'verify']).stdout).toMatch(new RegExp(`line ${cutAgainAt} failed verification \\(.*removed from the journal's end.*\\); terminal:erin accepted it at line ${cutAgainAt + 1};.*\n    accepted on \\S+: lines were lost from its end before line ${cutAgainAt}\n`));
  });

  it('warns, exit 0, of a time earlier than the line before it: the line, both times, by how much; not of a step under a second (in-process)', () => {
    let now = '2026-04-20T10:00:00.000Z';
    const journal = new Journal(stateDir, () => new Date(now));
    journal.load();
    const at = (time: string, type: string) => {
      now = time;
      journal.append({ type, incident: 'dbx-20260420-3fa2', actor: 'U0OPERATOR', data: {} });
    };
    at('2026-04-20T10:00:00.000Z', 'incident.opened');
    at('2026-04-20T10:05:00.000Z', 'run.proposed');
    // The host's clock stepped back half an hour.
    at('2026-04-20T09:35:00.000Z', 'run.approved');
    at('2026-04-20T09:35:10.000Z', 'run.started');
    // Group commits of several writers: a line a little behind the one before it is no step.
    at('2026-04-20T09:35:09.400Z', 'command.received');
    const result = inProcess(['journal', 'verify']);
    expect(result).toEqual({
      code: 0,
      stdout:
        `journal OK: 5 records verified in ${journalFile}\n` +
        '  warning: line 3 (run.approved of dbx-20260420-3fa2) is timed 2026-04-20T09:35:00.000Z, 30 min before line 2 above it (2026-04-20T10:05:00.000Z): ' +
        "the clock went back (the host's clock stepped back, another host's clock behind, or the line edited); not damage, but times around it do not read in order\n",
      stderr: '',
    });
  });

  it('names an acknowledged event whose line was cut afterwards, not a write cut short; repair accepts it, and the postmortem says it (in-process)', () => {
    const incident = 'dbx-20260420-3fa2';
    const journal = new Journal(stateDir);
    journal.load();
    journal.append({ type: 'incident.opened', incident, data: { title: 'Blown DuckDB file' } });
    journal.append({ type: 'run.approved', incident, actor: 'U0APPROVER', data: { runId: `${incident}/2` } });
    const text = fs.readFileSync(journalFile, 'utf8');
    fs.writeFileSync(journalFile, text.slice(0, -30));
    const lost = `the journal's last line, line 2 (run.approved of ${incident}), was written and acknowledged (its head file says so) and is now cut short: an acknowledged event is lost`;
    // Not set aside yet (verify only reads): the line is not JSON, and the head says it was written.
    const before = inProcess(['journal', 'verify']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain(`journal FAILED at line 2 of ${journalFile}: not valid JSON; ${lost}`);

    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(new RegExp(`^${lost.replace(/[()]/g, '\\$&')} \\(the file was cut or damaged after it was written; not a crash while writing it\\); it was set aside to .*journal\\.jsonl\\.torn-`));
    expect(repaired.stdout).toContain(`line 2 failed verification (as the record at this line says, ${lost}`);
    expect(repaired.stdout).toContain('(the check found: sequence number 3 where 2 was expected)');
    expect(repaired.stdout).not.toContain('never acknowledged');
    expect(inProcess(['journal', 'verify']).code).toBe(0);
    const { markdown } = buildPostmortem({ incidentId: incident, verify: readJournal(stateDir).verify, runbooks: new Map(), root: stateDir, writtenAt: new Date() });
    expect(markdown).toMatch(new RegExp(`\\*\\*An acknowledged event was lost from the journal\\*\\*: the journal's last line, line 2 \\(run\\.approved of ${incident}\\), was written and acknowledged`));
  });

  it('still lists a rewritten end once repair accepted it: the lines, when and by whom; the postmortem says it too (in-process)', () => {
    const incident = 'dbx-20260420-3fa2';
    const journal = new Journal(stateDir);
    journal.load();
    journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { title: 'Blown DuckDB file' } });
    journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status' } });
    journal.append({ type: 'run.approved', incident, actor: 'U0APPROVER', data: { runId: `${incident}/2` } });
    // The end rewritten: the approval given to another name and hashed again, so the chain holds; only the head tells.
    const lines = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    lines[2] = serialize({ ...(JSON.parse(lines[2] as string) as JournalRecord), actor: 'U0MALLORY' }).line.trimEnd();
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
    const rewritten = 'this line differs from the one written there (the journal was rewritten at or before line 3; where the rewrite began cannot be told)';
    // Lines 1 and 2 link up, but a rewrite may have begun at either: they are not called verified.
    expect(inProcess(['journal', 'verify']).stderr).toMatch(new RegExp(`^journal FAILED at line 3 of .*: ${rewritten.replace(/[()]/g, '\\$&')} \\(no line before it is proven: lines 1–2 link up, but could have been hashed again with it\\);`));
    // The postmortem before the repair says so too: no line proven, not "verified up to line 2".
    const before = buildPostmortem({ incidentId: incident, verify: readJournal(stateDir).verify, runbooks: new Map(), root: stateDir, writtenAt: new Date() }).markdown;
    expect(before).toContain('> No line before it is proven (lines 1–2 link up, but could have been hashed again with it)');
    expect(before).toMatch(/\| Record \| .*, rewritten at or before line 3, no line proven \|/);
    expect(before).not.toContain('verified up to line');
    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.code, repaired.stderr).toBe(0);
    // Where the rewrite began cannot be told: every line up to the acceptance is marked.
    expect(repaired.stdout).toContain('the postmortem marks unverified those that cannot be verified: lines 1–3.');

    // Verified again (exit 0, as for any accepted damage), and the acceptance is still listed, line for line.
    const acceptance = JSON.parse(fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n')[3] as string) as JournalRecord<{ copy: string }>;
    expect(inProcess(['journal', 'verify'])).toEqual({
      code: 0,
      stdout:
        `journal OK: 1 records verified and 3 accepted unverified (below) in ${journalFile}\n` +
        `  line 3 failed verification (${rewritten}); terminal:bob accepted it at line 4; the journal as it was is kept at ${acceptance.data.copy}\n` +
        `    accepted on ${acceptance.at}: lines 1–3 are kept as they read, unverified\n`,
      stderr: '',
    });
    const { markdown } = buildPostmortem({ incidentId: incident, verify: readJournal(stateDir).verify, runbooks: new Map(), root: stateDir, writtenAt: new Date() });
    expect(markdown).toContain(`> **The journal was damaged at line 3** (${rewritten}), and **terminal:bob** accepted it at line 4: lines 1–3 are shown as they read, unverified.`);
    expect(markdown).toMatch(/\| Record \| .*hash chain verified, but for the damaged lines 1–3, accepted \|/);
    expect(markdown).toMatch(/\*\*U0MALLORY\*\* .*_\(unverified: a journal line accepted after it failed verification\)_/);
  });

  it('does not call a line after an unreadable one verified: it names it as one that cannot be checked (in-process)', () => {
    const incident = 'dbx-20260420-3fa2';
    const journal = new Journal(stateDir);
    journal.load();
    journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { title: 'Blown DuckDB file' } });
    journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status' } });
    journal.append({ type: 'run.approved', incident, actor: 'U0APPROVER', data: { runId: `${incident}/2` } });
    const lines = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    // Line 2 garbled past reading (its hash gone with it), and after it a forged line that is sound on its own.
    lines[1] = (lines[1] as string).slice(0, 40);
    lines[2] = serialize({ ...(JSON.parse(lines[2] as string) as JournalRecord), actor: 'U0MALLORY', prev: 'e'.repeat(64) }).line.trimEnd();
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
    const unchecked = 'line 3 cannot be checked: it follows unreadable line 2';
    expect(inProcess(['journal', 'verify']).stderr).toContain(`journal FAILED at line 2 of ${journalFile}: not valid JSON; ${unchecked} (lines 1–1 verify)`);
    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('the postmortem marks unverified those that cannot be verified: lines 2 and 3.');
    const ok = inProcess(['journal', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^journal OK: 2 records verified and 1 accepted unverified \(below\) in /);
    expect(ok.stdout).toMatch(new RegExp(`\n    accepted on \\S+: lines 2 and 3 are kept as they read, unverified \\(${unchecked}\\)\n`));
    const { markdown } = buildPostmortem({ incidentId: incident, verify: readJournal(stateDir).verify, runbooks: new Map(), root: stateDir, writtenAt: new Date() });
    expect(markdown).toMatch(/\*\*U0MALLORY\*\* .*_\(unverified: a journal line accepted after it failed verification\)_/);
  });

  it('checks the line after a damaged line against the hash its bytes still name, and marks it only if it does not link (in-process)', () => {
    const journal = new Journal(stateDir);
    journal.load();
    for (const n of [1, 2, 3, 4, 5]) journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${n}` } });
    const lines = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    // Line 2 no longer parses, but its number and hash still read: line 3 links to it, so it is checked.
    lines[1] = (lines[1] as string).replace('"data":{', '"data":{{');
    // Line 4 edited (its hash left as it was), and line 5 put in its place by hand: it does not link to what line 4 names.
    lines[3] = (lines[3] as string).replace('status 4', 'status 44');
    lines[4] = serialize({ ...(JSON.parse(lines[4] as string) as JournalRecord), prev: 'e'.repeat(64) }).line.trimEnd();
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
    expect(inProcess(['journal', 'verify']).stderr).toContain(
      'FAILED at line 2 of ' + journalFile + ': not valid JSON; further lines that fail on their own: 4, 5 (lines 1–1 verify)',
    );
    expect(inProcess(['journal', 'repair'], 'bob').stdout).toContain('the postmortem marks unverified those that cannot be verified: lines 2, 4 and 5.');
    expect(inProcess(['journal', 'verify']).stdout).toContain('lines 2, 4 and 5 are kept as they read, unverified (line 5 cannot be checked: it does not link to line 4, which fails on its own)\n');
  });

  it('names a broken link as the pair of lines, either of which may be the changed one, before and after repair (in-process)', () => {
    // Line 40 edited and hashed again: it verifies on its own, and line 41, untouched, no longer links to it.
    const lines = [...fixtureLines];
    lines[39] = serialize({ ...(JSON.parse(lines[39] as string) as JournalRecord), actor: 'U0MALLORY' }).line.trimEnd();
    writeWithHead(lines);
    const broken = 'line 41 does not link to line 40: one of the two was changed';
    expect(inProcess(['journal', 'verify'])).toEqual({ code: 1, stdout: '', stderr: `journal FAILED at line 40 of ${journalFile}: ${broken} (lines 1–39 verify)${repairHint}` });
    expect(readJournal(stateDir).verify.records).toHaveLength(39);

    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain(`line 40 failed verification (${broken}); accepted by terminal:bob at line ${lines.length + 1}.`);
    expect(repaired.stdout).toContain('the postmortem marks unverified those that cannot be verified: lines 40 and 41.\n');
    const ok = inProcess(['journal', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`journal OK: ${lines.length - 1} records verified and 2 accepted unverified (below)`);
    expect(ok.stdout).toContain(`  line 40 failed verification (${broken}); terminal:bob accepted it`);
    expect(ok.stdout).toContain(': lines 40 and 41 are kept as they read, unverified\n');
    const { unverified, lineOf } = readJournal(stateDir).verify;
    expect([...unverified].map((record) => lineOf?.get(record))).toEqual([40, 41]);

    // The same edit after a garbled line 39 whose hash still reads: the intact line 41 is not said to fail on its own.
    const garbled = [...fixtureLines];
    garbled[38] = (garbled[38] as string).replace('"type":', '"type"');
    garbled[39] = lines[39] as string;
    fs.rmSync(journalFile);
    writeWithHead(garbled);
    expect(inProcess(['journal', 'verify']).stderr).toBe(`journal FAILED at line 39 of ${journalFile}: not valid JSON; ${broken} (lines 1–38 verify)${repairHint}`);
  });

  it('names two swapped lines as there but out of order, not lost: verify, repair, the verify after it and the postmortem', async () => {
    const lines = [...fixtureLines];
    [lines[60], lines[61]] = [lines[61] as string, lines[60] as string];
    writeWithHead(lines);
    const swapped = 'lines 61 and 62 are there but out of order (seq 62 before 61)';
    expect(inProcess(['journal', 'verify'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `journal FAILED at line 61 of ${journalFile}: sequence number 62 where 61 was expected (a line removed or inserted?); ${swapped} (lines 1–60 verify)${repairHint}`,
    });
    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain(`the postmortem marks unverified those that cannot be verified: lines 61 and 62, and says ${swapped}.\n`);
    const ok = inProcess(['journal', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`: lines 61 and 62 are kept as they read, unverified; ${swapped}\n`);
    const { unverified, lineOf, accepted } = readJournal(stateDir).verify;
    expect([...unverified].map((record) => lineOf?.get(record))).toEqual([61, 62]);
    expect(accepted.map((damage) => damage.lostBefore)).toEqual([[]]);

    const env = cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: stateDir });
    const postmortem = await runCliProcess(['postmortem', 'dbx-20260420-bec8'], { env, stdin: 'ignore' });
    expect(postmortem.code, postmortem.stderr).toBe(0);
    expect(postmortem.stdout).not.toMatch(/lines (were )?lost/);
    expect(postmortem.stdout).toContain(`; ${swapped}: nothing was lost there, but the timeline shows them in the order they stand.`);
    // Its Record row too (the clock going back there is said beside it: the swapped lines' times are out of order as well).
    expect(postmortem.stdout).toMatch(/\| Record \| .*hash chain verified, but for lines 61 and 62 out of order, accepted;/);
  });

  it('says a head file path that is a directory is one and what to do, at a line that stays put: repair accepts nothing until it is moved aside, and an append says it wrote no head', async () => {
    writeWithHead(fixtureLines);
    fs.rmSync(`${journalFile}.head`);
    fs.mkdirSync(`${journalFile}.head`);
    const head = `${journalFile}.head`;
    const fix = `move it aside (\`mv ${head} ${head}.aside\`), then \`npm run --silent cli -- journal repair --approver "$USER"\``;
    const blocked = `the journal's head file ${head} is a directory, not a file, so no head can be read or written there: ${fix}`;
    const found = fixtureLines.length + 1;
    const failed = (recorded: string) =>
      `journal FAILED at line ${found} of ${journalFile} (lines 1–${fixtureLines.length} verify): the journal's head file ${head} is a directory, not a file: no head can be read or written there${recorded}, ` +
      `so lines removed from the journal's end would not show and it cannot be verified to its end. To go on, ${fix} accepts the missing head on the record\n`;
    expect(inProcess(['journal', 'verify'])).toEqual({ code: 1, stdout: '', stderr: failed('') });
    // Twice, as the tester did: each time nothing is accepted, no copy or temporary head left beside it; the first, as the
    // first writer, records the directory it found (the line the failure names from then on), the second adds nothing.
    for (const _ of [1, 2]) expect(inProcess(['journal', 'repair'], 'bob')).toEqual({ code: 2, stdout: '', stderr: `databox: nothing accepted: ${blocked}\n` });
    expect(fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n')).toHaveLength(found);
    expect(fs.readdirSync(stateDir).filter((name) => name !== 'journal.jsonl.lock').sort()).toEqual(['journal.jsonl', 'journal.jsonl.head']);

    // A command the real CLI journals (a refused diagnose) appends its lines, and says the head was not written.
    const env = cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: stateDir });
    const refused = await runCliProcess(['diagnose', 'nosuch'], { env, stdin: 'ignore' });
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')).toContain(`warning: ${blocked}`);
    const written = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    expect(written.length).toBeGreaterThan(fixtureLines.length + 1);
    // The first writer recorded what it found: the failure names that line, not the journal's end, which moved on.
    expect(JSON.parse(written[found - 1] as string)).toMatchObject({ type: 'journal.head-missing', data: { lines: fixtureLines.length, directory: true } });
    expect(inProcess(['journal', 'verify'])).toEqual({ code: 1, stdout: '', stderr: failed(` (a writer found it so and recorded it at line ${found}; no line from it on has a head)`) });

    // Moved aside as it says: the head is missing, which repair accepts as before, and the journal verifies.
    fs.renameSync(head, `${head}.aside`);
    expect(inProcess(['journal', 'verify']).stderr).toContain(
      `journal FAILED at line ${found} of ${journalFile}: its head file ${head} was a directory when a writer found it so and recorded it at line ${found} (the journal had ${fixtureLines.length} lines); it is not there now (moved aside?)`,
    );
    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('journal OK again');
    expect(inProcess(['journal', 'verify']).code).toBe(0);
  });

  it('names every damaged spot, and says which line changed when an accepted stretch is edited again (in-process)', () => {
    const lines = [...fixtureLines];
    lines[9] = (lines[9] as string).replace(/"actor":"[^"]*"/, '"actor":"U0MALLORY"');
    lines.splice(19, 1);
    writeWithHead(lines);
    expect(inProcess(['journal', 'verify']).stderr).toMatch(/^journal FAILED at line 10 of .*: its content does not match its hash \(the line was edited\); further lines that fail on their own: 20 \(lines 1–9 verify\)/);
    const repaired = inProcess(['journal', 'repair'], 'bob');
    expect(repaired.code).toBe(0);
    // The edited line alone is unverified; the lines between verify line by line, and the removed one is said lost.
    expect(repaired.stdout).toContain('The lines from 10 on are kept as they read, and the postmortem marks unverified those that cannot be verified: line 10, and says lines were lost before line 20.\n');

    // Edited again between the accepted line and its acceptance: the new change is named by its line.
    const now = fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n');
    now[14] = (now[14] as string).replace(/"actor":"[^"]*"/, '"actor":"U0EVE"');
    fs.writeFileSync(journalFile, `${now.join('\n')}\n`);
    const again = inProcess(['journal', 'verify']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^journal FAILED at line 10 .*; an acceptance of it at line \d+ \(by terminal:bob\) does not match the bytes before it: line 15 differs from the copy it names \(.*journal\.jsonl\.damaged-.*\); further lines that fail on their own: 15, 20/);
  });
});
