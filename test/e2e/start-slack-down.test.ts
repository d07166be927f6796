// Starting the real bot process while Slack is down: it waits for Slack, says so as an outage (not a configuration
// mistake), answers /healthz 503 meanwhile, and starts once Slack answers; a stop while it waits is a clean stop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { signingSecret } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-start-slack-down-'));
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, DATABOX_ROOT: work, LOG_LEVEL: 'info', SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: signingSecret };

blockNetwork();
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bot as `npm start` runs it, in HTTP mode on `port`, with its output as it comes. */
function startBot(name: string, slackApiUrl: string, port: number) {
  const child = execa(process.execPath, mainArgs, {
    cwd: work,
    env: { ...baseEnv, DATABOX_STATE_DIR: path.join(work, name), SLACK_API_URL: slackApiUrl, PORT: String(port) },
    extendEnv: false,
    reject: false,
    forceKillAfterDelay: 60_000,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const logLines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; tries?: number });
  const waits = () => logLines().filter((line) => line.msg.startsWith('Slack could not be reached to check the bot token'));
  return {
    child,
    output: () => output,
    waits,
    logLines,
    async untilWaited(tries: number) {
      // Bounded by the child: a bot that exits instead of waiting ends the wait, and the test says what it printed.
      while (waits().length < tries && child.exitCode === null) await sleep(100);
      if (waits().length < tries) throw new Error(`the bot did not wait for Slack; it said:\n${output}`);
    },
    /** Whether the bot logs `msg` within 30 s: "is running" comes after the start's work that follows Bolt's bind (and /healthz's 200). */
    async logs(msg: string): Promise<boolean> {
      for (let waited = 0; waited < 30_000 && child.exitCode === null; waited += 100) {
        if (logLines().some((line) => line.msg === msg)) return true;
        await sleep(100);
      }
      return logLines().some((line) => line.msg === msg);
    },
  };
}

/** /healthz's first answer: its listener binds in a thread of its own, a moment after the wait is logged. */
async function healthz(port: number, child: { exitCode: number | null }): Promise<{ status: number; body: { ok: boolean; reason?: string } }> {
  for (;;) {
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (answer) return { status: answer.status, body: (await answer.json()) as { ok: boolean; reason?: string } };
    if (child.exitCode !== null) throw new Error('the bot exited before /healthz answered');
    await sleep(100);
  }
}

describe('npm start while Slack is down', () => {
  it('waits for a Slack that refuses connections, saying it is unreachable and that the terminal works, with /healthz 503; starts once Slack answers', async () => {
    const slackPort = await freePort();
    const port = await freePort();
    const slack = new SlackStandIn();
    const bot = startBot('var-refused', `http://127.0.0.1:${slackPort}/api/`, port);
    try {
      await bot.untilWaited(1);
      const [first] = bot.waits();
      expect(first?.msg).toMatch(
        new RegExp(
          `^Slack could not be reached to check the bot token: it did not answer \\(asked http://127\\.0\\.0\\.1:${slackPort}/api/auth\\.test: .*ECONNREFUSED.*\\)\\. Slack is down or unreachable from this host, so the bot waits for it and tries again in 5\\.0 s \\(try 1 failed; `,
        ),
      );
      expect(first?.msg).toContain('the terminal works meanwhile, from the bot\'s folder: `npm run --silent cli -- status` (README, "From a terminal (Slack down)")');
      expect(first?.msg).not.toContain("must be the Web API's base");
      const waiting = await healthz(port, bot.child);
      expect(waiting.status).toBe(503);
      expect(waiting.body.reason).toMatch(/^waiting for Slack, which could not be reached since \S+ \(1 try; last: Slack could not be reached .*ECONNREFUSED.*\): the bot takes no command or click until Slack answers; the terminal works meanwhile/);
      expect(bot.child.exitCode).toBeNull();
      // Slack back: the next try finds it, and Bolt's receiver takes the port /healthz was answered on meanwhile.
      await slack.start(slackPort);
      expect(await waitForHealthz(port)).toBe(200);
      expect(bot.logLines().some((line) => /^Slack answers again after .* \(\d+ failed tr(y|ies)\): the bot starts$/.test(line.msg))).toBe(true);
      expect(await bot.logs('databox-bot is running')).toBe(true);
    } finally {
      bot.child.kill('SIGTERM');
      await bot.child;
      await slack.stop().catch(() => undefined);
    }
    expect(bot.child.exitCode).toBe(0);
    expect(bot.output()).not.toContain('could not start');
  });

  it('waits out a Slack answering 500 at every try, and a SIGTERM meanwhile is a clean stop, journaled, not a failed start', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    slack.troubled = /^auth\.test$/;
    slack.lastingTrouble = { status: 500 };
    const port = await freePort();
    const bot = startBot('var-500', slack.apiUrl, port);
    try {
      await bot.untilWaited(1);
      expect(bot.waits()[0]?.msg).toMatch(/^Slack could not be reached to check the bot token: it answered HTTP 500 \(asked .*auth\.test: .*\)\. Slack is down or unreachable from this host, so the bot waits for it/);
      expect((await healthz(port, bot.child)).status).toBe(503);
      bot.child.kill('SIGTERM');
      await bot.child;
    } finally {
      bot.child.kill('SIGKILL');
      await slack.stop();
    }
    expect(bot.child.exitCode).toBe(0);
    expect(bot.output()).not.toContain('could not start');
    const journal = fs.readFileSync(path.join(work, 'var-500', 'journal.jsonl'), 'utf8');
    const stopped = journal
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data?: { failedToStart?: string } })
      .filter((event) => event.type === 'bot.stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]?.data?.failedToStart).toBeUndefined();
    expect(fs.existsSync(path.join(work, 'var-500', 'databox-bot.lock'))).toBe(false);
  });
});
