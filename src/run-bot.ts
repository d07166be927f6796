// The bot's start and stop as `npm start` runs them (main.ts, once it catches the stop signals): a bad configuration or
// runbook stops the start with one clear message.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConfigError, unreadSettingsWarning } from './config.js';
import { dagsterHomeUnsetWarning } from './dagster-home-unset.js';
import { dagsterUrlClash } from './dagster-url-clash.js';
import { httpSettingsIgnored } from './slack/http-settings-ignored.js';
import { loadSettings } from './load-settings.js';
import { describeHolder, InstanceLock, InstanceLockHeld } from './instance-lock.js';
import { createLogger, flushLogNow } from './logger.js';
import { createRedactor } from './redact.js';
import { logUnhandledRejections } from './unhandled-rejections.js';
import { prepareStateDir } from './state-dir.js';
import { JournalReadOnly, processUid, requireWritableJournal } from './journal/journal-read-only.js';
import type { StopSignals } from './stop-signals.js';

/** Starts the bot; `stops` are the stop signals main.ts caught first thing, handled here as the start goes on. */
export async function runBot(stops: StopSignals): Promise<void> {
  const config = loadSettings();
  if (config instanceof ConfigError) {
    console.error(`databox-bot: ${config.message}`);
    process.exit(2);
  }
  if (!config.slack.botToken) {
    // A new member's usual cause: .env.example never copied, or npm start run from another folder.
    const envFile = path.join(process.cwd(), '.env');
    const where = fs.existsSync(envFile)
      ? `(see .env.example)`
      : `and there is no .env file in ${process.cwd()}: copy .env.example to .env there and fill it in (README, "Set up and run"), or set the variables in the environment`;
    console.error(`databox-bot: invalid configuration: SLACK_BOT_TOKEN is required to start the Slack bot ${where}; the terminal front end is \`npm run cli\``);
    process.exit(2);
  }
  // The bot's alone: the terminal front end listens on no port, so the same DAGSTER_URL is Dagster's there.
  const clash = dagsterUrlClash(config, process.env);
  if (clash) {
    console.error(`databox-bot: ${clash}`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel, createRedactor(config.secrets));
  logUnhandledRejections(logger);
  // Until the bot is made, it has nothing to finish: the process ends at once, its lock (once taken) removed as it exits.
  stops.onStop((signal) => {
    logger.info({ signal }, 'stopped while starting, before the bot ran: nothing to finish');
    flushLogNow(logger);
    process.exit(0);
  });
  // Said at once: every diagnosis would otherwise look for the stack's database under the bot's own folder.
  if (!process.env.DATABOX_ROOT) {
    logger.warn({ databoxRoot: config.databoxRoot, databasePath: config.databasePath }, 'DATABOX_ROOT is not set: the databox checkout is taken to be the working directory; set it to the checkout the runbooks work in');
  }
  const unread = unreadSettingsWarning(process.env);
  if (unread) logger.warn(unread);
  // Both modes' settings set: Socket Mode wins without a word otherwise, and an operator who meant HTTP mode waits for requests that never come.
  const ignored = httpSettingsIgnored(process.env);
  if (ignored) logger.warn(ignored);
  // Said at start, not found at the first diagnosis of an incident: every MotherDuck step needs the token.
  if (config.backend === 'motherduck' && !config.motherduck.token) {
    logger.warn(
      { database: config.motherduck.database },
      'DATABOX_BACKEND=motherduck but MOTHERDUCK_TOKEN is not set: every MotherDuck diagnosis, guard and step will fail until it is; set it where the bot runs',
    );
  }
  // One bot per state dir, taken before anything is read or written there: two would both answer and both watch. The
  // terminal front end takes no such lock: it shares the state dir with a running bot by design.
  const instance = new InstanceLock(config.stateDir, {
    onTakeOver: (holder, why) => logger.warn({ holder, lock: instance.file }, `taking over the bot lock of a bot that is gone: ${why}`),
    onLost: (holder) => {
      logger.error({ holder, lock: instance.file }, `another bot (${describeHolder(holder)}) has taken over this state dir's bot lock: stopping this bot`);
      shutdown('lost the bot lock');
    },
    onRenewTrouble: (error) =>
      error
        ? logger.warn({ err: error, lock: instance.file }, 'could not renew the bot lock; another bot may take it over once it is a minute old')
        : logger.info({ lock: instance.file }, 'the bot lock is renewed again'),
  });
  try {
    prepareStateDir(config.stateDir);
    // As for a state dir it may not write to: a bot that may never record a change would only refuse them all.
    requireWritableJournal(
      path.join(config.stateDir, 'journal.jsonl'),
      `the bot would refuse every change, so it does not start: start it as the user the journal belongs to, or give uid ${processUid()} write access to it`,
    );
    instance.take();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InstanceLockHeld || error instanceof JournalReadOnly) {
      console.error(`databox-bot: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // Loaded once the configuration is known to be good: a mistake in it is said at once, not after seconds of loading
  // Bolt, DuckDB and the engine.
  const [{ createBot }, { RunbookError }, { exitAfterDuckdbThreads }] = await Promise.all([
    import('./bot.js'),
    import('./runbook/load.js'),
    import('./duckdb/end-threads.js'),
  ]);
  let bot;
  try {
    bot = createBot({
      config,
      logger,
      // Said on stderr as a start's refusal is (the log has it too), and stopped as a signal stops it, but failed: a
      // supervisor's restart-on-failure starts it again, and that start names the token if it is still refused.
      onAppTokenRefused: (line) => {
        fs.writeSync(2, `databox-bot: ${line}\n`);
        shutdown('SLACK_APP_TOKEN refused by Slack', 2);
      },
      // Not Slack answering (a proxy refusing): failed too, as its restart will say the same while it lasts.
      onNotSlacksAnswer: (line) => {
        fs.writeSync(2, `databox-bot: ${line}\n`);
        shutdown("Slack's Web API address refused Socket Mode", 1);
      },
    });
  } catch (error) {
    if (error instanceof RunbookError) {
      console.error(`databox-bot: the runbooks in ${config.runbooksDir} do not load (DATABOX_RUNBOOKS_DIR${process.env.DATABOX_RUNBOOKS_DIR ? '' : ' is unset: the bundled ones'}):\n${error.message}`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      console.error(`databox-bot: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const noDagsterHome = dagsterHomeUnsetWarning(process.env, bot.service.scenarios(), config.dagster.daemonStart);
  if (noDagsterHome) logger.warn({ dagsterDaemonStart: config.dagster.daemonStart.join(' ') }, noDagsterHome);
  // Before the start: a stop asked for while it is still starting (a busy machine, a quick redeploy) is still graceful.
  // A second signal during the stop (an impatient Ctrl-C) neither starts another stop nor kills the one under way.
  let stopping = false;
  // `exitCode`: 0 for a stop asked for; another for a stop the bot makes because it cannot go on.
  const shutdown = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing queued work first');
    // DuckDB's threads end before the process does: exiting with DuckDB loaded in a live thread can abort (SIGABRT).
    // Also written to stderr at once: the log's own writes are asynchronous, and the process ends right after this line.
    const said = (line: string) => {
      logger.error(line);
      fs.writeSync(2, `databox-bot: ${line}\n`);
    };
    const exit = (code: number) => exitAfterDuckdbThreads(code, said);
    bot.stop(signal).then(
      () => exit(exitCode),
      () => exit(1),
    );
  };
  stops.onStop(shutdown);
  let server: Awaited<ReturnType<typeof bot.start>>;
  try {
    server = await bot.start();
  } catch (error) {
    // A stop asked for while the start still waited on Slack (its tries, Bolt's waits) cuts the start short: that is the
    // stop, which exits with its own code once done, not a start that failed.
    if (stopping) return;
    // Journaled before the process ends, so the next start says this one failed, not that a bot ran and crashed.
    await bot.startFailed((error as Error).message);
    if (error instanceof ConfigError) {
      console.error(`databox-bot: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  logger.info(
    // The port bound, not the one asked for: PORT=0 takes any free port.
    { mode: config.slack.appToken ? 'socket' : 'http', port: (server?.address() as AddressInfo | null)?.port, databoxRoot: config.databoxRoot, stateDir: config.stateDir },
    'databox-bot is running',
  );
}
