// The real CLI on a journal path that holds no readable journal (a directory in its place, a file of mode 000 read by a
// user without root's powers): every command that reads the journal refuses in one line naming the path and what is wrong, exit 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { execa } from 'execa';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** The tests' own user, who runs the CLI: as root, without root's powers (no file mode stops root otherwise). */
const runsAs = process.getuid?.();

let home: string;
let stateDir: string;
let journalFile: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-unreadable-'));
  temps.push(home);
  stateDir = path.join(home, 'state');
  fs.mkdirSync(stateDir);
  journalFile = path.join(stateDir, 'journal.jsonl');
});

/** The commands that read the journal, each as an operator types it. */
const commands = [
  ['journal', 'verify'],
  ['journal', 'repair', '--approver', 'bob'],
  ['postmortem', 'dbx-20260420-bec8'],
  ['status'],
  ['diagnose', 'duckdb'],
];

function run(args: readonly string[], withoutRootPowers = false) {
  const env = cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: home, HOME: home });
  return runCliProcess(args, { env, stdin: 'ignore', withoutRootPowers });
}

describe('a journal that cannot be read', () => {
  it('is a directory: each command says so in one line, exit 2 (not 1, a verification failure), and writes nothing', async () => {
    fs.mkdirSync(journalFile);
    for (const args of commands) {
      const result = await run(args);
      expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        args,
        code: 2,
        stdout: '',
        stderr: `databox: the journal ${journalFile} is a directory, not a file, so there is no journal to read there: put the journal file back in its place (or set DATABOX_STATE_DIR to the bot's state dir)\n`,
      });
    }
    // Nothing written beside it: no acceptance, no copy, no head, no postmortem.
    expect(fs.readdirSync(stateDir)).toEqual(['journal.jsonl']);
    expect(fs.readdirSync(journalFile)).toEqual([]);
  });

  it(`is a file of mode 000: each command names the uid it runs as (${runsAs}), exit 2`, async () => {
    fs.copyFileSync(fixtureJournal, journalFile);
    const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
    writeHead(journalFile, JSON.parse(lines.at(-1) as string));
    fs.chmodSync(journalFile, 0o000);
    const before = fs.readdirSync(stateDir).sort();
    for (const args of commands) {
      const result = await run(args, true);
      expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        args,
        code: 2,
        stdout: '',
        stderr: `databox: the journal ${journalFile} cannot be read by uid ${runsAs} (mode 0000, owned by uid ${runsAs}): run this as the user the bot runs as, or give this user read access to it and its folder\n`,
      });
    }
    expect(fs.readdirSync(stateDir).sort()).toEqual(before);
    // Readable again, it verifies: the refusal was the file's mode, nothing else.
    fs.chmodSync(journalFile, 0o644);
    const verified = await run(['journal', 'verify'], true);
    expect({ code: verified.code, stdout: verified.stdout }).toEqual({ code: 0, stdout: `journal OK: ${lines.length} records verified in ${journalFile}\n` });
  });

  it(`has a head file of mode 000: each command names the head, the uid (${runsAs}), its mode and owner, exit 2, and nothing is appended`, async () => {
    fs.copyFileSync(fixtureJournal, journalFile);
    const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
    writeHead(journalFile, JSON.parse(lines.at(-1) as string));
    fs.chmodSync(`${journalFile}.head`, 0o000);
    const before = fs.readFileSync(journalFile, 'utf8');
    for (const args of commands) {
      const result = await run(args, true);
      expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        args,
        code: 2,
        stdout: '',
        stderr:
          `databox: the journal's head file ${journalFile}.head cannot be read by uid ${runsAs} (mode 0000, owned by uid ${runsAs}), so the journal cannot be checked against it, ` +
          `nor lines written to it without it: run this as the user the bot runs as, or give this user read access to it\n`,
      });
    }
    expect(fs.readFileSync(journalFile, 'utf8')).toBe(before);
  });
});

describe('a head file made unreadable under a running writer', () => {
  it('is said as not written, naming why, rather than passed over as a missing head', async () => {
    fs.copyFileSync(fixtureJournal, journalFile);
    const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
    writeHead(journalFile, JSON.parse(lines.at(-1) as string));
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const script = path.join(projectRoot, 'test', 'fixtures', 'scripts', 'journal-head-made-unreadable.ts');
    const dropped = runsAs === 0 ? ['setpriv', '--bounding-set', '-all', '--inh-caps', '-all', '--'] : [];
    const result = await execa(dropped[0] ?? tsx, [...dropped.slice(1), ...(dropped.length > 0 ? [tsx] : []), script, stateDir], { reject: false, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      `the journal's head file ${journalFile}.head could not be written (EACCES: permission denied, open '${journalFile}.head'), so lines written since cannot be checked against it`,
    ]);
  });
});
