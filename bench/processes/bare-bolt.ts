// The floor for acks: a bare Bolt app with one command handler that only acks, started like the bot (HTTP mode, the
// same token, signing secret, Web API URL, deferred initialisation and server timeouts), forked by the bench.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App } from '@slack/bolt';

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  deferInitialization: true,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command('/databox', async ({ ack }) => {
  await ack();
});
await app.init();
const server = (await app.start(0)) as Server;
// The bot's server timeouts (src/bot.ts): both keep an idle connection as long, so neither opens more than the other.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
process.on('message', (message: { type: string }) => {
  if (message.type === 'idle') process.send?.({ type: 'idle' });
  if (message.type === 'stop') void app.stop().then(() => process.exit(0));
});
