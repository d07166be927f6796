// Socket Mode whose WebSocket cannot be opened (Slack hands out a URL nothing answers at): the log says so once, naming
// the host and why, and that the bot keeps retrying; not Bolt's bare "WebSocket error occurred: " every few seconds. One
// lost once open is said to be lost.
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';
import { botToken, withStandinPath } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { SocketModeStandIn } from '../helpers/socket-mode-stand-in.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let bot: Bot;
const logs: Record<string, any>[] = [];
/** Bolt's wait before its first try again (5 s), shortened: each test waits through three tries and a fourth that connects. */
const socketModeRetryMs = 1_000;

beforeEach(async () => {
  withStandinPath();
  logs.length = 0;
  slack = new SlackStandIn();
  await slack.start();
  checkout = new Checkout();
  const config = loadConfig({
    SLACK_BOT_TOKEN: botToken,
    SLACK_APP_TOKEN: 'xapp-1-A0DATABOXBOT-1234-apptokensecret',
    SLACK_API_URL: slack.apiUrl,
    DATABOX_ROOT: checkout.root,
    DATABOX_STATE_DIR: checkout.stateDir,
  });
  const destination = new Writable({ write: (chunk, _encoding, done) => (logs.push(JSON.parse(String(chunk))), done()) });
  bot = createBot({ config, logger: createLogger('info', createRedactor(config.secrets), destination), clientOptions: { retryConfig: { retries: 0 } }, socketModeRetryMs });
});

afterEach(async () => {
  // Stopped once connected: a stop while Bolt waits to try again leaves each try's promise rejected, unhandled.
  const socket = new SocketModeStandIn();
  await socket.start();
  slack.socketUrl = socket.url;
  await slack.waitFor('the WebSocket connection once Slack hands out one that answers', () => socket.connected, 20_000);
  await bot.stop();
  await Promise.all([slack.stop(), socket.stop()]);
  checkout.remove();
}, 30_000);

/** A loopback port nothing listens on (one just closed): a connection to it is refused at once. */
async function refusingPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it.each([
  ['refuses the connection', async () => refusingPort(), (port: number) => `connect ECONNREFUSED 127.0.0.1:${port}`],
  // Port 1 is one WebSocket clients will not connect to: nothing is tried, and nothing else says so.
  ['is on a port no connection is tried to', async () => 1, () => 'no connection to it was even tried (WebSocket clients refuse some ports as unsafe, 1 among them, and URLs of other schemes)'],
])('says once that the Socket Mode WebSocket to a host that %s cannot be opened, and why, while Bolt keeps retrying', async (_case, portOf, why) => {
  const port = await portOf();
  slack.socketUrl = `ws://127.0.0.1:${port}/link?ticket=secret-ticket`;
  // The start waits for the connection, which never comes: Bolt tries again after 1 s, 2 s more, and so on.
  void bot.start().catch(() => undefined);
  const bolt = () => logs.filter((line) => line.component === 'bolt' && /WebSocket error/.test(String(line.msg)));
  // Once by the bot's start to check the app token, then once by Bolt for each try: three tries.
  await slack.waitFor('three failed connections', () => slack.callsTo('apps.connections.open').length >= 4, 20_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const said = logs.filter((line) => /Socket Mode WebSocket/.test(String(line.msg)));
  expect(said.map((line) => line.msg)).toEqual([
    `Slack's Socket Mode WebSocket to 127.0.0.1:${port} cannot be opened: ${why(port)}. The bot keeps trying again every few seconds, ` +
      'and takes no command or click until it connects: check that this host can reach that address (a firewall, a proxy). Said again at most once a minute while it lasts',
  ]);
  expect(said[0]?.level).toBe(50);
  // Bolt's own words, which name neither, are kept out of the operator's log.
  expect(bolt().filter((line) => line.level > 20)).toEqual([]);
}, 30_000);

it('says a WebSocket that was open and is lost was lost, not that it cannot be opened', async () => {
  const socket = new SocketModeStandIn();
  await socket.start();
  slack.socketUrl = socket.url;
  const host = new URL(socket.url).host;
  await bot.start();
  // Slack goes away under an open connection: the next tries are refused, and said no more than once a minute.
  await socket.stop();
  await slack.waitFor('two tries after the loss', () => slack.callsTo('apps.connections.open').length >= 4, 20_000);
  const said = logs.filter((line) => /Socket Mode WebSocket/.test(String(line.msg)));
  expect(said.map((line) => line.msg)).toEqual([
    `Slack's Socket Mode WebSocket to ${host} was lost. The bot keeps trying again every few seconds, and takes no command or click until it connects. Said again at most once a minute while it lasts`,
  ]);
}, 30_000);
