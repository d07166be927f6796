// `npm start` stopped as a supervisor stops it (SIGTERM to npm's own PID): the bot itself stops cleanly, port and lock freed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, projectRoot, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { signingSecret } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-npm-start-'));

blockNetwork();
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start under a supervisor', () => {
  it("stops the bot cleanly, lock removed, when SIGTERM goes to npm's PID (pm2, supervisord, kill $(cat pidfile))", async () => {
    const slack = new SlackStandIn();
    await slack.start();
    const port = await freePort();
    const stateDir = path.join(work, 'var');
    const lockFile = path.join(stateDir, 'databox-bot.lock');
    // --ignore-scripts skips only prestart's build (vitest's global setup built dist/); the start script runs as typed.
    const npm = execa('npm', ['start', '--ignore-scripts'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? work,
        npm_config_update_notifier: 'false',
        DATABOX_ROOT: work,
        DATABOX_STATE_DIR: stateDir,
        SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
      },
      extendEnv: false,
      reject: false,
      forceKillAfterDelay: 60_000,
    });
    let stdout = '';
    npm.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let botPid: number | undefined;
    try {
      expect(await waitForHealthz(port)).toBe(200);
      for (const deadline = Date.now() + 60_000; Date.now() < deadline && !stdout.includes('databox-bot is running'); ) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stdout).toContain('databox-bot is running');
      botPid = (JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number }).pid;
      expect(botPid, 'the bot runs in a process of its own under npm').not.toBe(npm.pid);

      // npm's exit, not its output's end: a bot left running keeps the output open.
      const npmExited = new Promise((resolve) => npm.once('exit', resolve));
      process.kill(npm.pid as number, 'SIGTERM');
      await npmExited;
      // Generous: the bot finishes its stop (queued work, DuckDB's threads) on a machine busy with other tests.
      for (const deadline = Date.now() + 60_000; Date.now() < deadline && isRunning(botPid); ) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(isRunning(botPid), 'the bot is still running after npm was stopped').toBe(false);
      expect(fs.existsSync(lockFile), 'a clean stop removes the lock').toBe(false);
      expect(stdout).toContain('"signal":"SIGTERM"');
    } finally {
      npm.kill('SIGKILL');
      if (botPid !== undefined && isRunning(botPid)) process.kill(botPid, 'SIGKILL');
      await npm;
      await slack.stop();
    }
  });
});
