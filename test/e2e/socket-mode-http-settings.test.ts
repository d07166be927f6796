// The bot as a process with SLACK_APP_TOKEN and HTTP mode's settings (SLACK_SIGNING_SECRET, PORT) both set runs in
// Socket Mode, and says so once at start, naming the settings it ignores and how to use HTTP mode instead.
import { describe, it } from 'vitest';
import { signingSecret } from '../helpers/signed-request.js';
import { blockNetwork } from '../helpers/no-network.js';
import { startSocketModeBot } from '../helpers/socket-mode-bot-process.js';
import { socketModeStageFor } from '../helpers/socket-mode-stage.js';

blockNetwork();

describe('SLACK_APP_TOKEN with HTTP mode settings set too', () => {
  it('runs in Socket Mode and warns once, naming SLACK_SIGNING_SECRET and PORT as ignored and what to do for HTTP mode', { timeout: 180_000 }, async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const bot = startSocketModeBot(stage.checkout, stage.slack, { SLACK_SIGNING_SECRET: signingSecret, PORT: '3111' });
    stage.bot = bot;
    await bot.until('the bot to connect', () => stage.socket.connected && bot.output().includes('databox-bot is running'), 90_000);
    const warned = bot.logLines().filter((line) => line.msg.includes('SLACK_APP_TOKEN is set'));
    expect(warned).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'the bot runs in Socket Mode, as SLACK_APP_TOKEN is set: SLACK_SIGNING_SECRET and PORT are for HTTP mode and ignored; to use HTTP mode instead, leave SLACK_APP_TOKEN empty or remove it (README, "HTTP mode instead")',
      }),
    ]);
    expect(bot.logLines().find((line) => line.msg === 'databox-bot is running')).toMatchObject({ mode: 'socket' });
  });
});
