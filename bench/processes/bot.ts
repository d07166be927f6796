// The bot as `npm start` runs it (HTTP mode, config from the environment), forked by the bench with an IPC channel
// through which it says when it is ready and when its queue has drained.
import type { AddressInfo } from 'node:net';
import { createBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, createRedactor(config.secrets));
const bot = createBot({ config, logger });
const server = await bot.start(0);
process.send?.({ type: 'ready', port: (server?.address() as AddressInfo).port });
process.on('message', (message: { type: string }) => {
  if (message.type === 'idle') void bot.queue.idle().then(() => process.send?.({ type: 'idle' }));
  if (message.type === 'stop') void bot.stop().then(() => process.exit(0));
});
