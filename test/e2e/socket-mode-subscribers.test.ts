// A bot in Socket Mode listens on undici's diagnostics channels while it runs (socket-mode-trouble.ts): its stop removes
// what its start added, so bots started and stopped in one process leave no listener behind, however many there were.
import diagnostics from 'node:diagnostics_channel';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';
import { botToken, withStandinPath } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { SocketModeStandIn } from '../helpers/socket-mode-stand-in.js';

blockNetwork();

const channels = ['undici:client:beforeConnect', 'undici:client:connected', 'undici:client:connectError'].map((name) => diagnostics.channel(name));
const listenedTo = () => channels.map((channel) => channel.hasSubscribers);

it('leaves no listener on undici diagnostics channels once stopped, after each of several bots started and stopped', async () => {
  withStandinPath();
  const slack = new SlackStandIn();
  const socket = new SocketModeStandIn();
  await Promise.all([slack.start(), socket.start()]);
  slack.socketUrl = socket.url;
  const checkout = new Checkout();
  const config = loadConfig({ SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: 'xapp-1-A0DATABOXBOT-1234-apptokensecret', SLACK_API_URL: slack.apiUrl, DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir });
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    expect(listenedTo(), 'nothing listens before the first bot').toEqual([false, false, false]);
    for (let round = 1; round <= 3; round += 1) {
      const bot = createBot({ config, logger: createLogger('warn', createRedactor(config.secrets), quiet), clientOptions: { retryConfig: { retries: 0 } } });
      await bot.start();
      await slack.waitFor('the WebSocket connection', () => socket.connected);
      expect(listenedTo(), `bot ${round} listens while it runs`).toEqual([true, true, true]);
      await bot.stop();
      expect(listenedTo(), `nothing listens once bot ${round} stopped`).toEqual([false, false, false]);
    }
  } finally {
    await Promise.all([slack.stop(), socket.stop()]);
    checkout.remove();
  }
}, 60_000);
