// Starting the real bot process (src/main.ts): bad configuration and runbooks stop it with one clear line; good ones serve.
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { hostMemory } from '../../src/duckdb/memory-sizes.js';
import { freePort, mainArgs, projectRoot, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { signingSecret } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { escapeRegExp } from '../support/escape-regexp.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-startup-'));
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, DATABOX_ROOT: work, DATABOX_STATE_DIR: path.join(work, 'var'), LOG_LEVEL: 'info' };

blockNetwork();
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function startMain(env: Record<string, string>) {
  // Generous: a start that refuses takes a second alone, far longer on a machine busy with other work.
  return execa(process.execPath, mainArgs, { cwd: work, env, extendEnv: false, reject: false, timeout: 120_000 });
}

describe('npm start', () => {
  it.each([
    ['no bot token', {}, /SLACK_BOT_TOKEN is required/],
    ['a malformed bot token', { SLACK_BOT_TOKEN: 'abc' }, /must be a bot token starting with xoxb- → at SLACK_BOT_TOKEN/],
    ['neither app token nor signing secret', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }, /set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode → at SLACK_SIGNING_SECRET/],
    ['a malformed duration', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_APPROVAL_TTL: '15 minutes' }, /expected a duration such as 30s, 15m, 2h or 1h30m → at DATABOX_APPROVAL_TTL/],
    ['a malformed boolean', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_ALLOW_SELF_APPROVAL: 'maybe' }, /DATABOX_ALLOW_SELF_APPROVAL/],
    ['a blank port', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', PORT: ' ' }, /expected a port number such as 3000 .* → at PORT/],
    ['a port in hex', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', PORT: '0x50' }, /expected a port number such as 3000 .* → at PORT/],
    // Taken before, and the first DuckDB open (a watcher's, a diagnosis') aborted the running bot.
    [
      'a DuckDB memory limit over the memory there is',
      { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_DUCKDB_MEMORY_LIMIT: `${Math.ceil(hostMemory().bytes / 1e9) + 1}GB` },
      /✖ \d+GB is more memory than (this host has|this process may use) \(.*GiB.*: set it lower, such as the default 256MB .*→ at DATABOX_DUCKDB_MEMORY_LIMIT$/,
    ],
    // Ignored before: approvals stayed open to anyone while the operator believed them restricted.
    ['a misspelled approval setting', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_APROVERS: 'U0ONLY' }, /^databox-bot: invalid configuration: DATABOX_APROVERS is not a setting databox-bot reads, so its value would be ignored: did you mean DATABOX_APPROVERS\? Rename it$/],
    // Started silently before, its watchers asking the bot itself: 3000 is Bolt's default PORT and Dagster's webserver's.
    [
      "DAGSTER_URL at the bot's own port",
      { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DAGSTER_URL: 'http://localhost:3000' },
      /^databox-bot: invalid configuration: DAGSTER_URL=http:\/\/localhost:3000 is this bot's own address: PORT \(unset: 3000, its default\) is where the bot itself listens in HTTP mode, .*: set PORT to another port/,
    ],
    ['a state folder starting with ~', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_STATE_DIR: '~/var' }, /starts with ~, which no shell expands here: .*Give the full path, such as .* → at DATABOX_STATE_DIR$/],
  ])('stops with one line naming the problem: %s', async (_name, env, expected) => {
    const result = await startMain({ ...baseEnv, ...env });
    expect(result.exitCode).toBe(2);
    const lines = String(result.stderr).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(String(result.stderr)).not.toContain('xoxb-1-2-abc');
  });

  // A new member's usual first start: .env.example not copied yet, or npm start run from another folder.
  it('says there is no .env file in the folder it started in when the bot token is missing, and not when a .env lacks it', async () => {
    const bare = fs.mkdtempSync(path.join(work, 'no-dot-env-'));
    const withFile = fs.mkdtempSync(path.join(work, 'dot-env-no-token-'));
    fs.writeFileSync(path.join(withFile, '.env'), 'SLACK_SIGNING_SECRET=s\n');
    const [missing, lacking] = await Promise.all(
      [bare, withFile].map((cwd) => execa(process.execPath, mainArgs, { cwd, env: baseEnv, extendEnv: false, reject: false, timeout: 120_000 })),
    );
    expect(missing?.exitCode).toBe(2);
    expect(String(missing?.stderr).trim()).toBe(
      `databox-bot: invalid configuration: SLACK_BOT_TOKEN is required to start the Slack bot and there is no .env file in ${bare}: copy .env.example to .env there and fill it in (README, "Set up and run"), or set the variables in the environment; the terminal front end is \`npm run cli\``,
    );
    expect(lacking?.exitCode).toBe(2);
    expect(String(lacking?.stderr).trim()).toBe('databox-bot: invalid configuration: SLACK_BOT_TOKEN is required to start the Slack bot (see .env.example); the terminal front end is `npm run cli`');
  });

  it('stops with one line naming the .env file, its line and the variable when a value there would be read as a comment', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'dot-env-'));
    fs.writeFileSync(path.join(dir, '.env'), 'SLACK_BOT_TOKEN=xoxb-1-2-abc\nSLACK_SIGNING_SECRET=s\nDATABOX_ALERT_CHANNEL=#incidents\n');
    const result = await execa(process.execPath, mainArgs, { cwd: dir, env: baseEnv, extendEnv: false, reject: false, timeout: 120_000 });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr).trim()).toBe(
      `databox-bot: invalid configuration: ${path.join(dir, '.env')} line 3: the value of DATABOX_ALERT_CHANNEL starts with #, which a .env file reads as the start of a comment, so DATABOX_ALERT_CHANNEL would be empty: give the channel's ID (such as C012ABCDEF, at the bottom of the channel's details), not its name`,
    );
  });

  it('stops with one line naming a setting written in lower or mixed case, in the environment or in .env', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'dot-env-case-'));
    fs.writeFileSync(path.join(dir, '.env'), 'SLACK_BOT_TOKEN=xoxb-1-2-abc\nSLACK_SIGNING_SECRET=s\nDatabox_Approvers=U0ONLY\n');
    const fromFile = await execa(process.execPath, mainArgs, { cwd: dir, env: baseEnv, extendEnv: false, reject: false, timeout: 120_000 });
    const fromEnv = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', databox_approvers: 'U0ONLY' });
    for (const [result, name] of [[fromFile, 'Databox_Approvers'], [fromEnv, 'databox_approvers']] as const) {
      expect(result.exitCode).toBe(2);
      expect(String(result.stderr).trim()).toBe(
        `databox-bot: invalid configuration: ${name} is not a setting databox-bot reads (setting names are upper case), so its value would be ignored: did you mean DATABOX_APPROVERS? Rename it`,
      );
    }
  });

  it('stops on a bad runbook, naming the file, the path inside it and what is wrong', async () => {
    const runbooks = path.join(work, 'runbooks');
    fs.mkdirSync(runbooks, { recursive: true });
    const text = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8').replace('kind: move\n', 'kind: teleport\n');
    fs.writeFileSync(path.join(runbooks, 'duckdb.yml'), text);
    const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_RUNBOOKS_DIR: runbooks });
    expect(result.exitCode).toBe(2);
    const line = text.split('\n').indexOf(text.split('\n').find((l) => l.endsWith('kind: teleport')) as string) + 1;
    expect(String(result.stderr)).toMatch(new RegExp(`runbooks/duckdb\\.yml:${line}: at recovery\\[0\\]\\.steps\\[0\\]\\.kind: `));
    expect(String(result.stderr).split('\n')[0]).toBe(`databox-bot: the runbooks in ${runbooks} do not load (DATABOX_RUNBOOKS_DIR):`);
    // A folder that is not there is named as the variable's, not called an invalid runbook.
    const missing = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_RUNBOOKS_DIR: path.join(work, 'no-runbooks') });
    expect(missing?.exitCode).toBe(2);
    expect(String(missing?.stderr).trim().split('\n')).toEqual([
      `databox-bot: the runbooks in ${path.join(work, 'no-runbooks')} do not load (DATABOX_RUNBOOKS_DIR):`,
      `there is no folder ${path.join(work, 'no-runbooks')} (DATABOX_RUNBOOKS_DIR): set it to the folder of runbook files, or unset it to use the bundled runbooks/`,
    ]);
  });

  it('runs the same checks as runbooks check: a status no step can end with stops the start', async () => {
    const runbooks = path.join(work, 'runbooks-status');
    fs.mkdirSync(runbooks, { recursive: true });
    const text = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8').replace('when: { step: open, status: locked }', 'when: { step: open, status: lockd }');
    fs.writeFileSync(path.join(runbooks, 'duckdb.yml'), text);
    const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', DATABOX_RUNBOOKS_DIR: runbooks });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain(
      `${path.join(runbooks, 'duckdb.yml')}:${text.split('\n').findIndex((l) => l.includes('status: lockd')) + 1}: at diagnosis.verdicts[0].when.status: step "open" (duckdb-open) never ends "lockd" (did you mean "locked"?)`,
    );
  });

  it('stops with one line when Slack does not accept the bot token', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    slack.failures.set('auth.test', 'invalid_auth');
    try {
      const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.apiUrl, PORT: '0' });
      expect(result.exitCode).toBe(2);
      expect(String(result.stderr).trim()).toBe(
        "databox-bot: invalid configuration: SLACK_BOT_TOKEN is not accepted by Slack (invalid_auth): copy the Bot User OAuth Token (xoxb-…) again from the app's " +
          'OAuth & Permissions page, or reinstall the app to the workspace for a new one, and set it as SLACK_BOT_TOKEN',
      );
    } finally {
      await slack.stop();
    }
  });

  it('stops with one line naming SLACK_API_URL and the URL it asked when Slack is not there (a base without /api/)', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    try {
      const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.url, PORT: '0' });
      expect(result.exitCode).toBe(1);
      expect(String(result.stderr).trim()).toBe(
        `databox-bot: could not start: cannot check the bot token: ${slack.url}/auth.test answered HTTP 404 Not Found (application/json), where Slack's Web API answers 200: SLACK_API_URL must be the Web API's base, such as https://slack.com/api/ (not asked again: the same address gives the same answer)`,
      );
    } finally {
      await slack.stop();
    }
  });

  // A 403 was asked again three times before (1, 2 and 4 s apart), for an answer no retry changes; a page answered 200
  // was named only by JSON's parse error.
  it.each([
    [403, "answered HTTP 403 Forbidden (text/html), where Slack's Web API answers 200"],
    [200, "answered HTTP 200 OK with text/html, not the JSON Slack's Web API answers with"],
  ])("stops at once, asking once, naming the answer, when a proxy answers auth.test in Slack's place with %i and a page", async (status, answer) => {
    const slack = new SlackStandIn();
    await slack.start();
    slack.troubled = /^auth\.test$/;
    slack.lastingTrouble = { status, raw: '<html><body>Access denied by proxy</body></html>' };
    try {
      const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.apiUrl, PORT: '0' });
      expect(slack.calls.filter((c) => c.method === 'auth.test')).toHaveLength(1);
      expect(result.exitCode).toBe(1);
      expect(String(result.stderr).trim()).toBe(
        `databox-bot: could not start: cannot check the bot token: ${slack.apiUrl}auth.test ${answer}: SLACK_API_URL must be the Web API's base, such as https://slack.com/api/ (not asked again: the same address gives the same answer)`,
      );
    } finally {
      await slack.stop();
    }
  });

  it('asks auth.test again when Slack fails for a moment (a 500) as the bot starts, and starts', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    slack.troubled = /^auth\.test$/;
    slack.trouble = [{ status: 500 }];
    const port = await freePort();
    const child = execa(process.execPath, mainArgs, {
      cwd: work,
      env: { ...baseEnv, DATABOX_STATE_DIR: path.join(work, 'var-slack-500'), SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl, PORT: String(port) },
      extendEnv: false,
      reject: false,
      forceKillAfterDelay: 60_000,
    });
    try {
      expect(await waitForHealthz(port)).toBe(200);
      expect(slack.calls.filter((c) => c.method === 'auth.test').length).toBeGreaterThanOrEqual(2);
    } finally {
      child.kill('SIGTERM');
      await child;
      await slack.stop();
    }
  });

  it('stops with one line naming SLACK_APP_TOKEN when Slack does not accept it for Socket Mode', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    slack.failures.set('apps.connections.open', 'invalid_auth');
    try {
      const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A0-1-abc', SLACK_API_URL: slack.apiUrl });
      expect(result.exitCode).toBe(2);
      expect(String(result.stderr).trim()).toBe(
        'databox-bot: invalid configuration: SLACK_APP_TOKEN is not accepted by Slack (invalid_auth): it must be an app-level token (xapp-…) with the connections:write scope',
      );
      expect(slack.calls.map((c) => c.method)).toContain('auth.test');
    } finally {
      await slack.stop();
    }
  });

  it('stops with one line naming PORT when another process listens on it', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.apiUrl, PORT: String(port) });
      expect(result.exitCode).toBe(2);
      expect(String(result.stderr).trim()).toBe(`databox-bot: invalid configuration: PORT=${port} is already in use by another process: stop it, or set PORT to a free port`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await slack.stop();
    }
  });

  // Bolt's own start asks again every few seconds, forever, for these: the start stops instead.
  it.each(['missing_scope', 'not_allowed_token_type'])('stops with one line naming SLACK_APP_TOKEN when Slack answers %s for Socket Mode', async (code) => {
    const slack = new SlackStandIn();
    await slack.start();
    slack.failures.set('apps.connections.open', code);
    try {
      const result = await startMain({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A0-1-abc', SLACK_API_URL: slack.apiUrl });
      expect(result.exitCode).toBe(2);
      expect(String(result.stderr).trim()).toBe(
        `databox-bot: invalid configuration: SLACK_APP_TOKEN is not accepted by Slack (${code}): it must be an app-level token (xapp-…) with the connections:write scope`,
      );
    } finally {
      await slack.stop();
    }
  });

  it('refuses a second bot on the same state dir with one line naming the first; takes over the lock of one that was killed; removes it at a clean stop', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    const stateDir = path.join(work, 'var-two-bots');
    const lockFile = path.join(stateDir, 'databox-bot.lock');
    const env = async () => ({ ...baseEnv, DATABOX_STATE_DIR: stateDir, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl, PORT: String(await freePort()) });
    const startBot = async () => {
      const vars = await env();
      const child = execa(process.execPath, mainArgs, { cwd: work, env: vars, extendEnv: false, reject: false, forceKillAfterDelay: 60_000 });
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      expect(await waitForHealthz(Number(vars.PORT))).toBe(200);
      for (const deadline = Date.now() + 60_000; Date.now() < deadline && !stdout.includes('databox-bot is running'); ) await new Promise((resolve) => setTimeout(resolve, 100));
      return { child, stdout: () => stdout };
    };
    const first = await startBot();
    let last: Awaited<ReturnType<typeof startBot>> | undefined;
    try {
      expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.child.pid, host: os.hostname() });
      const asked = slack.calls.length;
      const second = await startMain(await env());
      expect(second.exitCode).toBe(2);
      const lines = String(second.stderr).trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^databox-bot: another databox-bot already runs on DATABOX_STATE_DIR ${escapeRegExp(stateDir)}: PID ${first.child.pid} on host ${escapeRegExp(os.hostname())}, ` +
            `running since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(its lock ${escapeRegExp(lockFile)} was renewed [\\d.]+ m?s ago\\)\\. .*: stop that bot first, or give this one a DATABOX_STATE_DIR of its own$`,
        ),
      );
      expect(slack.calls.length, 'the second bot asked nothing of Slack').toBe(asked);

      // Killed, the first leaves its lock behind: the next bot takes it over, saying so.
      first.child.kill('SIGKILL');
      await first.child;
      expect(fs.existsSync(lockFile)).toBe(true);
      last = await startBot();
      expect(last.stdout()).toContain(`taking over the bot lock of a bot that is gone: the bot that held it (PID ${first.child.pid} on host ${os.hostname()}, running since `);
      expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: last.child.pid });
      last.child.kill('SIGTERM');
      expect((await last.child).exitCode).toBe(0);
      expect(fs.existsSync(lockFile), 'a clean stop removes the lock').toBe(false);
    } finally {
      first.child.kill('SIGKILL');
      last?.child.kill('SIGKILL');
      await Promise.all([first.child, last?.child]);
      await slack.stop();
    }
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('starts in HTTP mode, serves /healthz, and stops cleanly on %s', async (signal) => {
    const slack = new SlackStandIn();
    await slack.start();
    const port = await freePort();
    const child = execa(process.execPath, mainArgs, {
      cwd: work,
      // One of the two with DATABOX_ROOT empty, as an env file's `DATABOX_ROOT=` line leaves it: the start says what it takes instead.
      // And the other on MotherDuck with no token: said at the start, not at the first diagnosis; and without DAGSTER_HOME,
      // which the daemon scenario 4's path A starts needs.
      env: { ...baseEnv, ...(signal === 'SIGHUP' ? { DATABOX_ROOT: '', DATABOX_BACKEND: 'motherduck' } : { DAGSTER_HOME: path.join(work, '.dagster') }), SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl, PORT: String(port) },
      extendEnv: false,
      reject: false,
      // execa follows SIGTERM with SIGKILL after 5 s; the bot's own stop may take its grace periods on a loaded machine.
      forceKillAfterDelay: 60_000,
    });
    // The bot says it is running once its start-up has finished (after the listener answers); stop it only then.
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    try {
      expect(await waitForHealthz(port)).toBe(200);
      // A HEAD, as load balancers' and uptime checks' probes often are, answered as the GET is, without its body.
      const head = await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'HEAD' });
      expect({ status: head.status, type: head.headers.get('content-type'), body: await head.text() }).toEqual({ status: 200, type: 'application/json', body: '' });
      expect(slack.calls.map((c) => c.method)).toContain('auth.test');
      for (const deadline = Date.now() + 60_000; Date.now() < deadline && !stdout.includes('databox-bot is running'); ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      child.kill(signal);
      const result = await child;
      await slack.stop();
      expect({ exitCode: result.exitCode, signal: result.signal }).toEqual({ exitCode: 0, signal: undefined });
      expect(String(result.stdout)).toContain('databox-bot is running');
      expect(String(result.stdout), 'the port it listens on').toContain(`"port":${port}`);
      expect(String(result.stdout)).toContain(`"signal":"${signal}"`);
      expect(String(result.stdout)).not.toContain('xoxb-1-2-abc');
      const unset = 'DATABOX_ROOT is not set: the databox checkout is taken to be the working directory; set it to the checkout the runbooks work in';
      if (signal === 'SIGHUP') expect(String(result.stdout)).toContain(unset);
      else expect(String(result.stdout)).not.toContain(unset);
      const noToken = 'DATABOX_BACKEND=motherduck but MOTHERDUCK_TOKEN is not set: every MotherDuck diagnosis, guard and step will fail until it is; set it where the bot runs';
      if (signal === 'SIGHUP') expect(String(result.stdout)).toContain(noToken);
      else expect(String(result.stdout)).not.toContain(noToken);
      const noDagsterHome = 'DAGSTER_HOME is not set: the Dagster daemon that schedule path a starts';
      if (signal === 'SIGHUP') expect(String(result.stdout)).toContain(noDagsterHome);
      else expect(String(result.stdout)).not.toContain(noDagsterHome);
    }
  });
});
