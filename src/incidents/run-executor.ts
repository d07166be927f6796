// Running a plan's steps: journaled before and after each one, outputs kept on disk, each step shown by the front end.
import type { GuardRead } from './guards-read-newest.js';
import type { DagsterClient } from '../dagster/graphql-client.js';
import { dagsterClientFor } from '../watchers/build-watchers.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { namedSnapshotsUnavailable } from '../engine/named-snapshots-unavailable.js';
import { nothingLeftToChange, nothingToDoSaid, preflightProblems } from '../engine/plan-preflight.js';
import type { ProgramFinder } from '../process/find-program.js';
import type { Config } from '../config.js';
import { isUserError, StoppedError, UserError } from '../errors.js';
import { excerpt, stepExcerptChars } from '../excerpt.js';
import { stopReason } from '../engine/stop-reason.js';
import { executeSteps } from '../engine/execute-steps.js';
import { planHash } from '../engine/resolve.js';
import { stepPassed } from '../engine/step-passed.js';
import { targetOf, type StepIntent } from '../engine/steps/context.js';
import type { ResolvedStep, StepRecord, StepResult } from '../engine/types.js';
import type { Journal } from '../journal/journal.js';
import type { Logger } from '../logger.js';
import { identityOf } from '../process/identity.js';
import type { CommandRunner } from '../process/run-command.js';
import type { DetachedStarter } from '../process/start-detached.js';
import { redactDeep, type Redactor } from '../redact.js';
import { refuseIfLocked } from './database-lock.js';
import { lapsedBeforeChanges } from './path-requires.js';
import { reportSafely, type IncidentReporter } from './reporter.js';
import type { DatabaseTargets } from '../database/targets.js';
import { notStarted, reasonData, type Incident, type IncidentState, type Run } from './state.js';
import { endedWords, outcomeUnknownWords } from './run-label.js';
import type { Said } from '../said.js';
import { stepOutputFile } from './output-file.js';

/** Why a run could not start or go on, as its message and the journal say it: a user error as is, anything else in short. */
export function whyStopped(error: unknown): Said {
  return isUserError(error) ? error.said : ["stopped by an error on the bot's side; its log has the details"];
}

export interface RunExecutorDeps {
  config: Config;
  /** Who the journal names for the runs' starts, steps and ends: the bot, or a terminal's CLI. */
  actor: string;
  journal: Journal;
  state: IncidentState;
  runCommand: CommandRunner;
  /** Starts a daemon a step leaves running: from the bot's command host; absent, from this process (startDetached). */
  startDetached?: DetachedStarter;
  redact: Redactor;
  logger: Logger;
  clock: () => Date;
  /** The databases SQL steps talk to. */
  targets: DatabaseTargets;
  reporter: () => IncidentReporter;
  incident: (id: string) => Incident;
  run: (id: string) => Run;
  /** A run that changes its database has started: plans made before it on that database are stale now. */
  startedChanging: () => void;
  findProgram?: ProgramFinder;
  /** How long a DuckDB file's open, and each view's bind, is given to answer in a duckdb-scan step; by default as long as any read of the storage (answer-within.ts; tests shorten it). */
  storageAnswerMs?: number;
}

export class RunExecutor {
  /** Aborted when the bot shuts down: running commands are killed and their runs end as failed, on the record. */
  private readonly stopping = new AbortController();
  /**
   * One per read-only run under way here (a validation waiting for the marts): stopping it alone changes nothing, so
   * whoever may request can stop it at once (stopReadOnly). Runs that change data are stopped only with the bot.
   */
  private readonly readOnlyStops = new Map<string, AbortController>();
  /** The Dagster webserver's client when DAGSTER_URL is set (scenario 4's steps). */
  private readonly dagsterClient?: DagsterClient;

  constructor(private readonly deps: RunExecutorDeps) {
    this.dagsterClient = dagsterClientFor(deps.config);
  }

  /** Where a step's whole output is kept (output-file.ts). */
  private outputPath(run: Run, stepId: string): string {
    return stepOutputFile(this.deps.config.stateDir, run, stepId);
  }

  private stepContext(incidentId: string, runId: string, run?: Run, signal: AbortSignal = this.stopping.signal) {
    const { config } = this.deps;
    return {
      outputFile: run ? (stepId: string) => this.outputPath(run, stepId) : undefined,
      root: config.databoxRoot,
      databasePath: config.databasePath,
      stateDir: config.stateDir,
      incidentId,
      runId,
      diskFullPercent: config.diskFullPercent,
      diskAlertPercent: config.watch.diskAlertPercent,
      storageAnswerMs: this.deps.storageAnswerMs,
      dagster: { client: this.dagsterClient, heartbeatMaxAgeMs: config.watch.heartbeatMaxAgeMs },
      targets: this.deps.targets,
      runCommand: this.deps.runCommand,
      startDetached: this.deps.startDetached,
      redact: this.deps.redact,
      clock: this.deps.clock,
      signal,
      // With its start time, boot and host: a restart stops it only while that PID is provably still this process.
      processStarted: (pid: number, argv: readonly string[]) =>
        void this.deps.journal
          .commit({ type: 'step.process', incident: incidentId, actor: this.deps.actor, data: { runId, ...identityOf(pid), argv: [...argv] } })
          .catch((error: unknown) => this.deps.logger.error({ err: error, runId, pid }, 'could not journal a started command')),
      // On disk before the file is touched: a crash after the move and before its result is settled by looking at the disk.
      intent: (intent: StepIntent) =>
        void this.deps.journal.append({ type: 'step.intent', incident: incidentId, actor: this.deps.actor, data: { runId, ...intent } }, { durable: true }),
    };
  }

  /**
   * Stops what is running (commands are killed with their process trees); the runs end as failed in the journal, with
   * `why`, but a validation as interrupted (it found nothing wrong, it was stopped).
   */
  stopRunning(why = 'the bot is shutting down'): void {
    this.stopping.abort(why);
  }

  /** Stops the read-only run `runId` if it is under way here, with `why`; false when it is not (or changes data). */
  stopReadOnly(runId: string, why: string): boolean {
    const stop = this.readOnlyStops.get(runId);
    stop?.abort(why);
    return stop !== undefined;
  }


  async execute(run: Run): Promise<Map<string, string>> {
    const { journal } = this.deps;
    // The exact steps that were approved, or nothing: the hash is checked again right before they run.
    if (planHash(run.steps, run.previews ?? []) !== run.hash) throw new Error(`plan ${run.id} no longer matches its hash; not run`);
    // Looked up again: a program removed (or a PATH changed) since the plan was proposed stops it before anything moves.
    const missing = run.mutates ? await preflightProblems(run.steps, this.deps.config.databoxRoot, this.deps.findProgram) : [];
    if (missing.length > 0) throw new UserError(`plan ${run.id} was not started, nothing was changed: ${missing.join('; ')}`);
    // Read again as when it was made: one left nothing to do since (clones dropped by hand) is refused as its proposal would be.
    const idle = run.mutates ? await nothingLeftToChange(run.steps, { target: (choice) => targetOf({ targets: this.deps.targets, databasePath: this.deps.config.databasePath }, choice) }) : undefined;
    if (idle) throw new UserError(`plan ${run.id} was not started, nothing was changed: ${nothingToDoSaid(idle, run.cleanup)}`);
    // Read again too: an account moved to a plan without named snapshots since would stop it at its first snapshot.
    const noSnapshots = run.mutates ? await namedSnapshotsUnavailable(run.steps, { target: (choice) => targetOf({ targets: this.deps.targets, databasePath: this.deps.config.databasePath }, choice) }) : undefined;
    if (noSnapshots) throw new UserError(`plan ${run.id} was not started, nothing was changed: ${noSnapshots}`);
    try {
      await journal.commit(() => {
        // Checked under the journal's lock: a plan unlocked or interrupted by another process meanwhile does not start.
        const now = this.deps.run(run.id);
        if (!notStarted(now)) throw new UserError(`plan ${run.id} is ${now.status}; it was not started`);
        refuseIfLocked(this.deps.state, run.lockKey, run.id);
        // Who runs it, beyond a PID another process may reuse: its start time, boot and host.
        return { type: 'run.started', incident: run.incidentId, actor: this.deps.actor, data: { runId: run.id, ...identityOf() } };
        // A run that changes data does not start unless its start is on disk.
      }, { durable: run.steps.some((s) => s.mutates) });
    } catch (error) {
      // A start taken but not synced (its fsync failed) must not leave the run "running": it ends here.
      if (this.deps.run(run.id).status === 'running') await this.finish(run, 'failed', whyStopped(error));
      throw error;
    }
    if (run.mutates) this.deps.startedChanging();
    const incident = () => this.deps.incident(run.incidentId);
    const current = () => this.deps.run(run.id);
    let outcome: { ok: boolean; statuses: Map<string, string>; cutShort?: boolean } = { ok: false, statuses: new Map() };
    let completed = false;
    let stoppedBy: unknown;
    const ownStop = new AbortController();
    if (!run.mutates) this.readOnlyStops.set(run.id, ownStop);
    const signal = AbortSignal.any([this.stopping.signal, ownStop.signal]);
    try {
      outcome = await executeSteps(
        run.steps,
        this.stepContext(run.incidentId, run.id, run, signal),
        {
          stepStarted: async (step, index) => {
            // A changing step's start is durable: on disk before it runs, or it does not run.
            await journal.commit({ type: 'step.started', incident: run.incidentId, actor: this.deps.actor, data: { runId: run.id, stepId: step.id, index } }, { durable: step.mutates });
            await reportSafely(this.deps.logger, () => this.deps.reporter().stepStarted(incident(), current(), step, index));
          },
          stepProgress: (step, text) => this.deps.reporter().stepProgress(incident(), current(), step, text),
          stepFinished: async (step, result, index) => {
            const record = await this.record(run, step, result);
            await journal.commit({ type: 'step.finished', incident: run.incidentId, actor: this.deps.actor, data: { runId: run.id, result: record } });
            await reportSafely(this.deps.logger, () => this.deps.reporter().stepFinished(incident(), current(), step, record, result.output));
          },
        },
        { stopOnFailure: run.kind === 'recovery' || run.kind === 'rollback', lapsedBeforeChanges: (first) => lapsedBeforeChanges(run, this.deps.clock(), first) },
      );
      // Stopped part-way (the bot stopping, Ctrl-C at the terminal): what its steps found is not the whole answer, so a
      // diagnosis gets no verdict and a validation no "failed" advice from it.
      if (outcome.cutShort) throw new StoppedError(`stopped before it finished: ${stopReason(signal)}`);
      completed = true;
    } catch (error) {
      stoppedBy = error;
      throw error;
    } finally {
      this.readOnlyStops.delete(run.id);
      // A validation cut short by the stop of this process (the bot's shutdown, Ctrl-C) found nothing wrong: interrupted,
      // not failed, so nobody reads it as the recovery failing; it only reads, so it is run again (interrupted-validation.ts).
      // One stopped by an unlock was stopped by a person, as that person asked: it fails as before.
      const interrupted = outcome.cutShort === true && run.kind === 'validation' && this.stopping.signal.aborted && !ownStop.signal.aborted;
      // A diagnosis that ran to the end succeeds as a run: its failing checks are evidence, judged by the verdict.
      const status = interrupted ? 'interrupted' : completed && (run.kind === 'diagnosis' || outcome.ok) ? 'succeeded' : 'failed';
      await this.finish(run, status, completed ? undefined : whyStopped(stoppedBy), interrupted ? { interruptedBy: 'stop' } : {});
    }
    return outcome.statuses;
  }

  /**
   * Ends a run on the record. The line is taken at once (the run ends in memory whatever the disk does); an fsync that
   * then fails is logged, not thrown, so it neither hides the error that stopped the run nor stops what follows its end.
   */
  private async finish(run: Run, status: 'succeeded' | 'failed' | 'interrupted', reason?: Said, also: { interruptedBy?: 'stop' } = {}): Promise<void> {
    // Stopped at a step nobody can tell the end of (a backfill that printed no id): "failed" (it did not succeed), as
    // every reader of the journal takes it, with its outcome said unknown beside it, as its message and postmortem say.
    const unknown = status === 'failed' && endedWords({ ...this.deps.run(run.id), status }) === outcomeUnknownWords;
    await this.deps.journal
      .commit({ type: 'run.finished', incident: run.incidentId, actor: this.deps.actor, data: { runId: run.id, status, ...(unknown ? { outcome: 'unknown' } : {}), ...(reason ? reasonData(reason) : {}), ...also } })
      .catch((error: unknown) => this.deps.logger.error({ err: error, runId: run.id }, "could not sync a run's end to the journal"));
  }

  private async record(run: Run, step: ResolvedStep, result: StepResult): Promise<StepRecord> {
    const record: StepRecord = {
      stepId: step.id,
      status: result.status,
      summary: this.deps.redact(result.summary),
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      outputs: redactDeep(result.outputs, this.deps.redact),
      ...(result.untouched ? { untouched: true } : {}),
      ...(result.seen ? { seen: result.seen } : {}),
      ...(result.wrote ? { wrote: result.wrote } : {}),
    };
    if (result.output !== undefined && result.spool && !result.spool.problem) {
      // Streamed to the file as it arrived: the file holds it all (redacted); the excerpt is cut from head and tail.
      record.logFile = result.spool.file;
      record.outputBytes = result.spool.bytes;
      record.outputDigest = result.spool.digest;
      record.excerpt = excerpt(this.deps.redact(result.output), stepExcerptChars);
    } else if (result.output !== undefined) {
      if (result.spool?.problem) this.deps.logger.warn({ problem: result.spool.problem, logFile: result.spool.file }, "could not keep a step's whole output; its head and tail are kept instead");
      const output = this.deps.redact(result.output);
      const logFile = this.outputPath(run, step.id);
      const dir = path.dirname(logFile);
      // Not on the event loop: creating the file takes about 0.2 ms, but 1–4 ms at times (seen in a profile of diagnoses).
      try {
        await fs.promises.mkdir(dir, { recursive: true });
        await fs.promises.writeFile(logFile, output);
        record.logFile = logFile;
      } catch (error) {
        // A full state dir must not stop a diagnosis: the excerpt and the digest still go to the journal and the thread.
        if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
        await fs.promises.rm(logFile, { force: true });
        this.deps.logger.warn({ err: error, logFile }, "could not keep a step's output in the state dir");
      }
      record.outputBytes = Buffer.byteLength(output);
      record.outputDigest = `sha256:${createHash('sha256').update(output).digest('hex')}`;
      record.excerpt = excerpt(result.shown === undefined ? output : this.deps.redact(result.shown), stepExcerptChars);
    }
    return record;
  }

  /**
   * Runs a path's read-only guards now; a failure refuses the plan before anyone is asked to approve it. What they
   * read (a mart's newest day) is given back, for the plan to show. `refusedBy` is told the guard that refused, and
   * what it found, before the refusal is thrown.
   */
  async checkGuards(guards: ResolvedStep[], refusedBy?: (guard: ResolvedStep, failure: string) => Promise<void>): Promise<GuardRead[]> {
    const { failures, read, refusing } = await this.runGuards(guards);
    if (failures.length > 0) {
      if (refusing && refusedBy) await refusedBy(refusing, failures[0] as string);
      throw new UserError(`refused, nothing was run: ${failures.join('; ')}`);
    }
    return read;
  }

  /** Runs read-only guards now, up to the first that does not pass: each failure as a refusal says it. */
  async guardFailures(guards: ResolvedStep[]): Promise<string[]> {
    return (await this.runGuards(guards)).failures;
  }

  private async runGuards(guards: ResolvedStep[]): Promise<{ failures: string[]; read: GuardRead[]; refusing?: ResolvedStep }> {
    const failures: string[] = [];
    const read: GuardRead[] = [];
    let refusing: ResolvedStep | undefined;
    await executeSteps(guards, this.stepContext('(none)', 'guard'), {
      stepStarted: async () => {},
      stepProgress: () => {},
      stepFinished: async (step, result) => {
        read.push({ step, result });
        // A guard's title says what must hold ("The database opens…"): quoted, so it does not read as what was found. Its
        // whenRefused, if the runbook gives one, says what to do instead.
        if (stepPassed(step, result.status)) return;
        failures.push(`the check "${step.title}" did not pass: ${step.whenRefused ? `${result.summary.replace(/\.$/, '')}. ${step.whenRefused}` : result.summary}`);
        refusing ??= step;
      },
    }, { stopOnFailure: true });
    return { failures, read, refusing };
  }
}
