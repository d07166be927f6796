// A last line cut short by a crash while it was written, never acknowledged (the head names the line before it): what
// only reads the journal (journal verify, the postmortem, status) says so, as the writers do, and calls it no damage:
// nothing to accept, set aside at the next write. None of them writes to the journal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { journalCommand } from '../../src/terminal/journal-command.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
const tornLine = lines.length;
const torn = (lines.at(-1) as string).slice(0, 200);
const tornWords = `the journal's last line, line ${tornLine}, was cut short (a crash or a full disk while it was written) and never acknowledged: no event is lost and there is nothing to accept; the next write sets it aside`;

let home: string;
let stateDir: string;
let journalFile: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'torn-unacknowledged-'));
  temps.push(home);
  stateDir = path.join(home, 'state');
  fs.mkdirSync(stateDir);
  journalFile = path.join(stateDir, 'journal.jsonl');
  fs.writeFileSync(journalFile, `${lines.slice(0, -1).join('\n')}\n${torn}`);
  // The head names the line before it: the torn line's write never finished, so nobody was told it was done.
  writeHead(journalFile, JSON.parse(lines.at(-2) as string));
});

function inProcess(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = journalCommand(args, { env: { DATABOX_STATE_DIR: stateDir }, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
}

function run(args: readonly string[]) {
  return runCliProcess(args, { env: cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: home, HOME: home }), stdin: 'ignore' });
}

describe('a torn last line never acknowledged', () => {
  it('journal verify: OK for the lines before it, and says the torn line is no damage (exit 0, nothing written)', () => {
    const before = fs.readFileSync(journalFile, 'utf8');
    expect(inProcess(['journal', 'verify'])).toEqual({ code: 0, stdout: `journal OK: ${tornLine - 1} records verified in ${journalFile}\n  note: ${tornWords}\n`, stderr: '' });
    expect(fs.readFileSync(journalFile, 'utf8')).toBe(before);
  });

  it('the postmortem and status say the same, mark nothing unverified, and leave the journal as it was', async () => {
    const before = fs.readFileSync(journalFile, 'utf8');
    const postmortem = await run(['postmortem', 'dbx-20260420-bec8']);
    expect(postmortem.code, postmortem.stderr).toBe(0);
    expect(postmortem.stderr).toContain(`note: ${tornWords}\n`);
    expect(postmortem.stdout).not.toContain('unverified');
    expect(postmortem.stdout).toMatch(new RegExp(`\\| Record \\| .*hash chain verified; ${tornWords.replace(/[()]/g, '\\$&')}`));
    const status = await run(['status']);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: `note: ${tornWords}\n` });
    expect(fs.readFileSync(journalFile, 'utf8')).toBe(before);
    expect(fs.readdirSync(stateDir).filter((name) => name.includes('torn'))).toEqual([]);
  });
});
