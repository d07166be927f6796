// The terminal front end refuses the settings the bot refuses (it reads the same ./.env and configuration): one line, exit 2.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { hostMemory } from '../../src/duckdb/memory-sizes.js';
import { writeHead } from '../../src/journal/head.js';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { cliArgs, cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-cli-settings-');

/** `help` from a folder of its own (the .env there is the one read), with `env` set. */
async function helpIn(dir: string, env: Record<string, string> = {}) {
  const result = await execa(process.execPath, [...cliArgs, 'help'], { cwd: dir, env: cliEnv(env), extendEnv: false, reject: false, timeout: 45_000 });
  return { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('npm run cli with a bad setting', () => {
  it('stops at a .env value that would be read as a comment, naming the file, the line and the variable; quoted, it is read', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.env'), 'LOG_LEVEL=error\nDATABOX_ALERT_CHANNEL=#incidents\n');
    expect(await helpIn(dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: `databox: invalid configuration: ${path.join(dir, '.env')} line 2: the value of DATABOX_ALERT_CHANNEL starts with #, which a .env file reads as the start of a comment, so DATABOX_ALERT_CHANNEL would be empty: give the channel's ID (such as C012ABCDEF, at the bottom of the channel's details), not its name`,
    });
    // Quoted, the value reaches the configuration, which asks for the channel's ID.
    fs.writeFileSync(path.join(dir, '.env'), 'DATABOX_ALERT_CHANNEL="#incidents"\n');
    const quoted = await helpIn(dir);
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toMatch(/^databox: invalid configuration: .*expected a Slack channel ID such as C012ABCDEF → at DATABOX_ALERT_CHANNEL$/);
    fs.writeFileSync(path.join(dir, '.env'), 'DATABOX_ALERT_CHANNEL=C012ABCDEF # #incidents\n');
    expect((await helpIn(dir)).code).toBe(0);
  });

  it('stops at a DuckDB memory limit over the memory there is, which aborted the first read', async () => {
    const result = await helpIn(tempDir(), { DATABOX_DUCKDB_MEMORY_LIMIT: `${Math.ceil(hostMemory().bytes / 1e9) + 1}GB` });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^databox: invalid configuration: ✖ \d+GB is more memory than .*GiB.* → at DATABOX_DUCKDB_MEMORY_LIMIT$/);
  });

  it('stops at a path starting with ~', async () => {
    const result = await helpIn(tempDir(), { DATABOX_STATE_DIR: '~/var' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^databox: invalid configuration: ✖ starts with ~, which no shell expands here: .* → at DATABOX_STATE_DIR$/);
  });

  it('stops at a misspelled setting, as the bot does, naming the setting meant', async () => {
    const result = await helpIn(tempDir(), { DATABOX_ALLOW_SELF_APROVAL: 'true' });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'databox: invalid configuration: DATABOX_ALLOW_SELF_APROVAL is not a setting databox-bot reads, so its value would be ignored: did you mean DATABOX_ALLOW_SELF_APPROVAL? Rename it',
    });
  });

  it('runs with a DATABOX_ name far from every setting (the stack may read it), warning that it is no setting of the bot', async () => {
    const dir = tempDir();
    const env = cliEnv({ DATABOX_ROOT: dir, DATABOX_STATE_DIR: path.join(dir, 'var'), DATABOX_NEW_STACK_KNOB: '1' });
    const result = await execa(process.execPath, [...cliArgs, 'status'], { cwd: dir, env, extendEnv: false, reject: false, timeout: 45_000 });
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr)).toContain("warning: databox-bot reads no setting named DATABOX_NEW_STACK_KNOB: passed on to the commands it runs");
  });

  it('stops the commands that read only the state dir (journal verify, journal repair, postmortem) at a quoted DATABOX_ROOT, in the bot\'s own words', async () => {
    const stateDir = path.join(tempDir(), 'var');
    fs.mkdirSync(stateDir);
    // As a careless .env or systemd unit gives it: the quotes are part of the value, so the path would be another one.
    for (const root of ["'/srv/databox'", '"/srv/databox"']) {
      const bots = (() => {
        try {
          loadConfig({ DATABOX_ROOT: root });
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error(`the bot took DATABOX_ROOT=${root}`);
      })();
      expect(bots).toContain('is wrapped in quotes, which would be taken as part of the path (docker run --env-file keeps quotes): write the path bare → at DATABOX_ROOT');
      for (const args of [['journal', 'verify'], ['journal', 'repair', '--approver', 'bob'], ['postmortem', 'dbx-20260420-bec8']]) {
        const result = await runCliProcess(args, { env: cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: root }), stdin: 'ignore' });
        expect({ args, root, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ args, root, code: 2, stdout: '', stderr: `databox: ${bots}\n` });
      }
    }
    // Nothing was read or written in the state dir meanwhile.
    expect(fs.readdirSync(stateDir)).toEqual([]);
  });

  it('warns of that name at the commands that read only the state dir too (journal verify, journal repair, postmortem), and does what it was asked', async () => {
    const stateDir = path.join(tempDir(), 'var');
    fs.mkdirSync(stateDir);
    const journalFile = path.join(stateDir, 'journal.jsonl');
    fs.copyFileSync(fixtureJournal, journalFile);
    writeHead(journalFile, JSON.parse(fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n').at(-1) as string));
    const env = cliEnv({ DATABOX_STATE_DIR: stateDir, DATABOX_SOMETHING_NEW: '1' });
    const warning = 'warning: databox-bot reads no setting named DATABOX_SOMETHING_NEW: passed on to the commands it runs, but if it was meant as one of the bot\'s settings (README, Configuration), that setting keeps its default\n';
    for (const [args, done] of [
      [['journal', 'verify'], /^journal OK: \d+ records verified/],
      [['journal', 'repair', '--approver', 'bob'], /^journal OK: nothing to repair/],
      [['postmortem', 'dbx-20260420-bec8'], /^# Postmortem/],
    ] as const) {
      const result = await runCliProcess(args, { env, stdin: 'ignore' });
      expect({ args, code: result.code, warned: result.stderr.startsWith(warning) }, result.stderr).toEqual({ args, code: 0, warned: true });
      expect(result.stdout).toMatch(done);
    }
  });
});
