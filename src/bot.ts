// Wires config, runbooks, journal, engine and the Slack front end into one bot that can start and stop.
import { untilRepairedWords } from './journal/until-repaired.js';
import { recordFailedStart, recordStart, recordStop } from './journal/bot-started.js';
import { previousStartVersions, runbooksChangedSince, runbooksChangedWords } from './journal/runbooks-changed.js';
import { runbookVersions } from './runbook/runbook-version.js';
import { runbookFile } from './runbook/runbook-file.js';
import { loadSaid } from './journal/journal-read-said.js';
import { warnOfEndCuts } from './journal/end-cut-said.js';
import { notRunningSaid } from './journal/not-running.js';
import { previousRun } from './journal/previous-run.js';
import { goneRunnerHint } from './incidents/status.js';
import type { DatabaseTargets } from './database/targets.js';
import type { App } from '@slack/bolt';
import type { FetchFunction, WebClientOptions } from '@slack/web-api';
import type { Server } from 'node:http';
import path from 'node:path';
import { register } from '../handlers/index.js';
import { ConfigError, type Config } from './config.js';
import { limitReader, startReaderThread } from './duckdb/off-thread.js';
import { limitReadOnly } from './duckdb/open.js';
import { startSessionThread } from './duckdb/sessions-off-thread.js';
import { IncidentService } from './incidents/service.js';
import { botActor, IncidentState } from './incidents/state.js';
import { Journal, type AppendInput, type SetAside, type WriteFn } from './journal/journal.js';
import type { Logger } from './logger.js';
import type { CommandRunner } from './process/run-command.js';
import { offThreadRunner } from './process/off-thread-runner.js';
import { createRedactor, type Redactor } from './redact.js';
import { prepareStateDir } from './state-dir.js';
import { loadRunbooks } from './runbook/load.js';
import { retiredKeyNotes } from './runbook/retired-key-notes.js';
import { RunningDiagnoses } from './incidents/running-diagnoses.js';
import { RunningValidations } from './incidents/running-validations.js';
import { PerUserLimit } from './per-user-limit.js';
import { SlackAccess } from './slack/access.js';
import { watchPathsNamed } from './slack/watch-paths-named.js';
import { ApproversReplyLinks } from './slack/approvers-reply-links.js';
import { tellRollbackOfferRefused } from './slack/rollback-offer-refused.js';
import { createSlackApp, webApiPolicy } from './slack/app.js';
import { missingScopes } from './slack/token-scopes.js';
import { saveCarryOver, takeCarryOver } from './slack/carry-over.js';
import { SlackDeliveryWatch } from './slack/delivery-watch.js';
import { lastingRefusal, refusesTheToken } from './slack/lasting-refusals.js';
import { deliveredLateEvent, noLongerKeptEvent, notDeliveredEvent, withKeptInJournal } from './slack/undelivered.js';
import { appTokenAdvice, appTokenRefusedOnReconnect, refusesTheAppToken } from './slack/app-token-refusals.js';
import { notSlacksAnswerOnReconnect } from './slack/not-slacks-answer-on-reconnect.js';
import { slackCodeOf } from './slack/slack-trouble.js';
import { notSlacksAnswer } from './slack/wrong-address.js';
import { slackUnreachable, untilSlackAnswers, waitingForSlackReason, type SlackWait } from './slack/slack-down-at-start.js';
import { LastingTrouble } from './slack/lasting-trouble.js';
import { threadsBehind } from './slack/threads-behind.js';
import { FailedTries } from './slack/failed-tries.js';
import { SlackOutbox, type Redo } from './slack/outbox.js';
import type { PostPacer } from './slack/post-pacer.js';
import { carriedOverEvents, heldThenTakenEvent } from './slack/slack-held.js';
import { incidentThread } from './slack/slack-refs.js';
import { UploadsUnderWay } from './slack/uploads-under-way.js';
import { readShownThrough, saveShownThrough, type ShownThrough } from './slack/shown-through.js';
import { WorkElsewhere } from './slack/work-elsewhere.js';
import { SlackReporter } from './slack/slack-reporter.js';
import { SlackAlertSink } from './slack/alert-sink.js';
import { buildWatchers } from './watchers/build-watchers.js';
import { plansOnDatabases } from './watchers/plans-on-databases.js';
import { lastChecksFileName, WatchService } from './watchers/watch-service.js';
import { WorkQueue } from './work-queue.js';
import { failedAtWords } from './journal/failed-at.js';
import { healthzAnswer } from './health/healthz-answer.js';
import { startHealthListener, type HealthListener } from './health/health-listener.js';
import { SocketModeHealth } from './health/socket-mode-health.js';

export interface BotOptions {
  config: Config;
  logger: Logger;
  runCommand?: CommandRunner;
  clock?: () => Date;
  clientOptions?: WebClientOptions;
  /**
   * How often expired plans, and plans decided elsewhere, get their buttons replaced, and what a terminal did is shown
   * in Slack (tests shorten it).
   */
  sweepMs?: number;
  /** The database targets; by default built from the configuration (tests pass a MotherDuck stand-in). */
  targets?: DatabaseTargets;
  /** The wait before each retry of a thread message Slack did not take, and of an incident's first message (tests shorten it). */
  slackRetryDelayMs?: (attempt: number) => number;
  /** How late Slack must take a thread message for the journal to say it was held (slack-held.ts; tests shorten it). */
  slackHeldLongMs?: number;
  /** How long after Slack refused a thread's messages for good that thread is tried again (tests shorten it). */
  slackKeptRetryMs?: number;
  /** The least time between two updates of the same Slack message (tests shorten it; see outbox.ts). */
  slackUpdateIntervalMs?: number;
  /** Paces new thread messages per channel (post-pacer.ts; tests pass one that records what it held back). */
  slackPostPacer?: PostPacer;
  /** The wait before Socket Mode's first try again to connect, longer by as much after each failure (tests shorten it; see app.ts). */
  socketModeRetryMs?: number;
  /**
   * Slack refused the app token as the bot connected again in Socket Mode (revoked, the app deleted): the line saying so
   * and what to do, logged already. The bot cannot take a command or click again, so its process stops it (main.ts).
   */
  onAppTokenRefused?: (line: string) => void;
  /** What answered as the bot connected again in Socket Mode was not Slack's Web API (a proxy refusing): the line, logged already; stopped as above. */
  onNotSlacksAnswer?: (line: string) => void;
  /** Start the DuckDB reader and session threads and the command host once listening, not at the first diagnosis (default true). */
  startThreadsEarly?: boolean;
  /** How the journal writes its file (tests fill the disk at a chosen moment). */
  journalWrite?: WriteFn;
  /** When the journal's files count as settled (the wall clock; tests set it ahead: see JournalOptions.filesSettledAt). */
  journalFilesSettledAt?: () => Date;
  /** How long a DuckDB file's open, and each view's bind, is given to answer in a diagnosis; by default as long as any read of the storage (answer-within.ts; tests shorten it). */
  storageAnswerMs?: number;
  /** The command host's runner module in a build, to start the host from (tests running from sources; see offThreadRunner). */
  commandHostBuilt?: string;
}

export interface Bot {
  app: App;
  service: IncidentService;
  queue: WorkQueue;
  /** Postmortems on their way to Slack, outside the workers. */
  uploads: UploadsUnderWay;
  journal: Journal;
  redact: Redactor;
  watch: WatchService;
  /** Thread messages on their way to Slack. */
  outbox: SlackOutbox;
  /** Once the listeners running now have returned (each acks first, then queues its work). */
  listenersIdle(): Promise<void>;
  /** What another process sharing the journal did, still to show in Slack. */
  elsewhere: WorkElsewhere;
  /** Shows incidents in Slack. */
  reporter: SlackReporter;
  /**
   * One sweep, as the bot runs every 15 s once started: expired plans and plans decided elsewhere go on the record and
   * into the outbox, and what a terminal did is shown. It never waits on Slack to take a message.
   */
  sweep(): Promise<void>;
  /** Starts listening; in HTTP mode `port` overrides the configured one (0: any free port). */
  start(port?: number): Promise<Server | undefined>;
  /** Stops; given the signal that asked for it, journals the clean stop (bot.stopped) last, which the next start tells. */
  stop(signal?: string): Promise<void>;
  /** After `start` failed: journals why (bot.stopped), so the next start does not take this process for one that crashed. */
  startFailed(why: string): Promise<void>;
}

/** Thrown by `start` when a stop was asked for while it waited (on Slack, mostly): the stop under way is the process's end. */
export class StartCutShort extends Error {
  constructor() {
    super('the start was cut short by a stop');
  }
}

/** How long a stop waits for running work before killing it, and again after. */
const stopGraceMs = 4_000;
/** All a stop's waits together, before its journal's last flush: within Docker's default 10 s before SIGKILL. */
const stopBudgetMs = 8_500;
/** How often expired plans, and plans decided at a terminal, get their Slack buttons replaced. */
const sweepMs = 15_000;

async function settles(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Slack's error code when `error` says the token it was called with is refused (the start stops, naming it); undefined for any other error. */
function refusedToken(error: unknown): string | undefined {
  const code = slackCodeOf(error);
  return refusesTheToken(code) ? code : undefined;
}

/**
 * Initialises the Bolt app, which asks Slack who the bot is: a wrong token stops the start with one clear line. An
 * answer that is not Slack's (a base without /api/ answers 404) stops it at once, naming the URL asked and the answer.
 * A Slack that does not answer, or answers as only an outage does (5xx, rate limited), is SlackUnreachable: the start
 * waits it out (slack-down-at-start.ts). Anything else Slack refuses names SLACK_API_URL when it is set.
 */
async function initSlack(app: App, apiUrlSet: boolean): Promise<void> {
  try {
    await app.init();
  } catch (error) {
    const code = refusedToken(error);
    if (code) {
      throw new ConfigError(
        `invalid configuration: SLACK_BOT_TOKEN is not accepted by Slack (${code}): copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page, ` +
          'or reinstall the app to the workspace for a new one, and set it as SLACK_BOT_TOKEN',
      );
    }
    // Not Slack answering (a wrong SLACK_API_URL, a proxy): said at once, with what answered, as asking again changes nothing.
    const notSlack = notSlacksAnswer(error);
    if (notSlack) {
      const fix = apiUrlSet ? "SLACK_API_URL must be the Web API's base, such as https://slack.com/api/" : 'is a proxy answering for Slack?';
      throw new Error(`cannot check the bot token: ${notSlack.message}: ${fix} (not asked again: the same address gives the same answer)`);
    }
    const asked = `${app.client.slackApiUrl}auth.test`;
    const down = slackUnreachable(error, asked);
    if (down) throw down;
    const where = apiUrlSet ? ` at SLACK_API_URL (asked ${asked}; it must be the Web API's base, such as https://slack.com/api/)` : '';
    throw new Error(`cannot check the bot token${where}: ${(error as Error).message}`);
  }
}

/** Asks Slack once for a Socket Mode connection with the app-level token, so a token that can never get one stops the start. */
async function checkAppToken(app: App, appToken: string): Promise<void> {
  try {
    await app.client.apps.connections.open({ token: appToken });
  } catch (error) {
    const code = slackCodeOf(error);
    if (refusesTheAppToken(code)) throw new ConfigError(`invalid configuration: SLACK_APP_TOKEN is not accepted by Slack (${code}): ${appTokenAdvice(code)}`);
    // Anything else (Slack unreachable, answering 5xx) is Bolt's start to wait out (socket-mode-reconnect.ts) and report.
  }
}

export function createBot(options: BotOptions): Bot {
  const { config, logger } = options;
  const redact = createRedactor(config.secrets);
  limitReadOnly({ memoryLimit: config.duckdbMemoryLimit });
  limitReader({ memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads, niceness: config.readNiceness });
  const runbooks = loadRunbooks(config.runbooksDir);
  const retired = retiredKeyNotes(config.runbooksDir);
  if (retired.length > 0) logger.warn({ runbooksDir: config.runbooksDir }, `the runbooks still hold keys this version no longer reads (they load all the same):\n${retired.join('\n')}`);
  prepareStateDir(config.stateDir);
  const journal = new Journal(config.stateDir, options.clock, redact, {
    write: options.journalWrite,
    filesSettledAt: options.journalFilesSettledAt,
    onStaleLock: (holder, why) => logger.warn({ holder }, `breaking the journal lock: ${why}`),
    onWritability: (unwritable) =>
      unwritable
        ? logger.error(
            { stateDir: config.stateDir, reason: unwritable.reason },
            'the state dir cannot be written: events are kept in memory, and no change is proposed, approved or started until it can; diagnoses go on',
          )
        : logger.info({ stateDir: config.stateDir }, 'the state dir takes writes again: the events kept meanwhile are in the journal'),
    onHeadUnwritten: (reason) => logger.warn({ stateDir: config.stateDir }, reason),
    onDamageFound: (problem) =>
      logger.warn(
        { line: problem.changedSince?.line ?? problem.line, reason: problem.reason },
        `${failedAtWords(problem)} (${problem.reason}), found while the bot runs: ${untilRepairedWords('host')}`,
      ),
  });
  // Commands start from a small host process: forking this one would hold up Slack's acks (off-thread-runner.ts).
  const commandHost = offThreadRunner(redact, config.secrets, config.workNiceness, options.commandHostBuilt);
  const runCommand = options.runCommand ?? commandHost;
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  // What Slack refuses for good (the bot's token, an incident's channel): for /databox status, and the token for /healthz.
  const lasting = new LastingTrouble();
  // A message's try Slack failed, noted as the client tries it again: for /databox status, at once.
  const failedTries = new FailedTries();
  const journalSlack = (event: AppendInput) => void journal.commit({ actor: botActor, ...event }).catch((error: unknown) => logger.error({ err: error, type: event.type }, 'could not journal what became of a thread message'));
  const outbox = new SlackOutbox({
    logger,
    retryDelayMs: options.slackRetryDelayMs,
    updateIntervalMs: options.slackUpdateIntervalMs,
    postPacer: options.slackPostPacer,
    failedTrySince: () => failedTries.failingSince(),
    dropped: (message) => journalSlack(notDeliveredEvent(message)),
    deliveredLate: (redo) => journalSlack(deliveredLateEvent(redo)),
    heldThenTaken: (held) => journalSlack(heldThenTakenEvent(held)),
    heldLongMs: options.slackHeldLongMs,
    showAgain: (redo) => showAgain(redo),
    noLongerKept: (redo) => journalSlack(noLongerKeptEvent(redo)),
    keptRetryMs: options.slackKeptRetryMs,
    channelOf: (incident) => {
      const known = state.incidents.get(incident);
      return known && incidentThread(known)?.channel;
    },
  });
  // A thread Slack has not taken all of is no place to read first what a plan left part-way: status and the watchers say so.
  const threadBehind = threadsBehind(outbox, lasting, state);
  const socketHealth = config.slack.appToken ? new SocketModeHealth(config.slack.socketDownGraceMs) : undefined;
  let healthListener: HealthListener | undefined;
  const app = createSlackApp(
    config,
    logger,
    { ...options.clientOptions, fetch: failedTries.noting(options.clientOptions?.fetch ?? (webApiPolicy.fetch as FetchFunction)) },
    {
      malformed: (message) => service.recordRefusal('unknown', { reason: 'a signed request whose body is not valid JSON (answered 400)', detail: message.slice(0, 300) }),
      misshapen: (sender, reason) => service.recordRefusal(sender, { reason }),
    },
    () => lasting.tokenRefused(),
    {
      retryMs: options.socketModeRetryMs,
      health: socketHealth,
      onAppTokenRefused: (code) => {
        const line = appTokenRefusedOnReconnect(code);
        logger.error({ code }, line);
        options.onAppTokenRefused?.(line);
      },
      onNotSlacksAnswer: (answer) => {
        const line = notSlacksAnswerOnReconnect(answer);
        logger.error({ answer }, line);
        options.onNotSlacksAnswer?.(line);
      },
      // Slack down as the first Socket Mode connection is asked for: waited out as the bot token's check is, /healthz saying so.
      onStartWait: (wait) => {
        slackWait = wait;
        if (wait && !healthListener) healthListener = startHealthListener(config.slack.healthPort, socketModeHealthz, logger);
      },
    },
  );
  // The watchers' words keep the server's paths for the terminal and the logs; Slack, where they stay out, names the
  // database by its file and the state dir by name.
  const namedForSlack = watchPathsNamed(config.databasePath, config.stateDir);
  // Registered before the journal loads, so outages in progress are rebuilt from it and not alerted about again.
  const watch = new WatchService({
    watchers: buildWatchers(config, runCommand, false, plansOnDatabases(journal, state, threadBehind), options.targets),
    journal,
    sink: new SlackAlertSink(app.client, config.watch.alertChannel, (text) => namedForSlack(redact(text)), logger),
    logger,
    intervalMs: config.watch.intervalMs,
    reminderMs: config.watch.reminderMs,
    clock: options.clock,
    lastChecksFile: path.join(config.stateDir, lastChecksFileName),
  });
  const loaded = loadSaid(journal, logger);
  warnOfEndCuts(journal, logger);
  const hadLines = loaded.length > 0;
  const previous = previousRun(loaded, watch.previousRunLastCheck);
  // What the journal held at this start: the lines after where the last start had shown a terminal's work, and up to
  // here, are that work, done while the bot was down (the lines this start writes come after).
  const loadedThrough = journal.readThrough;
  const before = previousStartVersions(loaded);
  const runbooksChanged = before ? runbooksChangedSince(before, runbookVersions(runbooks), (id) => path.basename(runbookFile(config.runbooksDir, id))) : [];
  recordStart(journal, config.approvers, (error) => logger.warn({ err: error }, `the bot's start could not be journaled: ${(error as Error).message}`), { previous, runbooks, runbooksChanged });
  if (hadLines && previous) logger.info({ lastSeen: previous.lastSeen, stoppedCleanly: previous.stoppedCleanly }, `the bot starts again: ${notRunningSaid(previous, (options.clock?.() ?? new Date()).toISOString())}`);
  if (runbooksChanged.length > 0) logger.info({ runbooksChanged }, `runbooks changed since the bot's previous start: ${runbooksChangedWords(runbooksChanged)}`);
  if (journal.problem) {
    // The whole of it in the message: a log read by message alone still says why, and what to do.
    logger.error(
      { line: journal.problem.line, reason: journal.problem.reason },
      `${failedAtWords(journal.problem)} (${journal.problem.reason}): the bot starts, rebuilding incidents from its lines as they read, and diagnoses run, but ${untilRepairedWords('host')}`,
    );
  }
  // Torn last lines set aside (by this start-up, or later by any process sharing the journal), said once Slack is up.
  const repairs: SetAside[] = [...journal.setAside];
  let reportRepair: ((aside: SetAside) => void) | undefined;
  journal.onRecord((record) => {
    if (record.type !== 'journal.repaired') return;
    const { setAside, bytes, excerpt, acknowledged } = record.data as { setAside: string; bytes: number; excerpt: string; acknowledged?: SetAside['acknowledged'] };
    const aside = { file: setAside, bytes, text: excerpt, incident: record.incident ?? undefined, ...(acknowledged ? { acknowledged } : {}) };
    if (reportRepair) reportRepair(aside);
    else repairs.push(aside);
  });
  const replyLinks = new ApproversReplyLinks(() => (options.clock?.() ?? new Date()).getTime());
  const reporter = new SlackReporter({ client: app.client, redact, logger, root: config.databoxRoot, stateDir: config.stateDir, runbook: (id) => service.runbook(id), allowSelfApproval: config.allowSelfApproval, outbox, retryDelayMs: options.slackRetryDelayMs, record: (event) => journal.commit({ actor: botActor, ...event }), lasting, state, spentOffer: (run) => service.spentOffer(run.id), rollbackOfferRefused: (recovery, reason) => void tellRollbackOfferRefused(replyLinks, redact, logger, recovery, reason) });
  const service = new IncidentService(
    {
      config,
      runbooks,
      journal,
      state,
      runCommand,
      // With commands recorded by a test, daemons start from this process as well.
      startDetached: options.runCommand ? undefined : commandHost.startDetached,
      redact,
      logger,
      clock: options.clock,
      targets: options.targets,
      storageAnswerMs: options.storageAnswerMs,
    },
    reporter,
  );
  /** Shows again what the last stop, or a lasting refusal, kept from its thread, from the state as it is now: false if nothing is left to show. */
  function showAgain(redo: Redo): boolean {
    const incident = service.state.incidents.get(redo.incident);
    return incident !== undefined && reporter.showAgain(redo, incident, redo.run ? service.state.runs.get(redo.run) : undefined);
  }
  // What a terminal sharing the journal does in an incident with a Slack thread is shown there by the sweep.
  const elsewhere = new WorkElsewhere({ service, reporter, logger });
  journal.onRecordFromElsewhere((record) => elsewhere.note(record));
  // Before anything is written, so they come first and in order: what a terminal did while the bot was down.
  const shownBefore = readShownThrough(config.stateDir);
  if (shownBefore) {
    elsewhere.restore(shownBefore.held);
    elsewhere.replay(journal.recordsAfter(shownBefore, loadedThrough));
  }
  const queue = new WorkQueue(config.workers, 50, (error, label) => logger.error({ err: error, job: label }, 'a queued job failed'));
  const catalog = Object.fromEntries([...runbooks.values()].map((rb) => [rb.id, rb.recovery.map((p) => p.id)]));
  const access = new SlackAccess(app.client, {
    allowGuestApproval: config.allowGuestApproval,
    allowExternalApproval: config.allowExternalApproval,
    requesters: config.requesters,
    approvers: config.approvers,
    answerWithinMs: options.clientOptions?.timeout ?? (webApiPolicy.timeout as number),
  });
  const diagnoses = new RunningDiagnoses();
  const validations = new RunningValidations();
  const commandLimit = new PerUserLimit(config.userCommandLimit.limit, config.userCommandLimit.windowMs);
  const delivery = new SlackDeliveryWatch(app.client, outbox);
  const uploads = new UploadsUnderWay();
  const listeners = register(app, { service, queue, logger, redact, catalog, access, diagnoses, validations, commandLimit, watch, delivery, lasting, threadBehind, uploads, replyLinks });
  // A run that may have changed a database (a recovery, a rollback, whether it passed or not) has the watchers look again.
  journal.onRecord((record) => {
    if (record.type === 'run.finished' && state.runs.get(String((record.data as { runId?: unknown }).runId))?.mutates) watch.checkSoon();
  });

  // Never backwards (a sweep that ends late), and not after the stop has kept its own.
  let keptThrough = -1;
  let stoppedKeeping = false;
  const keepShownThrough = (shown: ShownThrough) => {
    if (stoppedKeeping || shown.offset < keptThrough) return;
    keptThrough = shown.offset;
    try {
      saveShownThrough(config.stateDir, shown);
    } catch (error) {
      logger.warn({ err: error }, "could not note how far a terminal's work was shown in Slack; the next start may show some of it again");
    }
  };
  const showDecidedElsewhere = () => {
    journal.catchUp();
    // What is noted up to here is shown by this sweep; what comes after is read again if the bot dies first.
    const through = { offset: journal.readThrough, hash: journal.readThroughHash, held: [] };
    return reporter
      .showDecidedElsewhere(service.state.runs.values(), (run) => service.incident(run.incidentId))
      .then(() => elsewhere.show())
      .then(() => keepShownThrough(through));
  };
  const sweepOnce = () =>
    service
      .expireDue()
      .then(showDecidedElsewhere)
      // Plans made stale by a run another process (a terminal) started lose their buttons too.
      .then(() => service.showOutdatedPlans());
  let sweep: NodeJS.Timeout | undefined;
  // A stop asked for (stop) ends a start still under way at its next step; the listener is stopped only once its start was asked.
  let stopAsked = false;
  let listenerStarted = false;
  let sweeping: Promise<void> = Promise.resolve();
  // While the start waits for Slack (it could not be reached): ended by a stop, and said by /healthz.
  const startWaits = new AbortController();
  let slackWait: SlackWait | undefined;
  const waitingReason = () => (slackWait ? waitingForSlackReason(slackWait) : undefined);
  const socketModeHealthz = () => healthzAnswer(lasting.tokenRefused(), waitingReason() ?? socketHealth?.problem());
  // /healthz answers 503 while the start waits for Slack: in Socket Mode on HEALTH_PORT from then on; in HTTP mode on
  // PORT, on every interface as Bolt's receiver listens, until that receiver takes the port.
  const startWaitingHealthz = (port: number | undefined) =>
    config.slack.appToken
      ? startHealthListener(config.slack.healthPort, socketModeHealthz, logger)
      : startHealthListener(port ?? config.slack.port, () => healthzAnswer(undefined, waitingReason()), logger, { host: undefined }, {
          what: "/healthz, answered while the start waits for Slack,",
          fix: 'the start will fail on it too once Slack answers: stop what holds PORT, or set PORT to a free port',
        });
  return {
    app,
    service,
    queue,
    uploads,
    journal,
    redact,
    watch,
    outbox,
    reporter,
    elsewhere,
    listenersIdle: () => listeners.idle(),
    sweep: sweepOnce,
    async start(port?: number) {
      // Checked after each wait: a stop asked for meanwhile ends the start there, the listener never started.
      const goOn = () => {
        if (stopAsked) throw new StartCutShort();
      };
      // Slack down as the bot starts (an outage, the likeliest time for a restart): waited out, with /healthz saying so.
      await untilSlackAnswers(() => initSlack(app, config.slack.apiUrl !== undefined), logger, startWaits.signal, (wait) => {
        slackWait = wait;
        if (wait && !healthListener) healthListener = startWaitingHealthz(port);
      });
      goOn();
      // Approvals are checked against the workspace (and Enterprise org) the bot is installed in.
      const auth = await app.client.auth.test();
      goOn();
      access.setInstalled({ teamId: auth.team_id, enterpriseId: auth.enterprise_id || undefined, url: auth.url });
      // A token from before a scope was added to manifest.yml: said now, not found out at the first click that needs it.
      const lacking = missingScopes(auth.response_metadata?.scopes);
      if (lacking) logger.error({ missing: lacking.missing }, lacking.line);
      // A group Slack says it does not have would otherwise be found at the first click of one of its members.
      for (const problem of await access.groupProblems()) {
        if (problem.lasting) logger.error({ group: problem.group, setting: problem.setting, error: problem.error }, problem.line);
        else logger.warn({ group: problem.group, setting: problem.setting, error: problem.error }, problem.line);
      }
      for (const aside of repairs.splice(0)) await service.reportJournalRepair(aside);
      reportRepair = (aside) => void service.reportJournalRepair(aside);
      for (const run of service.recoverAfterRestart()) {
        logger.warn({ runId: run.id }, 'a plan was interrupted by the restart');
        await service.reportInterrupted(run).catch((error: unknown) => logger.warn({ err: error }, 'could not update an interrupted plan'));
        await service.offerRollbackIfChanged(run);
      }
      // Left as they are, but said: runs still "running" after the pickup above are another host's (after a container is
      // recreated under a new hostname, every interrupted run).
      for (const run of service.state.runs.values()) {
        const elsewhere = goneRunnerHint(run, `/databox unlock ${run.id}`);
        if (elsewhere) logger.warn({ runId: run.id, host: run.runner?.host }, `a plan still shows as running, left as it is: ${elsewhere}`);
      }
      if (config.slack.appToken) await checkAppToken(app, config.slack.appToken);
      goOn();
      // HTTP mode's /healthz while Slack was waited for: Bolt's receiver takes its port, and answers /healthz from now on.
      if (!config.slack.appToken && healthListener) {
        await healthListener.stop();
        healthListener = undefined;
      }
      listenerStarted = true;
      const server = (await app.start(port ?? config.slack.port).catch((error: unknown) => {
        // In Socket Mode the start asks Slack for a connection with the app-level token: a wrong one is named, as the
        // check before it does (the token revoked, the workspace disabled in between).
        const code = slackCodeOf(error);
        if (config.slack.appToken && refusesTheAppToken(code)) throw new ConfigError(`invalid configuration: SLACK_APP_TOKEN is not accepted by Slack (${code}): ${appTokenAdvice(code)}`);
        // HTTP mode: the port is the operator's setting, so the refusal names it.
        const listen = (error as NodeJS.ErrnoException).code;
        const asked = port ?? config.slack.port;
        if (listen === 'EADDRINUSE') throw new ConfigError(`invalid configuration: PORT=${asked} is already in use by another process: stop it, or set PORT to a free port`);
        if (listen === 'EACCES') throw new ConfigError(`invalid configuration: PORT=${asked} may not be listened on by this user (a port below 1024 needs privileges): set PORT to 1024 or above`);
        throw error;
      })) as Server | undefined;
      goOn();
      // Socket Mode's /healthz, once connected: before that the image's HEALTHCHECK is within its start period.
      if (socketHealth) healthListener ??= startHealthListener(config.slack.healthPort, socketModeHealthz, logger);
      if (server) {
        // Longer than any client's or proxy's idle timeout, so the server never closes a kept-alive connection just as
        // a request arrives on it (the client sees ECONNRESET; Slack, a failed command).
        server.keepAliveTimeout = 65_000;
        server.headersTimeout = 66_000;
      }
      if (options.startThreadsEarly ?? true) {
        // Started now rather than by the first diagnosis, which would otherwise wait for them while Slack's acks share
        // the CPU with their start-up (loading their modules; seconds on a busy host when run from TypeScript).
        // The command host first: it is forked from this process, smaller before the threads load DuckDB.
        if (!options.runCommand) commandHost.startHost();
        startReaderThread();
        startSessionThread();
      }
      // Plans that expired while the bot was down lose their buttons now, not at the first sweep.
      await service.expireDue().catch((error: unknown) => logger.error({ err: error }, 'could not expire the plans due at start'));
      // Plans still waiting that another version of their runbook made say so before anyone clicks: this start loaded the runbooks.
      await service.noteWaitingPlansRunbookChanged();
      elsewhere.noteWaitingPlans(service.state, options.clock?.() ?? new Date());
      await showDecidedElsewhere();
      await service.showOutdatedPlans();
      // What the last stop could not get to Slack (Slack was failing as it stopped) is shown now, from the journal.
      // Those Slack refused for good (the token, the channel) too: /databox status says so again until Slack takes them.
      // The journal's are found after a stop that wrote no carry-over (a crash, a kill): older, so first.
      const { kept, shown } = withKeptInJournal(takeCarryOver(config.stateDir), service.state.incidents.values());
      outbox.carriedOver(kept);
      for (const redo of kept) {
        const incident = service.state.incidents.get(redo.incident);
        const refusal = redo.dropped && lastingRefusal(redo.dropped.code);
        const channel = incident && incidentThread(incident)?.channel;
        if (refusal && redo.dropped && channel) lasting.refusedBefore(refusal, { channel, incident: redo.incident }, Date.parse(redo.dropped.at));
      }
      for (const redo of shown) if (!showAgain(redo)) outbox.nothingToShow(redo);
      goOn();
      // Validations the last stop or crash cut short: they only read, so they run again now, each in its thread, after
      // what the last stop could not post (the interruption itself, perhaps).
      for (const takeUp of service.interruptedValidations()) {
        logger.warn({ runId: takeUp.run.id }, takeUp.how === 'run-again' ? 'a validation was interrupted by the last stop: running it again' : 'a validation run again was interrupted by a crash again: not run a third time');
        try {
          queue.push(`validation again ${takeUp.run.id}`, () => service.takeUpInterruptedValidation(takeUp));
        } catch (error) {
          logger.error({ err: error, runId: takeUp.run.id }, 'could not queue an interrupted validation to run again; the next start tries again');
        }
      }
      sweep = setInterval(() => {
        // Events kept in memory while the state dir refused writes go to disk as soon as it takes them again.
        try {
          journal.tryWriteKept();
        } catch (error) {
          logger.error({ err: error }, 'could not write the events kept in memory');
        }
        sweeping = sweepOnce().catch((error: unknown) => logger.error({ err: error }, 'expiry sweep failed'));
      }, options.sweepMs ?? sweepMs);
      sweep.unref();
      watch.start();
      return config.slack.appToken ? undefined : server;
    },
    async stop(signal?: string) {
      stopAsked = true;
      startWaits.abort();
      service.beginStopping();
      const deadline = Date.now() + stopBudgetMs;
      const left = (most: number) => Math.max(0, Math.min(most, deadline - Date.now()));
      try {
        if (sweep) clearInterval(sweep);
        await settles(sweeping, left(stopGraceMs));
        // A check whose read the storage never answers is given up on (watch-service.ts), within the grace too.
        await settles(watch.stop(), left(stopGraceMs));
        // A request acknowledged a moment ago queues its work first; then work in progress gets a grace period, after
        // which running commands are killed and their runs recorded as failed.
        await settles(listeners.idle(), left(stopGraceMs));
        if (!(await settles(queue.idle(), left(stopGraceMs)))) {
          logger.warn('stopping: killing the commands still running');
          service.stopRunning();
          await settles(queue.idle(), left(stopGraceMs));
        }
        // What is still on its way to Slack, updates held back by pacing too, gets what time is left; the journal and
        // the postmortem hold it either way (a postmortem being uploaded is on the bot's disk already).
        await settles(Promise.all([outbox.flush(), uploads.idle()]).then(() => undefined), left(stopGraceMs));
        // Slack's requests were answered until now, each refused with why (handlers/refuse-while-stopping.ts): a closed
        // port would have told the person only "dispatch_failed". A listener the start never got to has nothing to stop;
        // one still starting (Socket Mode trying to connect) is stopped all the same. One that cannot stop: said, not thrown.
        const listenerStopped = listenerStarted
          ? app.stop().then(
              () => undefined,
              (error: unknown) => logger.warn({ err: error }, 'the Slack listener did not stop cleanly'),
            )
          : Promise.resolve();
        await settles(listenerStopped, Math.max(500, left(stopGraceMs)));
      } finally {
        // Whatever went wrong above, nothing already committed is lost with the process.
        try {
          const carried = outbox.stop();
          saveCarryOver(config.stateDir, carried);
          // Each incident's postmortem says its thread was behind as the bot stopped, and that the next start shows the rest.
          for (const event of carriedOverEvents(carried)) journalSlack(event);
        } catch (error) {
          logger.error({ err: error }, 'could not keep the undelivered Slack messages for the next start; the journal and the postmortem hold them');
        }
        // Last, after the runs' ends: the next start reads from it that this process stopped, and when.
        if (signal) recordStop(journal, signal, (error) => logger.warn({ err: error }, `the bot's stop could not be journaled: ${(error as Error).message}`));
        // Every event committed (the last runs' ends among them) is on disk before the process may exit.
        await journal.flushed();
        // This process's own lines are never a terminal's work to show at the next start, nor is what it showed; what
        // it noted of a terminal's work and did not show yet is kept for that start.
        try {
          journal.catchUp();
          keepShownThrough({ offset: journal.readThrough, hash: journal.readThroughHash, held: elsewhere.takeHeld() });
        } catch (error) {
          logger.warn({ err: error }, "could not read the journal's last lines at the stop; the next start may show a terminal's work again");
        }
        stoppedKeeping = true;
        // Events the state dir still cannot take would go with the process: the log keeps them instead.
        const kept = journal.keptEvents();
        if (kept.length > 0) {
          logger.error(
            { stateDir: config.stateDir, reason: journal.unwritable?.reason, events: kept },
            `stopping with ${kept.length} journal event(s) the state dir could not take: they are not in the journal, only in this log entry`,
          );
        }
        // Nothing of ours runs on it any more (a command still running is killed with its group).
        await commandHost.stopHost();
        // Healthy until the stop is over: a probe failing meanwhile would only have the stop cut short.
        await healthListener?.stop();
      }
    },
    async startFailed(why: string) {
      recordFailedStart(journal, redact(why), (error) => logger.warn({ err: error }, `the failed start could not be journaled: ${(error as Error).message}`));
      await journal.flushed();
    },
  };
}
