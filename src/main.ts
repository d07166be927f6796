// Starts the Slack bot: `npm start`. A bad configuration or runbook stops the start with one clear message.
import { StopSignals } from './stop-signals.js';

// First, before the seconds of loading the bot takes on a busy host: a stop asked for while it starts ends the start
// cleanly, never the process by the signal's default action (exit 143, its lock left behind, nothing said).
const stops = new StopSignals();

import('./run-bot.js')
  .then(({ runBot }) => runBot(stops))
  .catch((error: unknown) => {
    console.error(`databox-bot: could not start: ${(error as Error).message}`);
    process.exit(1);
  });
