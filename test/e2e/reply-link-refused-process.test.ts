// The bot as its own process (as `npm start` runs it): a joiner of a running diagnosis whose reply link is refused, and
// Slack refusing chat.postEphemeral too, is logged with a reference, and the process stays up and keeps answering.
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { botProcessEnv } from '../helpers/bot-harness.js';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { refusedReplyLink } from '../helpers/refused-url.js';
import { postSigned, slashCommandBody } from '../helpers/signed-request.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(undefined, slack, checkout));

it('stays up when neither the reply link nor chat.postEphemeral takes a joiner\'s answer, and logs it with a reference', async () => {
  writeGarbage(checkout.databasePath);
  // The incident's first message is held back a second (429, Retry-After: 1; the bot waits it out): the joiner comes
  // before it opens, and is told where it is only then.
  slack.trouble = [{ status: 429, retryAfter: 1 }];
  slack.failures.set('chat.postEphemeral', 'internal_error');
  const port = await freePort();
  // A clean stop may take the bot's whole stop budget (8.5 s) on a loaded host: not cut short by execa's SIGKILL 5 s after a SIGTERM.
  const bot = execa(process.execPath, mainArgs, { cwd: checkout.root, env: botProcessEnv(checkout, slack, port), extendEnv: false, reject: false, all: true, forceKillAfterDelay: 60_000 });
  let output = '';
  bot.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = `http://127.0.0.1:${port}/slack/events`;
    expect(await waitForHealthz(port)).toBe(200);
    // One window for both commands, taken once: days computed per command would differ across 00:00 UTC.
    const now = Date.now();
    const day = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const [from, to] = [day(10), day(5)];
    await postSigned(url, slashCommandBody(`diagnose backfill source=ebird from=${from} to=${to}`, { response_url: slack.responseUrl() }));
    // The same diagnosis in other words (a date with a space after it, in quotes): it joins the one running.
    await postSigned(url, slashCommandBody(`diagnose backfill source=ebird from="${from} " to=${to}`, { user_id: 'U0TEAMMATE', response_url: await refusedReplyLink() }));
    await slack.waitFor('the joiner\'s answer to be logged, or the bot to end', () => output.includes('reached nobody') || bot.exitCode !== null, 30_000);
    expect(bot.exitCode, output).toBeNull();
    expect(await waitForHealthz(port, 5_000), output).toBe(200);
    const status = await postSigned(url, slashCommandBody('status', { response_url: slack.responseUrl() }));
    expect(status.json?.text).toContain('Partial backfill of a single source, opened');
  } finally {
    bot.kill('SIGTERM');
  }
  const ended = await bot;
  expect(ended.exitCode, ended.all).toBe(0);
  const lines = String(ended.all).split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>);
  const lost = lines.filter((line) => line.msg === 'a message for one person reached nobody: every way to tell them failed');
  expect(lost, ended.all).toHaveLength(1);
  expect(lost[0]?.reference).toMatch(/^ERR-[0-9a-f]{8}$/);
  expect(lost[0]?.text).toMatch(/^:link: This database is already being diagnosed: you joined incident `dbx-/);
  expect(lines.filter((line) => /nothing to handle it/.test(String(line.msg))), 'no rejection was left unhandled').toEqual([]);
}, 120_000);
