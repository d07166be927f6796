// A bot in Socket Mode stopped while Bolt tries to connect again: the try it cuts short must not reject unhandled,
// which ends the process (vitest fails the run on it).
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';
import { botToken, withStandinPath } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();

it('stops while a connection tried again is under way, leaving no rejection unhandled', async () => {
  withStandinPath();
  const slack = new SlackStandIn();
  await slack.start();
  const checkout = new Checkout();
  const config = loadConfig({ SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: 'xapp-1-A0DATABOXBOT-1234-apptokensecret', SLACK_API_URL: slack.apiUrl, DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir });
  // A WebSocket address no connection is made to: every try fails, and Bolt tries again.
  slack.socketUrl = 'ws://127.0.0.1:1/link';
  const bot = createBot({ config, logger: createLogger('info', createRedactor(config.secrets), new Writable({ write: (_c, _e, done) => done() })), clientOptions: { retryConfig: { retries: 0 } } });
  void bot.start().catch(() => undefined);
  // The start's token check, the first try, then a try again: stopped while it asks Slack for an address.
  await slack.waitFor('a try again', () => slack.callsTo('apps.connections.open').length >= 3, 20_000);
  await bot.stop();
  // Long enough for the cut-short try to settle, unhandled before the fix.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await slack.stop();
  checkout.remove();
  expect(slack.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(3);
}, 30_000);
