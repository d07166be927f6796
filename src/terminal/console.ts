// Console mode: the same runbooks, engine, approval policy and journal as the Slack bot, driven from a terminal.
import { undeliveredStatusLines } from '../slack/undelivered-status.js';
import type { DatabaseTargets } from '../database/targets.js';
import { limitReader } from '../duckdb/off-thread.js';
import { limitReadOnly } from '../duckdb/open.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { incidentIdPattern, parseCommand, runIdPattern, type ScenarioCatalog } from '../commands/parse.js';
import { ConfigError, loadConfig, loadRecordSettings, type Config } from '../config.js';
import { shortHash } from '../engine/resolve.js';
import { isUserError, StoppedError, UserError } from '../errors.js';
import { botActor, IncidentService, type StartCommand } from '../incidents/service.js';
import { cliActor, IncidentState, type Run } from '../incidents/state.js';
import { goneRunnerHint, incidentOutcome, leftOutText, leftPartWayLine, noLongerApprovable, statusReport } from '../incidents/status.js';
import { unlockableRun } from '../incidents/unlock.js';
import { plansItWouldVoid } from '../incidents/plans-it-would-void.js';
import { journalNamed } from '../incidents/journal-named.js';
import { Journal, JournalUnwritable } from '../journal/journal.js';
import { processUid, requireWritableJournal } from '../journal/journal-read-only.js';
import { acknowledgedTornWords, unacknowledgedTornWords } from '../journal/torn-tail.js';
import { createLogger } from '../logger.js';
import { formatDuration } from '../postmortem/markdown.js';
import { runElapsed } from '../format-duration.js';
import { damageWords } from '../postmortem/past-the-damage.js';
import { earlierKeptWords, journalFile, writePostmortem } from '../postmortem/write-postmortem.js';
import { runCommand as realRunCommand, type CommandRunner } from '../process/run-command.js';
import { createRedactor } from '../redact.js';
import { prepareStateDir } from '../state-dir.js';
import { loadRunbooks, RunbookError } from '../runbook/load.js';
import { runbooksWhenNeeded } from '../runbook/runbooks-when-needed.js';
import type { Runbook } from '../runbook/schema.js';
import { scenarioCommands } from '../runbook/scenario-commands.js';
import { helpAbout } from '../commands/help-about.js';
import { commandText, parseArgs, type CliOptions } from './args.js';
import { isCliCommand, unknownCommand } from './unknown-command.js';
import { rollbackOfIncidentWords } from './rollback-of-incident.js';
import { journalCommand } from './journal-command.js';
import { watchCommand } from './watch-command.js';
import { staleChecks, watchersAsTheBotSawThem } from './watchers-status.js';
import type { WatchService } from '../watchers/watch-service.js';
import { createLineReader, type LineReader } from './line-reader.js';
import { watchProcessInterrupts, type Interruption, type WatchInterrupts } from './interrupts.js';
import { colorWanted, createStyle, type Style } from './style.js';
import { incidentThread } from '../slack/slack-refs.js';
import { endedWords, runLabel } from '../incidents/run-label.js';
import { TerminalReporter, type TerminalOutput } from './terminal-reporter.js';
import { utcMinuteFrom } from '../timestamps.js';
import { renderSaid, type Said } from '../said.js';
import { checkApproval, notPending, teammateWhy } from '../incidents/approval-policy.js';
import { couldBeSamePerson } from '../incidents/same-person.js';
import { firstFailure, passedCount, stepPassed } from '../engine/step-passed.js';
import { yourName } from '../commands/paste-able.js';
import { asCliCommands } from './as-cli-commands.js';
import { warnOfUnreadSettings } from './unread-settings.js';
import { planDagsterHomeWarning } from './plan-dagster-home.js';
import { failedAtWords } from '../journal/failed-at.js';
import { currentOsAccount } from './os-account.js';
import { followUpVerdicts, verdictOfRecord } from '../incidents/verdict-of-record.js';

export const cliName = 'npm run --silent cli --';

export const exitCodes = { ok: 0, failed: 1, refused: 2 } as const;

export interface TerminalIO {
  stdout: TerminalOutput & { isTTY?: boolean; columns?: number; on?: NodeJS.WritableStream['on'] };
  stderr: TerminalOutput & { on?: NodeJS.WritableStream['on'] };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export interface ConsoleDeps {
  clock?: () => Date;
  runCommand?: CommandRunner;
  /** How often a long step says it is still running when stdout is not a terminal. */
  heartbeatMs?: number;
  /** The database targets; by default built from the configuration (tests pass a MotherDuck stand-in). */
  targets?: DatabaseTargets;
  /** What reports Ctrl-C, a kill and a closed standard output; by default this process's signals and stdout. */
  watchInterrupts?: WatchInterrupts;
}

/** What stopped the command (Ctrl-C, a kill, a closed output), and the incident it was working in by then. */
interface Stopped {
  by?: Interruption;
  incident?: string;
}

/** A refusal or bad input: shown as one line, exit code 2. */
class Refusal extends Error {}

/** Each command of the CLI with what it does: the help's list, and the usage `help <command>` puts on top. */
function terminalCommands(catalog: ScenarioCatalog): [command: string, what: string][] {
  const scenarios = Object.keys(catalog).join('|') || '<scenario>';
  return [
    [`diagnose ${scenarios} [key=value …] [incident=<id>]`, 'read-only diagnosis and verdict'],
    [`recover ${scenarios} [path=<id>] [key=value …] [incident=<id>]`, 'propose a recovery, approve it at the prompt, run it, validate (paths below)'],
    [`validate ${scenarios} [key=value …] [incident=<id>]`, "run the runbook's validation"],
    ['rollback <recovery-run-id> [key=value …]', 'propose the rollback of a recovery, approve it at the prompt, run it'],
    ['approve <run-id> <hash>', 'approve a waiting plan (from a terminal or from Slack) and run it'],
    ['reject <run-id> <hash>', 'reject a waiting plan'],
    ['unlock <run-id>', 'clear a plan stuck as running or approved (its process is gone for good), approved by a second person'],
    ['status', "what holds a database, what waits for approval, the latest incidents, each watcher's state and last check"],
    ['postmortem <incident-id>', 'print the postmortem and write it under <state dir>/postmortems/'],
    ['journal verify', "check the journal's hash chain"],
    ['journal repair --approver <name>', 'accept a journal that fails verification, on the record (a copy of it is kept)'],
    ['runbooks check [dir]', 'check every runbook file as the bot does at start (default: DATABOX_RUNBOOKS_DIR, else the bundled runbooks/)'],
    ['watch', 'run the watchers (daemon heartbeat, disk, stale marts, database file) once; exit 1 on a problem, 3 when one cannot tell'],
    ['help [command|scenario]', 'this help, with what it says of the command or scenario named on top'],
  ];
}

/** The usage of the CLI's command `word` (both forms of a two-word one), undefined when it has none of that word. */
function terminalUsageOf(catalog: ScenarioCatalog, word: string): string | undefined {
  const forms = terminalCommands(catalog).filter(([command]) => command.split(' ')[0] === word);
  return forms.length > 0 ? forms.map(([command]) => `${cliName} ${command}`).join(' | ') : undefined;
}

export function terminalUsage(catalog: ScenarioCatalog): string {
  return [
    `Usage: ${cliName} <command>`,
    '',
    ...terminalCommands(catalog).map(([command, what]) => `  ${command}   ${what}`),
    '',
    'Options: --approver <name>  who approves at the prompt (recorded as terminal:<name>; a destructive plan needs someone other than the requester)',
    '         --as <name>        who is asking (default $USER; recorded as terminal:<name>)',
    '         --approve <hash>   the plan\'s short hash, to approve without a prompt',
    'Exit codes: 0 ok, 1 a step failed, 2 refused or bad input; 130 Ctrl-C, 143 killed, 129 terminal closed, 141 output closed',
    '            (what was running is killed and its run ends as failed in the journal). For diagnose, 1 means it found',
    '            something (a check ended ✘: the file corrupt, a gap), 0 all is well.',
  ].join('\n');
}

/** A scenario in help: its paths, then its commands with their parameters, as Slack's help lists them. */
function scenarioHelp(rb: Runbook): string {
  const { diagnose, recover, validate } = scenarioCommands(rb);
  return [
    `  ${rb.id}: ${rb.title}; paths ${rb.recovery.map((p) => p.id).join(', ')}`,
    `    ${diagnose}`,
    ...recover.map((p) => `    ${p.command}   (${p.title}${p.needs ? `; ${p.needs}` : ''})`),
    `    ${validate.command}${validate.needs ? `   (${validate.needs})` : ''}`,
  ].join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}

export async function runCli(argv: readonly string[], io: TerminalIO, deps: ConsoleDeps = {}): Promise<number> {
  const err = (text: string) => io.stderr.write(`${oneLine(text)}\n`);
  const stopped: Stopped = {};
  const code = await answer(argv, io, deps, stopped, err);
  if (!stopped.by) return code;
  // The incident's own postmortem when the command had one; else the status, which lists the latest incidents.
  const record = stopped.incident ? `\`${cliName} postmortem ${stopped.incident}\`` : `\`${cliName} status\` lists the latest incidents, for \`${cliName} postmortem\``;
  err(`databox: ${stopped.by.why}: nothing more was run; the journal has what ran (${record})`);
  return stopped.by.exitCode;
}

/** Whether a plan that did not start has its end printed already, with this error as why (the reporter's "✘ … not started: …"). */
function endPrinted(error: unknown, ended: Run): boolean {
  return isUserError(error) && ended.status === 'interrupted' && !ended.startedAt && ended.endReason !== undefined && renderSaid(ended.endReason) === renderSaid(error.said);
}

async function answer(argv: readonly string[], io: TerminalIO, deps: ConsoleDeps, stopped: Stopped, err: (text: string) => void): Promise<number> {
  try {
    return await dispatch(argv, io, deps, stopped);
  } catch (error) {
    if (error instanceof Refusal) {
      err(asCliCommands(error.message, cliName));
      return exitCodes.refused;
    }
    // A refusal's advice is written once for both front ends, its commands as Slack's: here they read as the CLI's. A
    // runbook's or setting's problem quotes the file as it is written, so is left as it is.
    if (isUserError(error)) {
      err(`databox: ${asCliCommands(error.message, cliName)}${error.usage ? ` (${error.usage})` : ''}`);
      return exitCodes.refused;
    }
    if (error instanceof RunbookError) {
      // One problem a line, "file:line: …", as the bot's start and runbooks check print them: an editor opens each.
      for (const line of error.message.split('\n')) err(`databox: ${line}`);
      err(`databox: every command reads the runbooks first, so none runs until they load: \`npm run --silent cli -- runbooks check\` lists every problem, file by file`);
      return exitCodes.refused;
    }
    if (error instanceof ConfigError) {
      err(`databox: ${error.message}`);
      return exitCodes.refused;
    }
    err(`databox: internal error: ${(error as Error)?.message ?? String(error)}`);
    return exitCodes.failed;
  }
}

async function dispatch(argv: readonly string[], io: TerminalIO, deps: ConsoleDeps, stopped: Stopped): Promise<number> {
  const { words, options } = parseArgs(argv);
  const [verb, ...rest] = words;
  if (verb === 'journal') {
    if (options.help) {
      io.stdout.write(`Usage: ${cliName} journal verify | journal repair --approver <your name>\n`);
      return exitCodes.ok;
    }
    if (rest.length !== 1 || (rest[0] !== 'verify' && rest[0] !== 'repair')) throw new UserError(`usage: ${cliName} journal verify | journal repair --approver <your name>`);
    return journalCommand(words, io, { approver: options.approver, clock: deps.clock });
  }
  // Said before any setting is read or warned of: a mistyped command is the one thing wrong with it.
  if (verb !== undefined && !options.help && !isCliCommand(verb)) throw unknownCommand(verb, cliName);
  if (verb === 'postmortem' && !options.help) {
    const [incidentId, ...extra] = rest;
    if (!incidentId || extra.length > 0) throw new UserError(`usage: ${cliName} postmortem <incident-id>`);
    // Only the state dir and the runbooks: a copy of the state dir (evidence on a laptop) needs no databox checkout.
    const settings = loadRecordSettings(io.env);
    warnOfUnreadSettings(io.env, io.stderr);
    const runbooks = loadRunbooks(settings.runbooksDir);
    const written = writePostmortem({ stateDir: settings.stateDir, runbooks, root: settings.databoxRoot, ...(settings.rootUnset ? { checkoutHere: null } : {}), incidentId, redact: createRedactor(settings.secrets), writtenAt: deps.clock?.() });
    io.stdout.write(written.markdown);
    const problem = written.journal.verify.problem;
    if (problem) io.stderr.write(`warning: ${damageWords(problem, written.journal.lineCount)} (at line ${problem.line}: ${problem.reason})\n`);
    if (written.journal.tornTail) io.stderr.write(`note: ${unacknowledgedTornWords(written.journal.tornTail)}\n`);
    if (written.unwritten) {
      io.stderr.write(`the postmortem above could not be written to ${written.file}: ${written.unwritten}\n`);
      return exitCodes.failed;
    }
    const earlier = earlierKeptWords(written);
    io.stderr.write(`postmortem written to ${written.file}${earlier ? `; ${earlier}` : ''}\n`);
    return exitCodes.ok;
  }
  const config = loadConfig(io.env);
  // Said as the bot's start says it (src/main.ts): `npm run` runs in the bot's own folder, wherever it was typed, so a
  // root left unset is that folder, and every diagnosis would look for the stack's database there.
  if (!io.env.DATABOX_ROOT && verb !== undefined && verb !== 'help' && !options.help) {
    io.stderr.write(
      `warning: DATABOX_ROOT is not set: the databox checkout is taken to be the working directory, ${config.databoxRoot} (under \`npm run\`, the bot's own folder); set it to the checkout the runbooks work in\n`,
    );
  }
  if (verb !== undefined && verb !== 'help' && !options.help) warnOfUnreadSettings(io.env, io.stderr);
  limitReadOnly({ memoryLimit: config.duckdbMemoryLimit });
  limitReader({ memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads });
  if (verb === 'watch' && !options.help) {
    if (rest.length > 0) throw new UserError(`"watch" takes nothing after it`);
    return watchCommand(config, deps.runCommand ?? realRunCommand, io.stdout, deps.clock);
  }
  // `status` reads the runbooks only if what it shows needs them (a validation passed over a recovery of another source
  // than diagnosed), and parses no command, so needs no catalog; every other command loads and checks them here, so a
  // mistake in one is refused before anything runs.
  const status = verb === 'status' && !options.help;
  const runbooks = status ? runbooksWhenNeeded(() => loadRunbooks(config.runbooksDir)) : loadRunbooks(config.runbooksDir);
  const catalog: ScenarioCatalog = status ? {} : Object.fromEntries([...runbooks.values()].map((rb) => [rb.id, rb.recovery.map((p) => p.id)]));
  if (verb === undefined || verb === 'help' || options.help) {
    // `help duckdb` puts what it asks about on top, in the words Slack's `/databox help duckdb` uses.
    const scenarios = [...runbooks.values()];
    const about = verb === 'help' && rest.length > 0 ? `${helpAbout(rest.join(' '), scenarios, { usageOf: (word) => terminalUsageOf(catalog, word), text: (text) => text, title: (title) => title })}\n\n` : '';
    io.stdout.write(`${about}${terminalUsage(catalog)}\n\nScenarios:\n${scenarios.map(scenarioHelp).join('\n')}\n`);
    return exitCodes.ok;
  }
  // `status` only reads: a state dir that is not there (mistyped, or the bot never started on it) is said, not created.
  if (status && rest.length === 0 && !fs.existsSync(config.stateDir)) {
    io.stdout.write(
      `No journal to read: the state dir ${config.stateDir} does not exist, so nothing was recorded there (no incident, plan or watcher check). Is DATABOX_STATE_DIR the one the bot uses? Nothing was created.\n`,
    );
    return exitCodes.ok;
  }
  const session = new ConsoleSession(config, runbooks, catalog, io, deps, options, status);
  const stopWatching = (deps.watchInterrupts ?? watchProcessInterrupts)([io.stdout, io.stderr], (interruption) => {
    if (stopped.by) {
      io.stderr.write(`databox: still stopping (${stopped.by.why}): the run's end is being written to the journal\n`);
      return;
    }
    stopped.by = interruption;
    // At a prompt nothing of the command runs: there is nothing to kill, and the plan is left as it was.
    io.stderr.write(
      session.waitsAtPrompt()
        ? `\ndatabox: ${interruption.why} at the prompt: nothing was running; the plan is left as it was…\n`
        : `\ndatabox: ${interruption.why}: killing what runs and recording its end in the journal…\n`,
    );
    session.interrupt(interruption.why);
  });
  try {
    return await session.run(verb, rest);
  } finally {
    stopWatching();
    await session.close();
    if (stopped.by) stopped.incident = session.incidentWorkedIn();
  }
}

class ConsoleSession {
  private readonly style: Style;
  private readonly reporter: TerminalReporter;
  private readonly journal: Journal;
  private readonly service: IncidentService;
  private readonly requester: string;
  private reader?: LineReader;
  /** Set by Ctrl-C and the like: no prompt waits for an answer any more. */
  private interrupted = false;
  private readonly watch?: WatchService;
  private readonly clock: () => Date;
  private readonly startedAt: string;
  /** The runs there were before this command. */
  private before: ReadonlySet<string> = new Set();
  /** The incident the command named (incident=, or a run of it), before it proposed or started anything in it. */
  private incidentNamed?: string;
  /** Waiting at a prompt: nothing of this command runs meanwhile. */
  private atPrompt = false;
  /** DAGSTER_HOME's warning was said: once is enough for one command. */
  private toldOfDagsterHome = false;

  constructor(
    private readonly config: Config,
    runbooks: ReadonlyMap<string, Runbook>,
    private readonly catalog: ScenarioCatalog,
    private readonly io: TerminalIO,
    deps: ConsoleDeps,
    private readonly options: CliOptions,
    /** `status` shows the watchers as the bot last saw them: their outages from the journal, their last checks from the bot. */
    withWatchers = false,
  ) {
    this.clock = deps.clock ?? (() => new Date());
    this.startedAt = this.clock().toISOString();
    this.style = createStyle(colorWanted(io.stdout.isTTY, io.env));
    const redact = createRedactor(config.secrets);
    this.reporter = new TerminalReporter({
      out: io.stdout,
      style: this.style,
      tty: Boolean(io.stdout.isTTY),
      columns: () => io.stdout.columns,
      root: config.databoxRoot,
      runbook: (id) => this.service.runbook(id),
      allowSelfApproval: config.allowSelfApproval,
      cli: cliName,
      heartbeatMs: deps.heartbeatMs,
    });
    // `status` only reads: it may look at a state dir this user cannot write to.
    if (!withWatchers) {
      // Said once, by the command that made it: work recorded in a journal the bot never reads would be lost to it.
      if (prepareStateDir(config.stateDir).created) {
        io.stderr.write(`warning: created a new, empty state dir at ${config.stateDir}: nothing was recorded there before. Is DATABOX_STATE_DIR the one the bot uses?\n`);
      }
      requireWritableJournal(
        journalFile(config.stateDir),
        `nothing that must be recorded can run (a diagnosis, a plan, an approval): run this as the user the bot runs as, or give uid ${processUid()} write access to it; \`${cliName} status\`, \`${cliName} journal verify\` and \`${cliName} postmortem <incident-id>\` only read it`,
      );
    }
    // `status` loads it read-only: no lock is waited for, and nothing is written, whatever it finds.
    this.journal = new Journal(config.stateDir, deps.clock, redact, { onHeadUnwritten: (reason) => io.stderr.write(`warning: ${reason}\n`), readOnly: withWatchers, osAccount: currentOsAccount() });
    const state = new IncidentState();
    this.journal.onRecord((record) => state.apply(record));
    // Before the journal loads, so the outages in progress are rebuilt from it.
    this.watch = withWatchers ? watchersAsTheBotSawThem(config, this.journal, deps.runCommand ?? realRunCommand, this.clock) : undefined;
    this.journal.load();
    if (this.journal.problem) {
      io.stderr.write(
        `warning: ${failedAtWords(this.journal.problem)} (${this.journal.problem.reason}); run \`${cliName} journal verify\`\n`,
      );
    }
    // Only read (`status`): a torn line nobody was told of is left for the next writer to set aside.
    if (this.journal.tornTail) io.stderr.write(`note: ${unacknowledgedTornWords(this.journal.tornTail)}\n`);
    for (const aside of this.journal.setAside) {
      const what = aside.acknowledged ? acknowledgedTornWords(aside.acknowledged) : "the journal's last line was cut short (a crash or a full disk) and never acknowledged";
      io.stderr.write(`warning: ${what}; it was set aside to ${aside.file} (${aside.bytes} bytes)\n`);
    }
    // Log lines (rare: a front end that could not show a step) go to stderr, away from the operator's output.
    const logger = createLogger(io.env.LOG_LEVEL ? config.logLevel : 'error', redact, pino.destination({ fd: 2, sync: true }));
    this.service = new IncidentService(
      { config, runbooks, journal: this.journal, state, runCommand: deps.runCommand ?? realRunCommand, redact, logger, clock: deps.clock, targets: deps.targets, actor: cliActor },
      this.reporter,
    );
    const name = options.as ?? io.env.USER ?? io.env.LOGNAME ?? safeUsername();
    this.requester = `terminal:${name}`;
  }

  /** Kills what runs (its run ends as failed, with `why`) and stops waiting for an answer at a prompt. */
  interrupt(why: string): void {
    this.interrupted = true;
    this.service.stopRunning(why);
    this.reporter.close();
    this.reader?.close();
  }

  /** Stops the spinner and the prompt reader, and waits until every event committed is on disk, so the process may exit. */
  async close(): Promise<void> {
    this.reporter.close();
    this.reader?.close();
    await this.journal.flushed();
  }

  private out(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** The command as the journal names it: its words and options. */
  private commandLine(words: readonly string[]): string {
    const flags = Object.entries(this.options)
      .filter(([key, value]) => value !== undefined && key !== 'help')
      .map(([key, value]) => ` --${key} ${String(value)}`)
      .join('');
    return `cli ${commandText(words)}${flags}`;
  }

  private record(words: readonly string[], incident?: string): void {
    this.service.recordCommand(this.commandLine(words), this.requester, 'terminal', incident);
  }

  /** A refused command (bad input, an unknown plan, no approver) goes on the record with why, as Slack's refusals do. */
  private recordRefused(words: readonly string[], error: unknown, incident?: string): void {
    if (error instanceof Refusal || isUserError(error)) {
      void this.service.recordRefusal(this.requester, { command: this.commandLine(words), incident, reason: error.message });
    }
  }

  /** The incident this command worked in, from a run it proposed or started; undefined before it had one. */
  incidentWorkedIn(): string | undefined {
    return [...this.service.state.runs.values()].find((r) => !this.before.has(r.id) || (r.startedAt && r.startedAt >= this.startedAt))?.incidentId ?? this.incidentNamed;
  }

  /** Whether it waits at a prompt, where nothing of it runs (so nothing is killed). */
  waitsAtPrompt(): boolean {
    return this.atPrompt;
  }

  async run(verb: string, rest: string[]): Promise<number> {
    const before = (this.before = new Set(this.service.state.runs.keys()));
    let code: number;
    let incidentId: string | undefined;
    switch (verb) {
      case 'status':
        if (rest.length > 0) throw new UserError(`"status" takes nothing after it`);
        this.status();
        return exitCodes.ok;
      case 'diagnose':
      case 'validate':
      case 'recover': {
        const parsed = parseCommand(commandText([verb, ...rest]), this.catalog);
        if (!parsed.ok) {
          // The grammar's refusals name Slack's command where they say what to type instead (`/databox help`).
          const error = parsed.error.replaceAll('/databox ', `${cliName} `);
          const refusal = new UserError(`${error}. ${parsed.usage.includes('\n') ? `Run \`${cliName} help\`` : parsed.usage.replace('/databox ', `${cliName} `)}`);
          this.record([verb, ...rest]);
          this.recordRefused([verb, ...rest], refusal);
          throw refusal;
        }
        const command = parsed.command as StartCommand;
        this.incidentNamed = command.incident;
        this.record([verb, ...rest], command.incident);
        // Refused before anything ran (bad values, a held database): on the record with why, as Slack's refusals are.
        const { incident, run } = await this.service.start(command, this.requester, 'terminal').catch((error: unknown) => {
          if (!(error instanceof StoppedError)) this.recordRefused([verb, ...rest], error, command.incident);
          throw error;
        });
        incidentId = this.incidentNamed = incident.id;
        if (command.verb === 'recover') code = await this.approveAndRun(run as Run);
        else if (command.verb === 'validate') code = run?.status === 'succeeded' ? exitCodes.ok : exitCodes.failed;
        // A diagnosis whose check failed (the file corrupt, MotherDuck unreachable) exits 1 as its ✘ shows, so a script sees it.
        else code = run && !firstFailure(run.steps, run.results) ? exitCodes.ok : exitCodes.failed;
        break;
      }
      case 'rollback': {
        const [runId, ...pairs] = rest;
        // An incident's id where a recovery's run id goes: its recoveries that can be rolled back are named (an unknown one is said so).
        if (runId && incidentIdPattern.test(runId)) {
          const incident = this.service.incident(runId);
          throw new UserError(rollbackOfIncidentWords(incident.id, this.service.state, (scenario) => this.service.scenarios().find((rb) => rb.id === scenario), cliName));
        }
        if (!runId || !runIdPattern.test(runId)) {
          throw new UserError(`usage: ${cliName} rollback <recovery-run-id> [key=value …] (run ids look like dbx-20260420-3fa2/2)`);
        }
        const raw = keyValues(pairs, `${cliName} rollback <recovery-run-id> [key=value …]`);
        const recovery = this.service.run(runId);
        this.record([verb, ...rest], recovery.incidentId);
        incidentId = this.incidentNamed = recovery.incidentId;
        // Asked for before and still waiting (at another terminal, or in Slack): that plan is shown and approved here, as
        // the advice printed with it says, not refused as a second one.
        const waiting = this.service.waitingRollbackOf(runId);
        if (waiting) {
          this.out(`The rollback of ${runId} already waits for approval: plan ${waiting.id}.`);
          await this.service.showWaitingPlan(waiting);
          code = await this.approveAndRun(waiting);
          break;
        }
        // A rollback that needs a choice (which plan to restore, say) first shows what there is to choose from.
        if (this.service.rollbackParameters(runId).some((name) => !(name in raw))) await this.service.inspectRollback(runId, this.requester);
        // Refused (rolled back already, a later change in the way): on the record with why, as a refused recover is.
        const run = await this.service.proposeRollback(runId, this.requester, raw).catch((error: unknown) => {
          if (!(error instanceof StoppedError)) this.recordRefused([verb, ...rest], error, recovery.incidentId);
          throw error;
        });
        code = await this.approveAndRun(run);
        break;
      }
      case 'approve':
      case 'reject': {
        const [runId, hash, ...extra] = rest;
        const given = hash ?? this.options.approve;
        const usage = `usage: ${cliName} ${verb} <run-id> <hash>`;
        if (!runId || extra.length > 0 || !runIdPattern.test(runId)) {
          throw new UserError(`${usage} (the run id and hash are shown with the plan)`);
        }
        const run = this.service.run(runId);
        this.record([verb, ...rest], run.incidentId);
        incidentId = this.incidentNamed = run.incidentId;
        // Said before any hash is compared: a plan that ran, or a diagnosis, is not "still waiting" for a better one. On
        // the record under the approver named, who was refused, as a refusal by the policy is.
        if (run.status !== 'pending' || !run.needsApproval) {
          const reason = renderSaid(notPending(run, undefined, undefined, undefined, this.clock(), true));
          this.service.refuseDecision(run.id, this.options.approver ? `terminal:${this.options.approver}` : this.requester, reason, verb);
          throw new UserError(`refused: ${reason}; nothing was run.`);
        }
        // The run is known and waits: its hash is said, as status would show it, rather than the usage alone.
        if (!given) {
          const approver = this.options.approver ? ` --approver ${this.options.approver}` : '';
          throw new UserError(`${usage}: plan ${run.id}'s hash is ${shortHash(run.hash)} (shown with the plan, and by \`${cliName} status\`): \`${cliName} ${verb} ${run.id} ${shortHash(run.hash)}${approver}\``);
        }
        // Who else waits on its database now, proposed before it or after: approving it leaves them unapprovable.
        this.reporter.printPlan(run, plansItWouldVoid(this.service.state, run, this.clock()));
        if (verb === 'approve') code = await this.approveAndRun(run, given);
        else {
          // A rejection asked for and done is the command's success; one typed at a recover's prompt is not (nothing ran).
          this.rejectPlan(run, given);
          code = exitCodes.ok;
        }
        break;
      }
      case 'unlock': {
        const [runId, ...extra] = rest;
        let run: Run;
        try {
          if (!runId || extra.length > 0 || !runIdPattern.test(runId)) {
            throw new UserError(`usage: ${cliName} unlock <run-id> --approver <name> (run ids look like dbx-20260420-3fa2/2)`);
          }
          run = this.service.run(runId);
        } catch (error) {
          this.recordRefused([verb, ...rest], error);
          throw error;
        }
        this.record([verb, ...rest], run.incidentId);
        incidentId = this.incidentNamed = run.incidentId;
        code = await this.unlock(run, [verb, ...rest]);
        break;
      }
      default:
        throw unknownCommand(verb, cliName);
    }
    this.summary(incidentId, before);
    return code;
  }

  private async ask(question: string): Promise<string | undefined> {
    if (this.interrupted) return undefined;
    this.reader ??= createLineReader(this.io.stdin);
    // Input that has ended (</dev/null, a closed pipe, CI) answers nothing: the refusal says what to do, without a prompt.
    if (!(await this.reader.mayAnswer())) return undefined;
    this.io.stdout.write(question);
    this.atPrompt = true;
    const answer = await this.reader.next().finally(() => (this.atPrompt = false));
    // A terminal echoes what was typed and the Enter; from a pipe nothing is echoed, so the line is ended here.
    if (answer === undefined || !this.io.stdin.isTTY) this.out();
    return answer?.trim();
  }

  /** The `approve` command to paste, naming `approver` when one was given and accepted, else whoever runs it. */
  private howToApprove(run: Run, approver?: string): string {
    // Whoever asked for the plan, not whoever is at this keyboard: another terminal's plan may be this person's to approve.
    const other = !approver && run.needsTeammate && !this.config.allowSelfApproval ? `, run by someone other than ${askedBy(run)}` : '';
    return (
      `The plan waits in the journal${run.expiresAt ? ` until ${utcMinuteFrom(run.expiresAt, run.proposedAt)}` : ''}: approve it with ` +
      `\`${cliName} approve ${run.id} ${shortHash(run.hash)} --approver ${approver ?? yourName}\`${other}, or run this command again at a terminal.` +
      // A running bot shows it in the incident's thread, with its buttons, at its next sweep (src/slack/work-elsewhere.ts).
      (incidentThread(this.service.incident(run.incidentId)) ? ' A running bot also shows it in the incident\'s Slack thread, where it can be approved.' : '')
    );
  }

  /**
   * The one check an approver's name gets here, typed at the prompt or given with --approver: it must be a name. It is
   * kept as typed; the two-person rule counts a spelling of the requester's own name (ALICE, alice@laptop for alice) as
   * the requester (src/incidents/same-person.ts), and its refusal names both spellings.
   */
  private approverName(name: string, otherwise: string): string {
    if (!approverNamePattern.test(name)) {
      throw new Refusal(`refused: "${name.slice(0, 40)}" is not a name; ${otherwise}`);
    }
    return `terminal:${name}`;
  }

  /**
   * Unlocks a stuck run once a second person approves: named with --approver, or typed at the prompt. Every refusal is
   * on the record: without an approver as a refused command, the unlock's own as a refused click on Slack's button is.
   */
  private async unlock(run: Run, words: readonly string[]): Promise<number> {
    const requester = this.requester.slice('terminal:'.length);
    const other = this.config.allowSelfApproval ? '' : ` (someone other than ${requester})`;
    // Someone else's name is nothing the shell knows: `…` marks where it goes (pasted as it is, it is refused as no name).
    const how = this.config.allowSelfApproval
      ? `\`${cliName} unlock ${run.id} --approver ${yourName}\``
      : `\`${cliName} unlock ${run.id} --approver …\` with their name in place of …`;
    let approver: string;
    try {
      // Nothing to unlock (a run that has finished) is said before anyone is asked to approve it.
      unlockableRun({ journal: this.journal, state: this.service.state }, run.id);
      let name = this.options.approver;
      if (name === undefined) {
        if (!this.io.stdin.isTTY) throw new Refusal(`refused: an unlock needs an approver${other}: ${how}; nothing was changed`);
        name = await this.ask(`Who approves unlocking ${run.id}${other}? `);
        if (!name) throw new Refusal(`refused: no approver's name was typed; nothing was changed`);
      }
      approver = this.approverName(name, `nothing was changed. ${how}`);
    } catch (error) {
      this.recordRefused(words, error, run.incidentId);
      throw error;
    }
    let unlocked: Run;
    try {
      unlocked = this.service.unlock(run.id, this.requester, approver);
    } catch (error) {
      // A journal that cannot be written is no refusal, and could not record one (as in handlers/approve-unlock.ts).
      if (isUserError(error) && !(error instanceof JournalUnwritable)) {
        this.service.refuseDecision(run.id, approver, renderSaid(error.said).replace(/^refused: /, ''), 'unlock');
        if (/only these people/.test(error.message)) throw new Refusal(`${error.message}.${approversHint}`);
      }
      throw error;
    }
    const stopped = unlocked.stoppedAtUnlock?.length ? ` What it had left running was stopped: ${unlocked.stoppedAtUnlock.join(', ')}.` : '';
    this.out(`${unlocked.id} unlocked: recorded as interrupted, asked by ${requester} and approved by ${approver.slice('terminal:'.length)}; ${path.basename(unlocked.lockKey)} is free for other plans (what the run changed stays as it left it).${stopped}`);
    await this.service.offerRollbackIfChanged(unlocked);
    return exitCodes.ok;
  }

  /** The policy's refusal of an approval, with what to do about it at the terminal. */
  private refuseApproval(run: Run, why: Said): never {
    const reason = renderSaid(why);
    const hint = /someone other than/.test(reason)
      ? ` Give the approver's name with --approver (someone other than ${askedBy(run)}).`
      : /only these people/.test(reason)
        ? approversHint
        : '';
    // A reason that is already a sentence keeps its own full stop.
    throw new Refusal(`refused: ${reason.replace(/\.$/, '')}.${hint}`);
  }

  /** Asks for (or takes from --approve) the plan's short hash, approves the exact plan and runs it. */
  private async approveAndRun(run: Run, givenHash?: string): Promise<number> {
    this.warnOfDagsterHomeUnset(run);
    const needsOtherPerson = run.needsTeammate && !this.config.allowSelfApproval;
    const notRun = `nothing was run. ${this.howToApprove(run)}`;
    let approver = this.options.approver ? this.approverName(this.options.approver, notRun) : undefined;
    const hashGiven = givenHash ?? this.options.approve;
    const tty = Boolean(this.io.stdin.isTTY);
    // The approver given with --approver, once accepted, is the one the advice names; else who may approve.
    const hint = () => (this.options.approver && approver && !couldBeSamePerson(approver, run.requestedBy) ? approver.slice('terminal:'.length) : undefined);
    const noAnswer = (what: string) =>
      new Refusal(
        `refused: plan ${run.id} was not approved: ${tty ? `no ${what} was typed` : `standard input is not a terminal and gave no ${what}`}; nothing was run. ${this.howToApprove(run, hint())}`,
      );
    if (!approver && needsOtherPerson && hashGiven === undefined) {
      const why = teammateWhy(run, 'This plan');
      let question = `Who approves? ${why}: name someone other than ${askedBy(run)}: `;
      // The one who asked for the plan is asked again for another name here, not refused after typing the hash.
      for (let attempt = 1; ; attempt += 1) {
        const name = await this.ask(question);
        if (name === undefined || name === '') throw noAnswer('approver');
        approver = this.approverName(name, notRun);
        if (!couldBeSamePerson(approver, run.requestedBy) || attempt === 3) break;
        const spelling = approver === run.requestedBy ? name : `${name} (${askedBy(run)})`;
        question = `Who approves? ${spelling} asked for this plan, so cannot approve it: name someone else: `;
      }
    }
    approver ??= this.requester;
    // --approver naming whoever asked for a plan that needs someone else: refused by the policy as it stands (on the
    // record), without first asking that person to type the hash of a plan they cannot approve.
    if (hashGiven === undefined && needsOtherPerson && couldBeSamePerson(approver, run.requestedBy)) {
      const decision = checkApproval(run, approver, run.hash, this.clock(), { allowSelfApproval: this.config.allowSelfApproval, approvers: this.config.approvers });
      if (!decision.ok) {
        this.service.refuseDecision(run.id, approver, renderSaid(decision.reason), 'approve');
        this.refuseApproval(run, decision.reason);
      }
    }
    let typed = hashGiven;
    if (typed === undefined) {
      const answer = await this.ask(
        `Type the plan's short hash (${shortHash(run.hash)}) to approve it as ${approver}, "no" to reject it, or nothing to leave it waiting: `,
      );
      if (answer === undefined) throw noAnswer('approval');
      typed = answer;
    }
    const lowered = typed.toLowerCase();
    if (['no', 'n', 'reject'].includes(lowered)) {
      this.rejectPlan(run, run.hash, approver);
      return exitCodes.refused;
    }
    if (lowered === '') {
      throw new Refusal(`refused: plan ${run.id} was left waiting, not approved; nothing was run. ${this.howToApprove(run, hint())}`);
    }
    if (lowered.length < 8 || !run.hash.startsWith(lowered)) {
      const reason = `typed "${typed.slice(0, 64)}", which is not the plan's hash ${shortHash(run.hash)}; nothing was run`;
      this.journal.append({ type: 'approval.refused', incident: run.incidentId, actor: approver, data: { runId: run.id, decision: 'approve', reason } });
      throw new Refusal(`refused: ${reason}. ${this.howToApprove(run, hint())}`);
    }
    const decision = this.service.approve(run.id, run.hash, approver);
    if (!decision.ok) this.refuseApproval(run, decision.reason);
    await this.service.announceDecision(decision.run as Run);
    let finished: Run;
    try {
      finished = await this.service.executeApproved(run.id);
    } catch (error) {
      // A plan refused as it was to start (a folder that cannot be written) has its end printed with why, "✘ Recovery
      // not started: …": said once, not again as an error below it.
      if (endPrinted(error, this.service.run(run.id))) return exitCodes.refused;
      throw error;
    }
    if (finished.status !== 'succeeded') return exitCodes.failed;
    if (finished.kind === 'recovery') {
      const incident = this.service.incident(finished.incidentId);
      // The plan this first stage led to (path A's swap), printed above, waits for its own approval: how to give it.
      const next = incident.runs.find((r) => r.continues === finished.id && r.status === 'pending');
      if (next) this.out(this.howToApprove(next));
      const index = incident.runs.findIndex((r) => r.id === finished.id);
      const validation = incident.runs.slice(index + 1).find((r) => r.kind === 'validation');
      if (validation && validation.status !== 'succeeded') return exitCodes.failed;
    }
    return exitCodes.ok;
  }

  /** Said before approving a plan that starts the Dagster daemon: without DAGSTER_HOME it would stop at once. */
  private warnOfDagsterHomeUnset(run: Run): void {
    if (this.toldOfDagsterHome) return;
    const scenario = this.service.incident(run.incidentId).scenario;
    const runbook = this.service.scenarios().find((rb) => rb.id === scenario);
    const warning = planDagsterHomeWarning(this.io.env, run, runbook, this.config.dagster.daemonStart);
    if (!warning) return;
    this.toldOfDagsterHome = true;
    this.io.stderr.write(`warning: ${warning}\n`);
  }

  private rejectPlan(run: Run, given: string, actor = this.options.approver ? `terminal:${this.options.approver}` : this.requester): void {
    const lowered = given.toLowerCase();
    if (lowered.length < 8 || !run.hash.startsWith(lowered)) {
      throw new Refusal(`refused: "${given.slice(0, 64)}" is not the hash of plan ${run.id} (${shortHash(run.hash)}); nothing was changed`);
    }
    const decision = this.service.reject(run.id, run.hash, actor);
    if (!decision.ok) throw new Refusal(`refused: ${renderSaid(decision.reason)}`);
    this.out(this.style.yellow(`✘ Plan ${run.id} rejected by ${actor}; nothing of it was run.`));
  }

  private status(): void {
    const { style } = this;
    const { holding: busy, waiting, outdated, olderVerdict, unsettled, recent, leftOut, validatedElsewhere, undoneElsewhere, healthySince, recoveredSince } = statusReport(this.service.state, this.clock(), (scenario) => this.service.scenarios().find((rb) => rb.id === scenario));
    // Where it looked: an empty journal is a state dir nothing was recorded in, which a mistyped DATABOX_STATE_DIR is too.
    this.out(style.dim(`Journal: ${journalNamed(this.journal.file).replace(/^the journal /, '')}`));
    const blocked = this.service.journalBlock();
    if (blocked) this.out(style.yellow(blocked));
    for (const u of unsettled) this.out(style.yellow(`Left part-way: ${leftPartWayLine(u, `read \`${cliName} postmortem ${u.run.incidentId}\``)}.`));
    this.out(style.bold('Running'));
    if (busy.length === 0) this.out('  nothing; no database is held by a plan');
    for (const r of busy) {
      this.out(`  ${r.id} ${r.title} (${r.status}, requested by ${r.requestedBy}${r.decidedBy ? `, approved by ${r.decidedBy}` : ''})`);
      // Without --approver, the unlock asks who approves at the prompt.
      const gone = goneRunnerHint(r, `${cliName} unlock ${r.id}`);
      if (gone) this.out(style.yellow(`    ${gone}`));
    }
    this.out(style.bold('Waiting for approval'));
    if (waiting.length === 0) this.out('  nothing');
    for (const r of waiting) {
      this.out(`  ${r.id} ${r.title}, requested by ${r.requestedBy}, expires ${r.expiresAt ? utcMinuteFrom(r.expiresAt, r.proposedAt) : 'unknown'}`);
      if (r.notShown) this.out(style.yellow(`    never shown in ${r.notShown.frontEnd === 'slack' ? 'Slack' : r.notShown.frontEnd}: ${r.notShown.reason}`));
      this.out(style.dim(`    ${cliName} approve ${r.id} ${shortHash(r.hash)} --approver ${yourName}`));
    }
    const notApprovable = noLongerApprovable({ outdated, olderVerdict });
    if (notApprovable.length > 0) this.out(style.bold('No longer approvable'));
    for (const o of notApprovable) this.out(`  ${o.run.id} ${o.run.title}: ${o.reason}`);
    this.out(style.bold(recent.length > 0 ? 'Latest incidents (unfinished ones first, however old)' : 'Latest incidents'));
    if (recent.length === 0) this.out('  none yet');
    for (const i of recent) {
      this.out(`  ${i.id} ${i.title}, opened ${i.openedAt.slice(0, 16).replace('T', ' ')} UTC by ${i.openedBy}${incidentOutcome(i, (text) => text, { waiting, outdated, olderVerdict, validatedElsewhere, undoneElsewhere, healthySince, recoveredSince })}`);
    }
    if (leftOut > 0) this.out(style.dim(`  ${leftOutText(leftOut, `${cliName} postmortem <incident-id>`)}`));
    const undelivered = undeliveredStatusLines(this.service.state.incidents.values());
    if (undelivered.length > 0) this.out(style.bold('Slack'));
    for (const line of undelivered) this.out(style.yellow(`  ${line}`));
    if (this.watch) {
      this.out(style.bold('Watchers'));
      // A watcher's finding gives its commands as Slack's (the bot's status shows them): here they are the CLI's.
      for (const line of this.watch.statusLines('no check recorded by the bot')) this.out(`  ${asCliCommands(line.replace(/^• /, ''), cliName)}`);
      const stale = staleChecks(this.watch, this.watch.checkedEvery() ?? this.config.watch.intervalMs, this.clock());
      if (stale) this.out(style.yellow(`  ${stale}`));
    }
  }

  /** What this command did, in a few lines, and where the record is. */
  private summary(incidentId: string | undefined, before: ReadonlySet<string>): void {
    if (!incidentId) return;
    const { style } = this;
    const incident = this.service.incident(incidentId);
    // The runs this command proposed, and a plan from before that it approved and ran.
    const mine = incident.runs.filter((r) => !before.has(r.id) || (r.startedAt && r.startedAt >= this.startedAt));
    const rows: [string, string][] = [['Incident', `${incident.id} · ${incident.title}`]];
    const verdict = verdictOfRecord(incident);
    if (verdict) rows.push(['Verdict', verdict.title]);
    const checks = followUpVerdicts(incident);
    if (checks.length > 0) rows.push(['Checked again', checks.map((c) => `${c.title} (${utcMinuteFrom(c.at, incident.openedAt)})`).join(', ')]);
    for (const run of mine) {
      if (run.kind === 'diagnosis') continue;
      const elapsed = runElapsed(run, run.finishedAt);
      const who = run.decidedBy && run.decidedBy !== botActor ? ` · ${run.status === 'rejected' ? 'rejected' : 'approved'} by ${run.decidedBy}` : '';
      const label = run.kind === 'validation' ? 'Validation' : `${runLabel(run)}`;
      const status = run.status === 'pending' ? 'waiting for approval' : endedWords(run);
      rows.push([label, `${run.id} ${run.kind === 'validation' ? '' : `${run.title} · `}${status}${elapsed} · ${run.results.length} of ${run.steps.length} steps run${run.results.length > 0 ? `: ${passedCount(run.steps, run.results)}` : ''}${who}`]);
    }
    rows.push(['Journal', this.journal.file]);
    rows.push(['Postmortem', `${cliName} postmortem ${incident.id}`]);
    this.out();
    this.out(style.bold('Summary'));
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [key, value] of rows) this.out(`  ${key.padEnd(width)}  ${value}`);
  }
}

/** key=value words, as the shared grammar takes them; anything else is bad input. */
function keyValues(words: readonly string[], usage: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const word of words) {
    const match = /^([a-z][a-z0-9_]{0,40})=(.*)$/s.exec(word);
    if (!match) throw new UserError(`"${word.slice(0, 40)}" is not a key=value parameter (usage: ${usage})`);
    const [, key, value] = match as unknown as [string, string, string];
    if (Object.hasOwn(values, key)) throw new UserError(`${key} is given twice`);
    if (/[`$;|&<>]/.test(value)) throw new UserError(`${key}=${value.slice(0, 40)} contains shell metacharacters`);
    values[key] = value;
  }
  return values;
}

const approverNamePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/**
 * Why DATABOX_APPROVERS, once set, refuses every terminal approver: a typed name (a user ID too) is not one Slack
 * vouches for, and the CLI does not ask Slack who is in a user group; Slack's own clicks are.
 */
const approversHint =
  ' DATABOX_APPROVERS names Slack users and user groups, and a name typed at a terminal (a Slack user ID too) is no one Slack vouches for, nor can the terminal ask Slack who is in a group: approve it in Slack.';

function safeUsername(): string {
  try {
    return os.userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

/** Who asked for a plan, as the two-person rule counts them: a terminal's name, or a Slack user (the plan came from there). */
function askedBy(run: Run): string {
  return run.requestedBy.startsWith('terminal:') ? run.requestedBy.slice('terminal:'.length) : `${run.requestedBy} (in Slack)`;
}
