// The stop signals, caught from the first moment of the bot's start: until the bot can stop gracefully, a stop ends
// the process at once and cleanly (exit 0), for nothing of the bot runs yet that would have to finish.
import fs from 'node:fs';

/** SIGHUP too: a bot started from a terminal that is closed would otherwise die at once, its work and journal cut off. */
const stopSignals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export class StopSignals {
  private handle: (signal: string) => void = (signal) => {
    // No logger yet (its level is a setting): one line of its own, on stdout where the log goes.
    fs.writeSync(1, `databox-bot: stopped by ${signal} while starting, before the settings were read\n`);
    process.exit(0);
  };

  constructor() {
    for (const signal of stopSignals) process.on(signal, () => this.handle(signal));
  }

  /** From now on, a stop signal calls `handle` with its name, instead of what was said before. */
  onStop(handle: (signal: string) => void): void {
    this.handle = handle;
  }
}
