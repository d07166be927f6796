// `npm run --silent cli -- journal verify`, run as the real CLI process: exit 0 and one OK line on an intact journal,
// non-zero naming the first bad line and why on a tampered one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { journalCommand } from '../../src/terminal/journal-command.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let stateDir: string;
let journalFile: string;
const fixtureLines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-verify-'));
  temps.push(stateDir);
  journalFile = path.join(stateDir, 'journal.jsonl');
});

const verify = () => runCliProcess(['journal', 'verify'], { env: cliEnv({ DATABOX_STATE_DIR: stateDir }), stdin: 'ignore' });

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

  it('warns when the head file is missing, since lines removed from the end would then not show', async () => {
    const lines = fixtureLines.slice(0, 30);
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
    const result = await verify();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`journal OK: 30 records verified in ${journalFile}\n`);
    expect(result.stderr).toBe(`warning: ${journalFile}.head is missing, so lines removed from the journal's end would not show here; the bot writes it again at its next append\n`);
  });

  it('exits 1 naming the first edited line and why', async () => {
    const lines = [...fixtureLines];
    const record = JSON.parse(lines[41] as string);
    record.actor = 'terminal:mallory';
    lines[41] = JSON.stringify(record);
    // A second bad line further down: only the first is named.
    lines[60] = (lines[60] as string).replace('"seq":61', '"seq":99');
    fs.writeFileSync(journalFile, `${lines.join('\n')}\n`);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`journal FAILED at line 42 of ${journalFile}: its content does not match its hash (the line was edited) (lines 1–41 verify)\n`);
  });

  it('exits 1 on a removed line and on a line that is not JSON; 0 with no journal yet, creating nothing (in-process)', () => {
    const run = () => {
      let stdout = '';
      let stderr = '';
      const code = journalCommand(['journal', 'verify'], {
        env: { DATABOX_STATE_DIR: stateDir },
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      });
      return { code, stdout, stderr };
    };
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
    expect(first.stderr).toBe(`journal FAILED at line 10 of ${journalFile}: sequence number 11 where 10 was expected (a line removed or inserted?) (lines 1–9 verify)\n`);

    fs.writeFileSync(journalFile, `${fixtureLines.slice(0, 5).join('\n')}\n{"seq":6,"at":"2026-04\n`);
    const second = run();
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`journal FAILED at line 6 of ${journalFile}: not valid JSON (lines 1–5 verify)\n`);
  });
});
