// A journal that can be read but not written (mode 0444, for a user without root's powers): what only reads it works,
// what must be recorded is refused in one line naming the file, the uid and what to do (exit 2), and the bot does not start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { mainArgs } from '../helpers/main-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** The tests' own user, who runs the CLI and the bot: as root, without root's powers (no file mode stops root otherwise). */
const runsAs = process.getuid?.();
const dropRootPowers = runsAs === 0 ? ['setpriv', '--bounding-set', '-all', '--inh-caps', '-all', '--'] : [];

let home: string;
let stateDir: string;
let journalFile: string;
const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-read-only-'));
  temps.push(home);
  stateDir = path.join(home, 'state');
  fs.mkdirSync(stateDir);
  journalFile = path.join(stateDir, 'journal.jsonl');
  fs.copyFileSync(fixtureJournal, journalFile);
  writeHead(journalFile, JSON.parse(lines.at(-1) as string));
  fs.chmodSync(journalFile, 0o444);
});

function run(args: readonly string[]) {
  const env = cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: home, HOME: home });
  return runCliProcess(args, { env, stdin: 'ignore', withoutRootPowers: true });
}

const cannotWrite = () => `the journal ${journalFile} cannot be written by uid ${runsAs} (mode 0444, owned by uid ${runsAs})`;

describe('a journal that can be read but not written', () => {
  it('is read by journal verify, status and postmortem; diagnose and recover are refused in one line naming the file and the uid, exit 2', async () => {
    const verified = await run(['journal', 'verify']);
    expect({ code: verified.code, stdout: verified.stdout }).toEqual({ code: 0, stdout: `journal OK: ${lines.length} records verified in ${journalFile}\n` });
    const status = await run(['status']);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.stdout).toContain('dbx-20260420-bec8');
    const before = fs.readFileSync(journalFile, 'utf8');
    for (const args of [['diagnose', 'duckdb'], ['recover', 'duckdb', 'path=a', '--approver', 'bob']]) {
      const result = await run(args);
      expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        args,
        code: 2,
        stdout: '',
        stderr:
          `databox: ${cannotWrite()}; nothing that must be recorded can run (a diagnosis, a plan, an approval): run this as the user the bot runs as, ` +
          `or give uid ${runsAs} write access to it; \`npm run --silent cli -- status\`, \`npm run --silent cli -- journal verify\` and \`npm run --silent cli -- postmortem <incident-id>\` only read it\n`,
      });
    }
    expect(fs.readFileSync(journalFile, 'utf8')).toBe(before);
  });

  it('with damage to accept: journal repair accepts nothing and says why, exit 2, copying nothing beside it', async () => {
    fs.rmSync(`${journalFile}.head`);
    const before = fs.readdirSync(stateDir).sort();
    const result = await run(['journal', 'repair', '--approver', 'bob']);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: `databox: nothing accepted: ${cannotWrite()}; run journal repair as the user the bot runs as, or give uid ${runsAs} write access to it\n`,
    });
    expect(fs.readdirSync(stateDir).sort()).toEqual(before);
  });

  it('stops the bot at start in one line, exit 2', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      SLACK_BOT_TOKEN: 'xoxb-read-only-journal',
      SLACK_SIGNING_SECRET: 'read-only-journal-secret',
      // Nothing listens here: the bot stops before it would ask Slack anything.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      PORT: '0',
      DATABOX_ROOT: home,
      DATABOX_STATE_DIR: stateDir,
    };
    const [file, ...args] = [...dropRootPowers, process.execPath, ...mainArgs];
    const result = await execa(file as string, args, { cwd: home, env, extendEnv: false, reject: false, timeout: 60_000 });
    expect({ code: result.exitCode, stderr: result.stderr }).toEqual({
      code: 2,
      stderr: `databox-bot: ${cannotWrite()}; the bot would refuse every change, so it does not start: start it as the user the journal belongs to, or give uid ${runsAs} write access to it`,
    });
  });
});
