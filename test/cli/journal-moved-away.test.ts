// A journal moved away (or deleted) while its head names records: nothing creates a new journal in its place, `status`
// writes nothing, and every command, the postmortem included, says the journal is missing and to put it back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { Journal } from '../../src/journal/journal.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
const last = JSON.parse(lines.at(-1) as string) as { seq: number; hash: string };

let home: string;
let stateDir: string;
let journalFile: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-moved-away-'));
  temps.push(home);
  stateDir = path.join(home, 'state');
  fs.mkdirSync(stateDir);
  journalFile = path.join(stateDir, 'journal.jsonl');
  fs.copyFileSync(fixtureJournal, journalFile);
  writeHead(journalFile, last);
});

function run(args: readonly string[]) {
  return runCliProcess(args, { env: cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: home, HOME: home }), stdin: 'ignore' });
}

/** Every file in the state dir with its bytes: a command that only reads leaves all of them as they were. */
function stateDirContents(): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(stateDir).sort().map((name) => [name, fs.readFileSync(path.join(stateDir, name), 'utf8')]));
}

const missing = () =>
  `databox: the journal ${journalFile} is missing but its head ${journalFile}.head names record ${last.seq}: put it back ` +
  `(it was moved or deleted; nothing creates a new journal beside a head that names records, which would hide them). ` +
  `If it is lost for good, move the head aside too (\`mv ${journalFile}.head ${journalFile}.head.lost\`): a new journal then begins\n`;

describe('a journal moved away while its head names records', () => {
  it('status, diagnose and journal repair create nothing and say to put it back (exit 2); moved back, it verifies', async () => {
    fs.renameSync(journalFile, path.join(stateDir, 'j.moved'));
    const before = stateDirContents();
    for (const args of [['status'], ['diagnose', 'duckdb'], ['journal', 'repair', '--approver', 'bob']]) {
      const result = await run(args);
      expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ args, code: 2, stdout: '', stderr: missing() });
      expect(stateDirContents()).toEqual(before);
    }
    fs.renameSync(path.join(stateDir, 'j.moved'), journalFile);
    const verified = await run(['journal', 'verify']);
    expect({ code: verified.code, stdout: verified.stdout }).toEqual({ code: 0, stdout: `journal OK: ${lines.length} records verified in ${journalFile}\n` });
  });

  it('deleted: journal verify and the postmortem say it is missing, not empty (exit 2)', async () => {
    fs.rmSync(journalFile);
    for (const args of [['journal', 'verify'], ['postmortem', 'dbx-20260420-bec8']]) {
      const result = await run(args);
      expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ args, code: 2, stdout: '', stderr: missing() });
    }
    expect(fs.readdirSync(stateDir).sort()).toEqual(['journal.jsonl.head']);
  });

  it('status only reads: a journal whose end was cut is shown as failing, and nothing is written (no end-cut record, no lock)', async () => {
    fs.writeFileSync(journalFile, `${lines.slice(0, -2).join('\n')}\n`);
    const before = stateDirContents();
    const status = await run(['status']);
    expect(status.code).toBe(0);
    expect(status.stderr).toContain(`warning: the journal failed verification at line ${lines.length - 1} (the journal ends at line ${lines.length - 2}, but line ${lines.length} was written`);
    expect(stateDirContents()).toEqual(before);
  });

  it('moved away under a running process: its next event is kept in memory, not written to a new journal', () => {
    const journal = new Journal(stateDir);
    journal.load();
    fs.renameSync(journalFile, path.join(stateDir, 'j.moved'));
    journal.append({ type: 'note', data: {} });
    expect(fs.existsSync(journalFile)).toBe(false);
    expect(journal.unwritable?.reason).toBe(missing().replace(/^databox: /, '').trimEnd());
    expect(journal.keptEvents().map((event) => event.type)).toEqual(['note']);
    fs.renameSync(path.join(stateDir, 'j.moved'), journalFile);
    journal.tryWriteKept();
    expect(fs.readFileSync(journalFile, 'utf8').trimEnd().split('\n')).toHaveLength(lines.length + 1);
  });
});
