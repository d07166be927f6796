// The watchers in the terminal's `status`: their outages rebuilt from the journal and their last checks as the bot kept them.
import path from 'node:path';
import type { Config } from '../config.js';
import { formatDuration } from '../format-duration.js';
import type { Journal } from '../journal/journal.js';
import { createLogger } from '../logger.js';
import type { CommandRunner } from '../process/run-command.js';
import { buildWatchers } from '../watchers/build-watchers.js';
import { lastChecksFileName, WatchService, type AlertSink } from '../watchers/watch-service.js';

/** The terminal shows the watchers; it never checks, posts or journals for them (`watch` checks once, by itself). */
const noAlerts: AlertSink = {
  alert: () => Promise.reject(new Error('the terminal does not post alerts')),
  reminder: () => Promise.reject(new Error('the terminal does not post alerts')),
  changed: () => Promise.reject(new Error('the terminal does not post alerts')),
  recovered: () => Promise.reject(new Error('the terminal does not post alerts')),
  returned: () => Promise.reject(new Error('the terminal does not post alerts')),
  settled: () => Promise.reject(new Error('the terminal does not post alerts')),
};

/** Call before journal.load(): the service rebuilds the outages from the journal's records as they load. */
export function watchersAsTheBotSawThem(config: Config, journal: Journal, runCommand: CommandRunner, clock: () => Date): WatchService {
  const watch = new WatchService({
    watchers: buildWatchers(config, runCommand),
    journal,
    sink: noAlerts,
    logger: createLogger('silent', (text) => text),
    intervalMs: config.watch.intervalMs,
    reminderMs: config.watch.reminderMs,
    clock,
    lastChecksFile: path.join(config.stateDir, lastChecksFileName),
  });
  watch.loadLastChecks();
  return watch;
}

/** A warning when the newest check is much older than the interval: the bot is probably not running. */
export function staleChecks(watch: WatchService, intervalMs: number, now: Date): string | undefined {
  const on = watch.watchers.filter((w) => !w.off);
  if (on.length === 0) return undefined;
  const newest = Math.max(...on.map((w) => Date.parse(watch.lastCheck(w.id)?.at ?? '') || 0));
  if (newest === 0) return 'No check recorded: is the bot running on this state dir? `watch` checks now.';
  const age = now.getTime() - newest;
  return age > 3 * intervalMs ? `The bot's last check was ${formatDuration(age)} ago: is it running? \`watch\` checks now.` : undefined;
}
