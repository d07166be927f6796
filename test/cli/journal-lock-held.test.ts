// The journal lock held by a live process that does not let go (a stuck bot): `status` answers without it, and what
// must write says what holds it and what to check, exit 2, not an internal error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { identityOf } from '../../src/process/identity.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');

let home: string;
let stateDir: string;
let journalFile: string;
let holder: ResultPromise;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-lock-held-'));
  temps.push(home);
  stateDir = path.join(home, 'state');
  fs.mkdirSync(stateDir);
  journalFile = path.join(stateDir, 'journal.jsonl');
  fs.copyFileSync(fixtureJournal, journalFile);
  writeHead(journalFile, JSON.parse(lines.at(-1) as string));
  // A live process named as the lock's holder, as a stuck bot would be.
  holder = execa('sleep', ['600']);
  holder.catch(() => {});
  const pid = holder.pid as number;
  fs.writeFileSync(`${journalFile}.lock`, JSON.stringify({ ...identityOf(pid), nonce: 'held-by-test', at: new Date().toISOString() }));
});

afterEach(() => {
  holder.kill();
});

function run(args: readonly string[]) {
  return runCliProcess(args, { env: cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: home, HOME: home }), stdin: 'ignore' });
}

describe('the journal lock held by a live process that does not let go', () => {
  it('status answers without it', async () => {
    const status = await run(['status']);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.stdout).toContain('dbx-20260420-bec8');
  });

  it('diagnose and journal repair say what holds it and what to check, exit 2', async () => {
    const pid = holder.pid as number;
    const diagnose = await run(['diagnose', 'duckdb']);
    expect({ code: diagnose.code, stderr: diagnose.stderr.split('\n').filter((line) => !line.startsWith('warning: ')).join('\n') }).toEqual({ code: 2, stderr: held(pid) });
    const repair = await run(['journal', 'repair', '--approver', 'bob']);
    expect({ code: repair.code, stdout: repair.stdout, stderr: repair.stderr }).toEqual({ code: 2, stdout: '', stderr: held(pid) });
  });
});

function held(pid: number): string {
  return (
    `databox: the journal lock ${journalFile}.lock has been held by PID ${pid} for more than 10s, so nothing can be written to the journal: ` +
    `is it the bot, stuck? \`ps -p ${pid} -o pid,lstart,args\` says what it is; the bot stops on SIGTERM (\`kill ${pid}\`, or the service manager's stop), ` +
    `writing what it holds, and this can run again\n`
  );
}
