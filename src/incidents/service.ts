// The incident engine's front door: open incidents, diagnose, propose recoveries and rollbacks, validate; running plans,
// decisions on them and picking up after a restart live beside it (run-executor.ts, approvals.ts, restart-pickup.ts).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { typedCommandTakes, type Command } from '../commands/parse.js';
import type { Config } from '../config.js';
import { IncidentAbandoned, isUserError, UserError } from '../errors.js';
import { noPlanInJournal, notInJournal } from './journal-named.js';
import type { SpentOffer } from './spent-offers.js';
import { refuseOlderVerdict, replacedBy } from './older-verdict.js';
import { madeOnDiagnosisOf, newerVerdictThan, olderVerdictWords, waitingOnOlderVerdict } from './older-diagnosis-plan.js';
import { compactTimestamp, minuteUtc } from '../timestamps.js';
import { holds } from '../engine/conditions.js';
import { undecidedBefore } from '../engine/undecided-verdict.js';
import { changesData, firstFailure, stepPassed, writesOnlyBeside } from '../engine/step-passed.js';
import { nothingToDoSaid, preflightProblems } from '../engine/plan-preflight.js';
import { followersWouldStop } from './followers-would-stop.js';
import { noRollbackAfterFailedValidation } from './no-rollback-after-failed-validation.js';
import { onlyUnseenFailedAdvice } from './validation-only-unseen.js';
import type { ProgramFinder } from '../process/find-program.js';
import { nothingToChange, planHash, planWarnings, prepareSteps, readWhenPlanned, resolveSteps, teammateBecause } from '../engine/resolve.js';
import { toCountAgainGoingBack } from '../engine/steps/snapshot-history-step.js';
import { targetOf } from '../engine/steps/context.js';
import type { DagsterClient } from '../dagster/graphql-client.js';
import { dagsterClientFor } from '../watchers/build-watchers.js';
import type { ResolvedStep, RunKind, StepRecord } from '../engine/types.js';
import type { Journal, SetAside } from '../journal/journal.js';
import type { Logger } from '../logger.js';
import type { CommandRunner } from '../process/run-command.js';
import type { DetachedStarter } from '../process/start-detached.js';
import { redactDeep, type Redactor } from '../redact.js';
import { rawParameters, suggestionProblem, validateParameters, type ParameterValues } from '../runbook/params.js';
import type { OpensDiagnosis, RecoveryPath, Runbook, Step, Verdict } from '../runbook/schema.js';
import { has, render, renderAdvice, type StandIn, type TemplateContext } from '../runbook/template.js';
import { runbookVersion } from '../runbook/runbook-version.js';
import { runbookFile } from '../runbook/runbook-file.js';
import { opensNotOffered, unfilledMarks } from './unfilled-marks.js';
import { verdictHoldsUntil } from './verdict-holds-until.js';
import { runPreviews, type PreviewResult } from '../engine/previews.js';
import { previewsNoneSaid } from './previews-none.js';
import { planCountsFor } from './plan-counts.js';
import type { DatabaseTarget } from '../database/target.js';
import { databaseTargets, type DatabaseTargets } from '../database/targets.js';
import { engineValues, stepOutputs, templateContext, withScopedValues, type ScopedValues, type StepOutputs } from '../engine/template-values.js';
import { namedSnapshotsUnavailable } from '../engine/named-snapshots-unavailable.js';
import { releasedSnapshots } from '../engine/released-snapshots.js';
import { takenSnapshots } from '../engine/taken-snapshots.js';
import { snapshotStepsRestoredByRollback } from '../runbook/snapshots-restored-by-rollback.js';
import { rollbackSnapshots } from '../engine/rollback-snapshots.js';
import { utcTime, type Decision } from './approval-policy.js';
import { refuseRollbackAskedAgain, rolledBackBy } from './rollback-asked-again.js';
import { Approvals } from './approvals.js';
import { refuseIfLocked, refuseReadIfLocked } from './database-lock.js';
import { checkedWithDiagnosedDefaults, explainMissing, withDiagnosedDefaults } from './diagnosed-defaults.js';
import { holdsLapsed, holdsUntilOf, knownEmptyOf, requiredOn, type HoldsUntil, type KnownEmpty } from './path-requires.js';
import { doneSince, pendingProposal, planOffer, type PlanOffer } from './plan-offer.js';
import { previewDrift } from './preview-drift.js';
import { todayInWindow } from './today-in-window.js';
import { windowToday } from '../runbook/parameter-today.js';
import { failedRollbackAdvice, type AroundFailedRollback } from './failed-rollback-advice.js';
import { databaseFileNow } from './database-file-now.js';
import { movedAwayNote } from './moved-away.js';
import { changedPartSaid } from './changes-overlap.js';
import { standingChanges } from './standing-changes.js';
import { setAsideByRollbackSaid } from './set-aside-by-rollback.js';
import { pathsOffered } from './paths-offered.js';
import { isRoomGuard, roomCheckedType, roomRefused } from './room-marks.js';
import { guardsReadNewestSaid } from './guards-read-newest.js';
import { fileWrittenSinceSaid, recoveryEnded } from './file-written-since.js';
import { writtenSinceRecoverySaid } from './written-since-recovery.js';
import { asDiagnosedBy } from './as-diagnosed.js';
import { againstDiagnosis, changedSinceDiagnosis, cleanupAfterRollback, movedFileChangedSinceDiagnosis, pinnedAsDiagnosed, namesLeftOut, pinnedAsWritten, windowLeftOut } from './against-diagnosis.js';
import { commandValue } from '../commands/quote-value.js';
import { chosenPathId } from './default-path.js';
import { firstLine } from '../excerpt.js';
import { outdatedPlans } from './status.js';
import { waitingPlansToNote, waitingRunbookChangedType } from './waiting-runbook-changed.js';
import { followUpCommand, reportSafely, type FollowUpOffer, type IncidentReporter } from './reporter.js';
import { diagnoseAgainCommand } from './diagnose-again.js';
import { interruptIfNotStarted, pickUpAfterRestart } from './restart-pickup.js';
import { RunExecutor, whyStopped } from './run-executor.js';
import { takenFromIncident } from './taken-from-incident.js';
import { unlockableRun, unlockRun } from './unlock.js';
import { botActor, changedSomething, type Diagnosis, type FrontEndOrigin, type FrontEndRef, type Incident, type IncidentState, type Run } from './state.js';
import { orList } from '../or-list.js';
import { leftOutNoteSaid } from './left-out.js';
import { leftEmptySaid } from './left-empty.js';
import { notARecovery } from './not-a-recovery.js';
import { untilRepairedWords } from '../journal/until-repaired.js';
import { acknowledgedTornWords } from '../journal/torn-tail.js';
import { boundToStepsNotInRun } from './rollback-bound-steps.js';
import { notUndoneByRollback } from './not-undone-by-rollback.js';
import { boundToRan, partsUndoing, rollbackPartsFor } from './rollback-parts.js';
import { rollbackReadsUnset } from './rollback-reads-unset.js';
import { snapshotsNotRestored, snapshotsNotRestoredSaid } from './snapshots-not-restored.js';
import { recoveriesUndoneSaid } from './recoveries-undone.js';
import { failedAtWords } from '../journal/failed-at.js';
import type { SentForm } from '../commands/sent-form.js';
import { validationThatPassed } from './validated-recovery.js';
import { interruptedAdvice, interruptedByTheBot, notRunAgainWords, recoveryOwning, recoveryValidatedBy, runningAgainWords, validationsToTakeUp, type TakeUp } from './interrupted-validation.js';

export interface ServiceDeps {
  config: Config;
  runbooks: ReadonlyMap<string, Runbook>;
  journal: Journal;
  state: IncidentState;
  runCommand: CommandRunner;
  /** Starts a daemon a step leaves running: from the bot's command host; absent, from this process (startDetached). */
  startDetached?: DetachedStarter;
  redact: Redactor;
  logger: Logger;
  clock?: () => Date;
  /** The database targets; by default built from the configuration (tests pass a MotherDuck stand-in). */
  targets?: DatabaseTargets;
  /** Who the journal names for what the engine does by itself here: the bot (the default), or a terminal's CLI. */
  actor?: string;
  /** Looks up the programs a changing plan will start (tests whose runner starts nothing real pass their own). */
  findProgram?: ProgramFinder;
  /** How long a DuckDB file's open, and each view's bind, is given to answer in a duckdb-scan step; by default as long as any read of the storage (answer-within.ts; tests shorten it). */
  storageAnswerMs?: number;
}

export { botActor };

/**
 * A recover chosen on a verdict's path button or the form it opened carries `chosenOn`: the diagnosis whose verdict drew
 * it (undefined for a button drawn before buttons named theirs), checked again when the plan is made, since a newer
 * diagnosis may have given its verdict while the proposal waited in the queue. A typed recover carries none.
 */
export type StartCommand =
  | Extract<Command, { verb: 'diagnose' | 'validate' }>
  | (Extract<Command, { verb: 'recover' }> & { chosenOn?: { diagnosis: string | undefined; clicked: 'button' | 'form' } });

/** What a refused decision tried: to approve or reject a plan, or to approve its unlock. */
export type Decided = 'approve' | 'reject' | 'unlock';

/**
 * The rollback steps that undo what a recovery run did: those whose step ran (or may have: a command that failed or
 * timed out may have done part of its work, a rebuild half-built), and those bound to none.
 */
function rollbackStepsFor(path: RecoveryPath, run: Run): RecoveryPath['steps'] {
  return rollbackPartsFor(path, run).steps;
}

/** Whether a plan leaves a step out: the parameter it needs (onlyIfGiven) was not given. */
function leftOut(step: Step, values: TemplateContext): boolean {
  return step.onlyIfGiven !== undefined && !has(step.onlyIfGiven, values);
}

/**
 * The steps a plan leaves out where the runbook says what that means (leftOutNote): shown with the plan. One left out
 * because the diagnosis found nothing to give says as of when, and until when an approval may take it.
 */
function leftOutSteps(steps: readonly Step[], values: TemplateContext, found?: KnownEmpty): { title: string; parameter: string; note: string }[] {
  return steps.flatMap((step) => {
    const said = step.leftOutNote && leftOut(step, values) ? leftOutNoteSaid(step.leftOutNote, values) : undefined;
    if (!said) return [];
    const parameter = step.onlyIfGiven as string;
    const note = found?.params.includes(parameter) ? `${said}, as of ${minuteUtc(found.asOf)}, if approved before ${minuteUtc(found.until)}, when ${found.untilWhat ? `${found.untilWhat} is due` : 'that day ends'}` : said;
    return [{ title: step.title, parameter, note }];
  });
}

/**
 * Why a rollback would have nothing to do with the parameters given: every step it would take waits for one of them
 * (a plan id to restore) and none is given. A plan of its guards alone would pass, doing nothing.
 */
function nothingToRollBack(wanted: RecoveryPath['steps'], given: Readonly<Record<string, string>>, recoveryRunId: string): string | undefined {
  if (wanted.length === 0 || wanted.some((step) => !step.onlyIfGiven || (given[step.onlyIfGiven] ?? '') !== '')) return undefined;
  const needed = [...new Set(wanted.map((step) => step.onlyIfGiven as string))];
  return `nothing to roll back without ${needed.map((name) => `${name}=`).join(' or ')}: each step of the rollback of ${recoveryRunId} needs it; nothing was proposed`;
}


/** Stands in for the incident a command would open, so its plan can be checked before anything is recorded. */
function provisionalIncident(rb: Runbook): Incident {
  return { id: '(new)', scenario: rb.id, title: rb.title, openedBy: '', openedAt: '', origin: '', refs: {}, runs: [] };
}

/** What the recovery changed that its rollback leaves (the path's notUndone, for steps that ran), in one sentence. */
function notUndoneNotes(path: RecoveryPath, recoveryRun: Run): string | undefined {
  const notes = boundToRan(path.rollback?.notUndone ?? [], recoveryRun).map((note) => note.said.trim());
  return notes.length > 0 ? `${notes.join('; ')}.` : undefined;
}

/**
 * The rollback plan's "# not undone by this rollback: …" line; undefined when it leaves nothing. Besides the path's
 * notes, what its step kinds say it never undoes (a backfill's runs) of the steps that changed something, as the
 * rollback's offer says it: nothing of a backfill Dagster refused, or one the recovery never reached.
 */
function notUndoneLine(path: RecoveryPath, recoveryRun: Run): string | undefined {
  const notes = notUndoneNotes(path, recoveryRun);
  const leftByKind = notUndoneByRollback(recoveryRun).map((note) => `of what the recovery changed, ${note}.`);
  const said = [notes, ...leftByKind].filter(Boolean);
  return said.length > 0 ? `# not undone by this rollback: ${said.join(' ')}` : undefined;
}

/** A command naming an incident abandoned as it opened is refused: nothing of it ran, and it has nowhere to be shown. */
export function refuseIfAbandoned(incident: Incident): void {
  if (incident.abandoned) {
    throw new UserError(`incident ${incident.id} was abandoned as it opened (${incident.abandoned.reason}); nothing of it ran: run the command again without incident=`);
  }
}

export class IncidentService {
  private readonly clock: () => Date;
  /** Who the journal names for what the engine does by itself in this process. */
  private readonly actor: string;
  /** Set once the bot has begun to stop (beginStopping): no validation starts after a recovery then. */
  private stopping = false;
  /** The recovery proposal under way for each incident (proposeRecovery). */
  private readonly proposing = new Map<string, Promise<unknown>>();
  /** The databases SQL steps, previews and locks are about: the local file, MotherDuck, and DATABOX_BACKEND's one. */
  private readonly targets: DatabaseTargets;
  private readonly executor: RunExecutor;
  private readonly approvals: Approvals;
  /** Plans whose front end has been told they can no longer be approved (showOutdatedPlans), so it is told once. */
  private readonly outdatedShown = new Set<string>();
  /** Plans of another process on their way to this front end (showWaitingPlan). */
  private readonly announcing = new Set<string>();
  /** The Dagster webserver's client when DAGSTER_URL is set: plans ask it what a backfill covers. */
  private readonly dagsterClient?: DagsterClient;

  constructor(
    private readonly deps: ServiceDeps,
    private reporter: IncidentReporter,
  ) {
    this.clock = deps.clock ?? (() => new Date());
    this.actor = deps.actor ?? botActor;
    this.targets = deps.targets ?? databaseTargets(deps.config, deps.redact);
    this.dagsterClient = dagsterClientFor(deps.config);
    const clock = this.clock;
    this.executor = new RunExecutor({
      ...deps,
      actor: this.actor,
      targets: this.targets,
      clock,
      reporter: () => this.reporter,
      incident: (id) => this.incident(id),
      run: (id) => this.run(id),
      startedChanging: () => void this.showOutdatedPlans(),
    });
    this.approvals = new Approvals({
      ...deps,
      actor: this.actor,
      clock,
      expired: (run) => this.safely(() => this.reporter.runDecided(this.incident(run.incidentId), this.run(run.id))),
    });
  }

  /** The target a plan's lock names (previews count there); the backend's when the lock is not a target's. */
  private lockTarget(lockKey: string): DatabaseTarget {
    return [this.targets.motherduck, this.targets.local].find((t) => t.lockKey === lockKey) ?? this.targets.backend;
  }

  get config(): Config {
    return this.deps.config;
  }

  /** The journal: a postmortem, built from its file, says when this incident's events are still only in its memory. */
  get journal(): Journal {
    return this.deps.journal;
  }

  get state(): IncidentState {
    return this.deps.state;
  }

  /** Why no change is proposed or approved now (a journal that fails verification), for a status; undefined when none. */
  journalBlock(): string | undefined {
    this.deps.journal.catchUp();
    // A status only says what it finds: the verification carried over the bot's own lines answers it (see Journal.recheck).
    this.deps.journal.recheck('status');
    const problem = this.deps.journal.problem;
    return problem
      ? // What to look at comes before the command that accepts it: accepting unread damage would hide what it was.
        `${failedAtWords(problem)} (${problem.reason}): ${untilRepairedWords('away')}`
      : undefined;
  }

  runbook(scenario: string): Runbook {
    const rb = this.deps.runbooks.get(scenario);
    if (!rb) {
      throw new UserError(`unknown scenario "${scenario}": known scenarios are ${[...this.deps.runbooks.keys()].join(', ')}`);
    }
    return rb;
  }

  scenarios(): Runbook[] {
    return [...this.deps.runbooks.values()];
  }

  incident(id: string): Incident {
    this.deps.journal.catchUp();
    const incident = this.deps.state.incident(id);
    if (!incident) throw notInJournal(`no incident "${id}"`, this.deps.journal.file);
    return incident;
  }

  run(id: string): Run {
    this.deps.journal.catchUp();
    const run = this.deps.state.runs.get(id);
    if (!run) throw noPlanInJournal(id, this.deps.journal.file);
    return run;
  }

  /**
   * Records a command as it was typed, before anything else happens: a background commit (it shares a write and an
   * fsync with whatever else arrives within 50 ms), in order before everything that follows it. Resolves once on disk.
   */
  recordCommand(text: string, actor: string, origin: string, incidentId?: string, { refusedBecause, form }: { refusedBecause?: string; form?: SentForm } = {}): Promise<void> {
    // A command refused before any check of its own (past the per-person limit) is one line: its refusal rides on it.
    const refused = refusedBecause === undefined ? {} : { refused: true, reason: this.deps.redact(refusedBecause) };
    // A form's fields as typed: its text, the command it stands for, holds them trimmed and quoted to be typed again.
    const sent = form === undefined ? {} : { form: redactDeep(form, this.deps.redact) };
    const event = { type: 'command.received', incident: incidentId ?? null, actor, data: { text: this.deps.redact(text), origin, ...refused, ...sent } };
    return this.quietly(this.deps.journal.commit(event, { background: true }));
  }

  /**
   * Records that `actor`'s command (journaled already, before its incident was known) joined the diagnosis (or the
   * validation) of `incidentId` asked for a moment before, in another channel say: the incident's postmortem shows who
   * else asked.
   */
  recordJoin(incidentId: string, actor: string, text: string, origin: string, what: 'diagnosis' | 'validation' = 'diagnosis'): Promise<void> {
    return this.quietly(this.deps.journal.commit({ type: `${what}.joined`, incident: incidentId, actor, data: { text: this.deps.redact(text), origin } }, { background: true }));
  }

  /** Records a request refused before reaching any listener (another workspace, a button the bot never drew, a malformed body). */
  recordRefusal(actor: string, data: Record<string, unknown>): Promise<void> {
    return this.quietly(this.deps.journal.commit({ type: 'request.refused', incident: null, actor, data: redactDeep(data, this.deps.redact) }, { background: true }));
  }

  /** For events nobody waits on (they still reach the journal in order): a failure is logged, never thrown. */
  private quietly(committed: Promise<unknown>): Promise<void> {
    return committed.then(
      () => undefined,
      (error: unknown) => this.deps.logger.error({ err: error }, 'a journal event could not be written'),
    );
  }

  /** Opens an incident; `openedFrom` tells the front end where to show it (the Slack channel for its root message). */
  async openIncident(scenario: string, actor: string, origin: string, openedFrom?: FrontEndOrigin): Promise<Incident> {
    const rb = this.runbook(scenario);
    const now = this.clock();
    let id = '';
    // The id is taken under the journal's lock, after catching up: no process (bot or terminal) can take it twice.
    await this.deps.journal.commit(() => {
      id = this.newIncidentId(now);
      return { type: 'incident.opened', incident: id, actor, data: { scenario, title: rb.title, origin, openedFrom } };
    });
    const incident = this.incident(id);
    let ref: FrontEndRef | undefined;
    try {
      ref = await this.reporter.incidentOpened(incident);
    } catch (error) {
      // Its first message could not be shown (the bot is not in the channel, Slack is down): nothing of it runs, and
      // it does not stay open with nowhere to show it. The person who typed the command is told why.
      const why = this.deps.redact(error instanceof Error ? firstLine(error.message) : String(error));
      await this.deps.journal.commit({ type: 'incident.abandoned', incident: id, actor: this.actor, data: { reason: `its first message could not be shown: ${why}` } });
      throw new IncidentAbandoned(id, error, why);
    }
    if (ref) await this.attachRef(id, this.reporter.frontEnd, ref);
    return incident;
  }

  /** A random id of the day that no incident in the journal has; if random draws keep colliding, the first free one. */
  private newIncidentId(now: Date): string {
    const prefix = `dbx-${now.toISOString().slice(0, 10).replace(/-/g, '')}-`;
    const free = (id: string) => this.deps.state.incident(id) === undefined;
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const id = `${prefix}${randomBytes(2).toString('hex')}`;
      if (free(id)) return id;
    }
    for (let n = 0; n < 0x10000; n += 1) {
      const id = `${prefix}${n.toString(16).padStart(4, '0')}`;
      if (free(id)) return id;
    }
    throw new UserError(`all 65536 incident ids of ${now.toISOString().slice(0, 10)} are taken; continue an existing incident with incident=<id>`);
  }

  /**
   * What a diagnose command would diagnose (scenario, database and parameters): a second command with the same key
   * joins the first instead of reading the same file again. Bad parameters throw as they would at start.
   */
  async diagnosisKey(command: Extract<StartCommand, { verb: 'diagnose' }>): Promise<string> {
    const rb = this.runbook(command.scenario);
    const params = await this.parameters(rb, rb.diagnosis.parameters, command.params, [], undefined, typedCommandTakes(rb.diagnosis.parameters));
    const lockKey = render(rb.lockKey, this.templateValues(provisionalIncident(rb), params));
    // An incident diagnosed again is its own diagnosis: a burst of the same `incident=` joins one, as a new one does.
    return JSON.stringify([rb.id, lockKey, Object.entries(rawParameters(params)).sort(([a], [b]) => a.localeCompare(b)), command.incident ?? null]);
  }

  /**
   * Records where a front end shows an incident, also one another front end opened (a terminal, say). Group-committed:
   * nothing is changed on the strength of it, so the event loop does not wait for its fsync.
   */
  async attachRef(incidentId: string, frontEnd: string, ref: FrontEndRef): Promise<void> {
    await this.deps.journal.commit({ type: 'incident.ref', incident: incidentId, actor: this.actor, data: { frontEnd, ref } });
  }

  private templateValues(incident: Incident, params: ParameterValues, scoped: ScopedValues = {}): TemplateContext {
    const { config } = this.deps;
    const engine = engineValues({
      root: config.databoxRoot,
      databasePath: config.databasePath,
      stateDir: config.stateDir,
      incidentId: incident.id,
      now: compactTimestamp(this.clock()),
      diagnosis: this.diagnosisOutputs(incident),
      targets: this.targets,
      names: this.deps.runbooks.get(incident.scenario)?.names ?? {},
      releasedSnapshots: releasedSnapshots(incident.runs),
      rollbackSnapshots: rollbackSnapshots(incident.runs),
      takenSnapshots: takenSnapshots(
        incident.runs,
        (at) => `\`/databox ${followUpCommand({ scenario: incident.scenario, params: { at } })} incident=${incident.id}\``,
        (recovery) => this.snapshotStepsRestoredByRollback(incident.scenario, recovery.pathId),
      ),
    });
    return templateContext(engine, params, scoped);
  }

  /** The snapshot steps whose name the rollback of a recovery path restores, as its runbook says; none for a path it no longer has. */
  private snapshotStepsRestoredByRollback(scenario: string, pathId: string | undefined): ReadonlySet<string> {
    const path = this.deps.runbooks.get(scenario)?.recovery.find((p) => p.id === pathId);
    return path ? snapshotStepsRestoredByRollback(path) : new Set();
  }

  /** The step outputs of the incident's diagnosis, by step id; empty before it has one. */
  private diagnosisOutputs(incident: Incident | undefined): StepOutputs {
    const diagnosisRun = incident?.diagnosis ? this.deps.state.runs.get(incident.diagnosis.runId) : undefined;
    return diagnosisRun ? stepOutputs(diagnosisRun.results) : {};
  }

  /**
   * Resolves steps, leaving out those whose onlyIfGiven parameter the operator did not give (leftOutSteps names them). A plan that holds the
   * MotherDuck lock changes MotherDuck: each of its destructive steps gets the engine's named snapshot first.
   */
  private resolveAll(steps: readonly Step[], values: TemplateContext, guard = false, lockKey?: string, prepared?: ReadonlyMap<string, unknown>): ResolvedStep[] {
    const wanted = steps.filter((step) => !leftOut(step, values));
    const snapshotBefore = lockKey === this.targets.motherduck.lockKey ? { database: this.targets.motherduck.database } : undefined;
    const { url, daemonStart } = this.deps.config.dagster;
    return resolveSteps(wanted, { root: this.deps.config.databoxRoot, values, now: this.clock(), snapshotBefore, dagster: { url, daemonStart }, prepared }, guard);
  }

  /**
   * resolveAll for a plan about to be proposed: first each step's kind looks up what the plan must name (the assets a
   * Dagster backfill covers, asked of the webserver), so the plan shown for approval is exactly what will run.
   */
  private async resolvePlan(steps: readonly Step[], values: TemplateContext, lockKey?: string): Promise<ResolvedStep[]> {
    const { url, daemonStart, location } = this.deps.config.dagster;
    const wanted = steps.filter((step) => !leftOut(step, values));
    const prepared = await prepareSteps(wanted, { dagster: { url, daemonStart, location, client: this.dagsterClient } });
    return this.resolveAll(steps, values, false, lockKey, prepared);
  }

  /**
   * Before an incident is opened for it: what would stop the plan half-way (plan-preflight.ts), for the steps that
   * resolve without the incident (most). One that needs its own values is checked when the plan is proposed, as all are.
   */
  private async refuseWhatWouldStop(steps: readonly Step[], values: TemplateContext): Promise<void> {
    // One not resolved yet stays in its place, so what it may write is not taken as missing by the steps after it.
    const resolved = steps.flatMap((step) => {
      try {
        return this.resolveAll([step], values);
      } catch {
        return [undefined];
      }
    });
    await this.refuseIfWouldStop(resolved);
  }

  /** A recovery whose validation or rollback would not start (a program missing) is not offered: it would change data first. */
  private refuseIfFollowersWouldStop(rb: Runbook, recovery: RecoveryPath, values: TemplateContext): void {
    const resolveOne = (step: Step) => {
      try {
        return this.resolveAll([step], values)[0];
      } catch {
        return undefined;
      }
    };
    const refusal = followersWouldStop(rb, recovery, resolveOne, this.deps.config.databoxRoot, this.deps.findProgram);
    if (refusal) throw new UserError(refusal);
  }

  /** A plan that would stop half-way, its database moved aside, for want of a program (or moving a link) is not offered. */
  private async refuseIfWouldStop(steps: readonly (ResolvedStep | undefined)[]): Promise<void> {
    const problems = await preflightProblems(steps, this.deps.config.databoxRoot, this.deps.findProgram);
    if (problems.length > 0) throw new UserError(`refused, nothing was proposed: ${problems.join('; ')}`);
  }

  checkParameters(rb: Runbook, allowed: readonly string[], raw: Record<string, string>, requires: readonly string[] = []): Promise<ParameterValues> {
    return this.parameters(rb, allowed, raw, requires);
  }

  /**
   * `incident`: the one the command names, whose diagnosis a date's endedDaysIn reads (the schedules' timezones);
   * `takes`: every parameter the typed command takes, named when one typed is unknown.
   */
  private async parameters(rb: Runbook, allowed: readonly string[], raw: Record<string, string>, requires: readonly string[] = [], incident?: Incident, takes: readonly string[] = allowed): Promise<ParameterValues> {
    const ctx = { root: this.deps.config.databoxRoot, now: this.clock(), databasePath: this.deps.config.databasePath, diagnosis: this.diagnosisOutputs(incident) };
    return validateParameters(rb, allowed, raw, ctx, requires, takes);
  }

  /** A recovery's parameters read again for its rollback: the values were checked then; files may have moved since. */
  private recoveryParameters(rb: Runbook, recovery: RecoveryPath, run: Run): Promise<ParameterValues> {
    return validateParameters(rb, recovery.parameters, run.params, { root: this.deps.config.databoxRoot, now: this.clock(), checkFiles: false });
  }

  private async propose(
    incident: Incident,
    actor: string,
    spec: {
      kind: RunKind;
      title: string;
      steps: ResolvedStep[];
      lockKey: string;
      params: Record<string, string>;
      pathId?: string;
      rollbackOf?: string;
      continues?: string;
      previews?: PreviewResult[];
      /** The runbook path asks for a teammate's approval even without a destructive step. */
      teammate?: boolean;
      againstDiagnosis?: string;
      cleanup?: boolean;
      continuesWith?: string;
      leftOut?: { title: string; parameter: string; note: string }[];
      knownEmpty?: KnownEmpty;
      holdsUntil?: HoldsUntil;
      /** A validation run again in place of this interrupted one (interrupted-validation.ts). */
      rerunOf?: string;
      /** A validation's {{taken_from.…}} values, kept for running it again. */
      takenFrom?: Record<string, string>;
    },
  ): Promise<Run> {
    const mutates = spec.steps.some((s) => s.mutates);
    // Approvals are refused over a journal that fails verification: the plan is refused now, not at the click.
    if (mutates) this.deps.journal.requireVerified();
    if (mutates) await this.refuseIfWouldStop(spec.steps);
    // A destructive step on MotherDuck is undone by the named snapshot before it: an account that cannot take one is told now.
    const noSnapshots = mutates ? await namedSnapshotsUnavailable(spec.steps, { target: (choice) => targetOf({ targets: this.targets, databasePath: this.deps.config.databasePath }, choice) }) : undefined;
    if (noSnapshots) throw new UserError(`refused, nothing was proposed: ${noSnapshots}`);
    const destructive = spec.steps.some((s) => s.destructive);
    // A changing step that is not destructive may still be too big to start alone (a backfill of many days).
    const largeChange = mutates && !destructive ? teammateBecause(spec.steps) : undefined;
    const needsApproval = mutates;
    const expiresAt = needsApproval ? new Date(this.clock().getTime() + this.deps.config.approvalTtlMs).toISOString() : undefined;
    // A plan that only makes something new beside the database (a clone) leaves the plans waiting on it approvable.
    const overtakes = mutates && !writesOnlyBeside(spec.steps) ? this.waitingOnTheSameDatabase(spec.lockKey) : [];
    const path = spec.kind === 'recovery' && spec.pathId ? this.deps.runbooks.get(incident.scenario)?.recovery.find((p) => p.id === spec.pathId) : undefined;
    // Said of any path that changes data: one that only keeps rows or makes a clone beside it (dropped by the cleanup) changes none.
    const noRollback = path !== undefined && path.rollback === undefined && (destructive || spec.steps.some(changesData));
    const runbookSha256 = runbookVersion(this.deps.runbooks.get(incident.scenario));
    const madeOnDiagnosis = madeOnDiagnosisOf(this.incident(incident.id), spec);
    let id = '';
    // The id is taken under the journal's lock, after catching up: another process may have proposed a run meanwhile.
    await this.deps.journal.commit(() => {
      id = `${incident.id}/${(this.deps.state.incident(incident.id)?.runs.length ?? 0) + 1}`;
      return {
      type: 'run.proposed',
      incident: incident.id,
      actor,
      data: {
        runId: id,
        run: {
          id,
          kind: spec.kind,
          pathId: spec.pathId,
          title: spec.title,
          steps: spec.steps,
          root: this.deps.config.databoxRoot,
          // Which version of the runbook made it, from which file: an approval after the runbook changed, or from another copy of the runbooks, says so, and so does the postmortem.
          ...(runbookSha256 ? { runbookSha256, runbookPath: runbookFile(this.deps.config.runbooksDir, incident.scenario) } : {}),
          hash: planHash(spec.steps, spec.previews),
          lockKey: spec.lockKey,
          params: spec.params,
          needsApproval,
          destructive,
          needsTeammate: mutates && (destructive || spec.teammate === true || largeChange !== undefined),
          ...(largeChange ? { teammateBecause: largeChange } : {}),
          mutates,
          expiresAt,
          rollbackOf: spec.rollbackOf,
          continues: spec.continues,
          previews: spec.previews,
          againstDiagnosis: spec.againstDiagnosis,
          ...(spec.leftOut && spec.leftOut.length > 0 ? { leftOut: spec.leftOut } : {}),
          ...(spec.knownEmpty ? { knownEmpty: spec.knownEmpty } : {}),
          ...(spec.holdsUntil ? { holdsUntil: spec.holdsUntil } : {}),
          ...(spec.rerunOf ? { rerunOf: spec.rerunOf } : {}),
          ...(spec.takenFrom && Object.keys(spec.takenFrom).length > 0 ? { takenFrom: spec.takenFrom } : {}),
          cleanup: spec.cleanup,
          continuesWith: spec.continuesWith,
          ...(overtakes.length > 0 ? { overtakes } : {}),
          ...(noRollback ? { noRollback: true as const } : {}),
          // The verdict it was made on: once the incident is diagnosed again, it can no longer be approved.
          ...(madeOnDiagnosis ? { madeOnDiagnosis } : {}),
        },
      },
      };
      // A plan that changes data is on disk before its buttons can be shown: when the journal cannot be written it throws.
    }, { durable: mutates });
    return this.run(id);
  }

  /**
   * A plan waiting for approval, shown by this front end if it has not shown it (another process proposed it: a terminal,
   * or Slack for the terminal, which shows every plan it is asked about). Asked twice at once, it is shown once.
   */
  async showWaitingPlan(run: Run): Promise<void> {
    if (run.status !== 'pending' || !run.needsApproval || run.refs[this.reporter.frontEnd] || this.announcing.has(run.id)) return;
    this.announcing.add(run.id);
    try {
      await this.announce(this.incident(run.incidentId), run);
    } finally {
      this.announcing.delete(run.id);
    }
  }

  private async announce(incident: Incident, run: Run): Promise<void> {
    const record = (ref: FrontEndRef) => this.deps.journal.commit({ type: 'run.ref', incident: incident.id, actor: this.actor, data: { runId: run.id, frontEnd: this.reporter.frontEnd, ref } });
    const shownLater = (ref: FrontEndRef) =>
      void record(ref).catch((error: unknown) => this.deps.logger.error({ err: error, runId: run.id }, "could not journal where a run's message is"));
    let notShown: string | undefined;
    const ref = await this.reporter.runProposed(incident, run, shownLater, (reason) => (notShown = reason));
    if (ref) await record(ref);
    // Waiting where nobody sees it: on the record, so the status and the postmortem say so, and whoever asked is told.
    else if (notShown !== undefined) {
      await this.deps.journal.commit({ type: 'run.not-shown', incident: incident.id, actor: this.actor, data: { runId: run.id, frontEnd: this.reporter.frontEnd, reason: notShown } });
    }
  }

  /**
   * The front ends' entry point for diagnose, validate and recover: every parameter, the database lock and the
   * path's guards are checked before an incident is opened, so a bad command leaves nothing behind but its journal line.
   */
  async start(
    command: StartCommand,
    actor: string,
    origin: string,
    openedFrom?: FrontEndOrigin,
    /** Told as soon as the incident is open (before a diagnosis has run): a joining request can link to its thread. */
    opened?: (incident: Incident) => void,
  ): Promise<{ incident: Incident; run?: Run; alreadyWaiting?: boolean }> {
    const rb = this.runbook(command.scenario);
    const existing = command.incident ? this.incident(command.incident) : undefined;
    if (existing) refuseIfAbandoned(existing);
    if (existing && existing.scenario !== rb.id) {
      throw new UserError(`incident ${existing.id} is a ${existing.scenario} incident, not ${rb.id}`);
    }
    // Each check runs once: the parameters (a path's file is looked at), the lock and the guards (which open files).
    if (command.verb === 'recover') {
      // Checked at the click too; again here, as the plan is made on the latest diagnosis as it is now.
      if (existing && command.chosenOn) refuseOlderVerdict(existing, command.chosenOn.diagnosis, command.chosenOn.clicked);
      // A change the journal could not record is never proposed (no incident is opened for it either); diagnoses go on.
      this.deps.journal.requireWritable();
      this.deps.journal.requireVerified();
      const recovery = this.recoveryPath(rb, chosenPathId(rb, command.path, existing));
      if (recovery.needsIncident && !existing) {
        throw new UserError(
          `path ${recovery.id} (${recovery.title}) works on what an earlier step of an incident left: give incident=<id>, the incident it belongs to (its id is on the incident's first message); nothing was proposed`,
        );
      }
      // Left out, the window (or whatever the verdict suggests) is the one the diagnosis found; the plan's steps show it.
      // Given empty, it is refused: an empty value does not ask for what the diagnosis found.
      // A needed value given empty is refused with the other values' problems, so a form shows every field's at once.
      const params = await checkedWithDiagnosedDefaults(
        () => withDiagnosedDefaults(recovery, rb.parameters, existing, command.params),
        (given) => this.parameters(rb, recovery.parameters, given, requiredOn(recovery, existing?.diagnosis, this.clock()), existing, typedCommandTakes(recovery.parameters, 'recover')),
        (error) => explainMissing(error, existing, { recovery, now: this.clock(), diagnoseAgain: existing && `/databox ${diagnoseAgainCommand(existing, rb.diagnosis.parameters)}` }),
      );
      const values = this.templateValues(existing ?? provisionalIncident(rb), params);
      refuseIfLocked(this.deps.state, render(rb.lockKey, values));
      // Before the guards: a plan that would stop half-way (a folder nothing can be moved in) is refused for that, which
      // no room a guard asks for would put right.
      if (!existing) await this.refuseWhatWouldStop(recovery.steps, values);
      if (!existing) this.refuseIfFollowersWouldStop(rb, recovery, values);
      // A click on a verdict's path: its button is marked refused while its room guard refuses, as the click finds it.
      const clicked = existing && command.chosenOn ? { incident: existing.id, path: recovery.id, by: actor } : undefined;
      const refusedBy = clicked && ((guard: ResolvedStep, failure: string) => (isRoomGuard(guard) ? this.noteRoomChecked(clicked, failure) : Promise.resolve()));
      const read = await this.executor.checkGuards(this.resolveAll(recovery.guards, values, true), refusedBy);
      const guardsRead = guardsReadNewestSaid(read, this.deps.config.databoxRoot);
      // The same recover typed again without incident= (as a refusal's advice says to) finds the plan the first one left
      // waiting, rather than opening a second incident with the same plan.
      const typedBefore = existing ? undefined : await this.samePlanOfATypedRecover(rb, recovery, params, render(rb.lockKey, values), actor, guardsRead);
      if (typedBefore) return { incident: this.incident(typedBefore.incidentId), run: typedBefore, alreadyWaiting: true };
      const incident = existing ?? (await this.openIncident(rb.id, actor, origin, openedFrom));
      const known = new Set(incident.runs.map((run) => run.id));
      const run = await this.proposeRecovery(incident, recovery, params, actor, existing && this.typedContinues(existing, rb, recovery), guardsRead);
      // Its room guard passed and its plan is there to approve: a button marked refused is so no longer.
      if (clicked && read.some((guard) => isRoomGuard(guard.step))) await this.noteRoomChecked(clicked, undefined);
      // The same plan was found waiting (a second click, a form sent twice, a terminal's plan): nothing new was proposed.
      return { incident, run, alreadyWaiting: known.has(run.id) };
    }
    // A validation's parameters left out are what the incident's recovery was given (schedules=, a window, a source),
    // else what its diagnosis was given or, for one it needs, found; one still missing is explained as a recover's is.
    const needed = rb.validation.parameters.filter((name) => rb.validation.fromIncident.includes(name) || rb.validation.requires.includes(name) || rb.parameters[name]?.required);
    const taken = takenFromIncident(command.verb === 'validate' ? rb.validation.parameters : [], existing, command.params, needed);
    const params =
      command.verb === 'diagnose'
        ? await this.parameters(rb, rb.diagnosis.parameters, command.params, [], undefined, typedCommandTakes(rb.diagnosis.parameters))
        : await this.parameters(rb, rb.validation.parameters, taken.params, rb.validation.requires, existing, typedCommandTakes(rb.validation.parameters)).catch(
            (error: unknown) => Promise.reject(explainMissing(error, existing)),
          );
    // Reading (or verifying) a database while a plan moves or rebuilds it would report a half-done state.
    refuseReadIfLocked(this.deps.state, render(rb.lockKey, this.templateValues(existing ?? provisionalIncident(rb), params)), command.verb);
    const incident = existing ?? (await this.openIncident(rb.id, actor, origin, openedFrom));
    opened?.(this.incident(incident.id));
    if (command.verb === 'diagnose') {
      await this.diagnose(incident, params, actor);
      return { incident: this.incident(incident.id), run: this.run(this.incident(incident.id).diagnosis?.runId as string) };
    }
    return { incident: this.incident(incident.id), run: await this.validate(incident, params, actor, taken.takenFrom) };
  }

  /** Runs the diagnosis with parameters already checked, and records its verdict. */
  private async diagnose(incident: Incident, params: ParameterValues, actor: string): Promise<Diagnosis> {
    const rb = this.runbook(incident.scenario);
    const values = this.templateValues(incident, params);
    const run = await this.propose(incident, actor, {
      kind: 'diagnosis',
      title: `Diagnosis: ${rb.title}`,
      steps: await this.resolvePlan(rb.diagnosis.steps, values),
      lockKey: render(rb.lockKey, values),
      params: rawParameters(params),
    });
    await this.announce(incident, run);
    const statuses = await this.execute(run);
    const matched = rb.diagnosis.verdicts.find((v) => !v.when || holds(v.when, statuses)) ?? rb.diagnosis.verdicts.at(-1);
    if (!matched) throw new Error(`runbook ${rb.id} has no verdicts`);
    const verdict = matched.when ? (this.undecided(rb.diagnosis.verdicts, matched, statuses, this.run(run.id)) ?? matched) : (this.inconclusive(this.run(run.id)) ?? matched);
    const results = this.run(run.id).results;
    const outputs = withScopedValues(values, { steps: stepOutputs(results) });
    // A placeholder the run left without a value is marked in the text, never allowed to cost the verdict and its paths.
    const advice = unfilledMarks(results);
    const renderedAdvice = renderAdvice(verdict.advice, outputs, advice.standIn);
    const suggestions = Object.entries(verdict.suggest).map(([name, template]) => {
      const marks = unfilledMarks(results);
      return { name, template, value: render(template, outputs, marks.standIn), marked: marks.marked };
    });
    const unfilledSuggestions = suggestions.filter((s) => s.marked.length > 0);
    const rendered = suggestions.filter((s) => s.marked.length === 0 && s.value !== '').map((s) => [s.name, s.value] as const);
    // A suggestion its parameter's type refuses (a runbook rendering a summary into from=) is left out, and said so.
    const refusedSuggestions = [
      ...unfilledSuggestions.map((s) => ({ name: s.name, problem: s.marked.map((m) => `${m.placeholder} has ${m.why}`).join('; ') })),
      ...rendered.flatMap(([name, value]) => {
        const declared = Object.hasOwn(rb.parameters, name) ? rb.parameters[name] : undefined;
        const problem = declared && suggestionProblem(name, declared, value, this.clock());
        return problem ? [{ name, problem }] : [];
      }),
    ];
    const suggested = Object.fromEntries(rendered.filter(([name]) => !refusedSuggestions.some((r) => r.name === name)));
    if (refusedSuggestions.length > unfilledSuggestions.length) this.deps.logger.warn({ runbook: rb.id, verdict: verdict.id, refusedSuggestions }, 'a verdict suggested values its parameters refuse; left out');
    const unfilled = [
      ...advice.marked.map((m) => ({ ...m, template: 'advice' })),
      ...unfilledSuggestions.flatMap((s) => s.marked.map((m) => ({ ...m, template: `suggest.${s.name}` }))),
    ];
    if (unfilled.length > 0) {
      this.deps.logger.error(
        { runbook: rb.id, file: runbookFile(this.deps.config.runbooksDir, rb.id), verdict: verdict.id, unfilled, advice: verdict.advice, suggest: verdict.suggest },
        "a verdict's text refers to values this diagnosis did not set: posted with a marker in their place; fix the runbook",
      );
    }
    const leftOut = refusedSuggestions.map((r) => ` (The runbook's suggestion for ${r.name}= was left out: ${r.problem}.)`).join('');
    const movedAway = this.movedAwayFromMissingDatabase(render(rb.lockKey, values));
    const offered = await pathsOffered(rb, verdict.paths, {
      resolve: (step) => {
        try {
          return this.resolveAll([step], outputs, true)[0];
        } catch {
          return undefined;
        }
      },
      guardFailures: (guards) => this.executor.guardFailures(guards),
    });
    // What the runbook says of its paths, said only while none of them is refused at once (offered.said says why, and what instead).
    const wayOn = verdict.wayOn !== undefined && offered.paths.length === verdict.paths.length ? ` ${renderAdvice(verdict.wayOn, outputs, advice.standIn).trim()}` : '';
    await this.deps.journal.commit({
      type: 'diagnosis.verdict',
      incident: incident.id,
      actor: this.actor,
      data: {
        runId: run.id,
        verdict: verdict.id,
        title: verdict.title,
        // A placeholder left empty at its end (a log there is none of) leaves no space before what follows.
        advice: `${renderedAdvice.trimEnd()}${wayOn}${offered.said}${movedAway}${leftOut}`,
        severity: verdict.severity,
        paths: offered.paths,
        ...(offered.refusedUntilChecked.length > 0 ? { refusedUntilChecked: offered.refusedUntilChecked } : {}),
        suggested,
        // What it found empty holds on the day its steps looked, not the day the verdict was recorded (a moment later).
        ...(verdict.knownEmpty.length > 0 ? { knownEmpty: verdict.knownEmpty, knownEmptyAsOf: this.run(run.id).startedAt ?? this.clock().toISOString() } : {}),
        ...verdictHoldsUntil(verdict, outputs, this.clock(), unfilledMarks(results).standIn, (text) =>
          this.deps.logger.error({ runbook: rb.id, verdict: verdict.id, holdsUntilAt: text }, "a verdict's holdsUntil.at gave no time: plans on this diagnosis are refused until the runbook is fixed"),
        ),
        params: rawParameters(params),
        // The runbook mistake behind a marker in the advice, kept with the verdict for the postmortem.
        ...(unfilled.length > 0 ? { unfilled } : {}),
      },
    });
    await this.reporter.runFinished(this.incident(incident.id), this.run(run.id));
    await this.noteWaitingPlansOnOlderVerdict(incident.id);
    await this.offerWhatTheVerdictOpens(incident.id, this.run(run.id), verdict, outputs);
    return this.incident(incident.id).diagnosis as Diagnosis;
  }

  /**
   * The diagnosis of another scenario the verdict points to (opens: scenario 2 for the stale source's window), posted
   * under the verdict as a button per choice with the command each stands for, as a failed recovery's are.
   */
  private async offerWhatTheVerdictOpens(incidentId: string, diagnosis: Run, verdict: Verdict, outputs: TemplateContext): Promise<void> {
    const marks = unfilledMarks(diagnosis.results);
    const offers = this.followUpOffers(verdict.opens, outputs, marks.standIn);
    if (offers.length === 0) return;
    // A parameter the run left without a value would open the other diagnosis on something else (its default window):
    // no button then; what it points to is said, with why, and the runbook mistake logged as a verdict's advice's is.
    if (marks.marked.length > 0) {
      const rb = this.runbook(this.incident(incidentId).scenario);
      this.deps.logger.error(
        { runbook: rb.id, file: runbookFile(this.deps.config.runbooksDir, rb.id), verdict: verdict.id, unfilled: marks.marked.map((m) => ({ ...m, template: 'opens.params' })), opens: verdict.opens },
        "a verdict's opens names values this diagnosis did not set: not offered; fix the runbook",
      );
      const advice = opensNotOffered('this verdict', offers[0]?.title as string, marks.marked, 'this diagnosis');
      await this.deps.journal.commit({ type: 'run.follow-up', incident: incidentId, actor: this.actor, data: { runId: diagnosis.id, advice, offers: [] } });
      await this.safely(() => this.reporter.followUpOffered(this.incident(incidentId), diagnosis, advice, []));
      return;
    }
    // One command per choice: a single one shown (the first source's) would be pasted for whichever source is stale. Said
    // of the commands, not of Slack's buttons (one each, under it there): the terminal prints the advice too, without them.
    const commands = offers.map((offer) => `\`/databox ${followUpCommand(offer)}\``).join(', ');
    const each = verdict.opens?.oneEach && offers.length > 1 ? `; one per ${verdict.opens.oneEach}, pick the one the verdict names` : '';
    const advice = `What this verdict points to: ${offers[0]?.title} (${commands}${each}).`;
    await this.deps.journal.commit({ type: 'run.follow-up', incident: incidentId, actor: this.actor, data: { runId: diagnosis.id, advice, offers } });
    await this.safely(() => this.reporter.followUpOffered(this.incident(incidentId), diagnosis, advice, offers));
  }

  /**
   * A diagnosis of the database file that finds nothing at its path names what the bot moved away from it and is still
   * where it left it (a rollback that moved the rebuilt file aside and stopped): the database may be one `mv` away.
   */
  private movedAwayFromMissingDatabase(lockKey: string): string {
    const file = this.deps.config.databasePath;
    return lockKey === file ? movedAwayNote(file, this.deps.state.runs.values()) : '';
  }

  /**
   * The catch-all verdict (healthy, say) is never reached over a check that did not pass: a missing table, a query
   * error or a status no verdict rule names means the diagnosis could not see, not that all is well.
   */
  private inconclusive(run: Run): Verdict | undefined {
    const unexplained = run.results.filter((r) => !stepPassed(run.steps.find((s) => s.id === r.stepId), r.status));
    if (unexplained.length === 0) return undefined;
    const title = (id: string) => run.steps.find((s) => s.id === id)?.title ?? id;
    const first = unexplained[0] as StepRecord;
    return {
      id: 'inconclusive',
      title: `Not conclusive — ${title(first.stepId)} ended "${first.status}"`,
      advice: `${unexplained.map((r) => `${title(r.stepId)}: ${r.summary} (ended "${r.status}")`).join('; ')}. No verdict of the runbook covers this, so it is not called healthy. Fix that and diagnose again; no recovery is offered on a diagnosis that could not see.`,
      paths: [],
      severity: 'warning',
      suggest: {},
      knownEmpty: [],
    };
  }

  /**
   * A verdict offering recovery is never given over an earlier verdict a step that did not see left undecided: it holds
   * only when that one does not, which nobody could tell (the failing checks' query failed, so "the results table
   * reports none" is not known).
   */
  private undecided(verdicts: readonly Verdict[], matched: Verdict, statuses: ReadonlyMap<string, string>, run: Run): Verdict | undefined {
    if (matched.paths.length === 0) return undefined;
    const found = undecidedBefore(verdicts, matched, statuses, run.steps);
    if (!found) return undefined;
    const step = run.steps.find((s) => s.id === found.stepId);
    const title = step?.title ?? found.stepId;
    const summary = run.results.find((r) => r.stepId === found.stepId)?.summary;
    return {
      id: 'inconclusive',
      title: `Not conclusive — ${title} ended "${found.status}"`,
      advice: `${title}: ${summary ?? 'no summary'} (ended "${found.status}"), so whether "${found.verdict.title}" holds could not be told, and "${matched.title}" is given only when it does not. No recovery is offered on a diagnosis that could not see: fix that and diagnose again.`,
      paths: [],
      severity: 'warning',
      suggest: {},
      knownEmpty: [],
    };
  }

  /** The runbook path a recovery ran, as its runbook has it now. */
  private pathOf(run: Run): RecoveryPath | undefined {
    if (run.kind !== 'recovery' || !run.pathId) return undefined;
    return this.deps.runbooks.get(this.incident(run.incidentId).scenario)?.recovery.find((p) => p.id === run.pathId);
  }

  /**
   * Whether a run changed the database itself, not only beside it: a clone that a later plan swaps in (a path with
   * continueWith) and a cleanup of clones leave what a diagnosis saw as it was.
   */
  private changesItsDatabase(run: Run): boolean {
    return !run.cleanup && this.pathOf(run)?.continueWith === undefined;
  }

  /** Whether a recovery's path has a rollback the bot can propose. */
  private hasRollback(run: Run): boolean {
    return this.pathOf(run)?.rollback !== undefined;
  }

  /**
   * The service's clock, for a front end: a form's window its diagnosis found empty is optional on that day only, and an
   * alert's click joins an incident worked on lately by the times the service stamped.
   */
  now(): Date {
    return this.clock();
  }

  recoveryPath(rb: Runbook, pathId: string): RecoveryPath {
    const found = rb.recovery.find((p) => p.id === pathId);
    if (!found) {
      const choices = orList(rb.recovery.map((p) => `path=${p.id} (${p.title})`));
      throw new UserError(`path=${pathId} is not a recovery path of ${rb.id}: use ${choices}`);
    }
    return found;
  }

  /**
   * Why a plan made now on this incident's diagnosis would act on a database nobody has looked at since (another plan
   * changed it); undefined when it would not. `lockKey`: the database, when the plan's parameters are known.
   */
  private changedSinceDiagnosisReason(incident: Incident, recovery: RecoveryPath, lockKey: string): string | undefined {
    const current = this.incident(incident.id);
    const changedBy = changedSinceDiagnosis(current, recovery, this.deps.state, lockKey, (run) => this.changesItsDatabase(run));
    if (!changedBy) return undefined;
    const rb = this.runbook(incident.scenario);
    // Changed by its own recovery, validated since: nothing to do, unless the problem is back.
    const validated = validationThatPassed(current, changedBy, rb.parameters);
    if (validated) {
      return (
        `This incident is recovered: plan ${changedBy.id} (${changedBy.title}) ran, and its validation passed at ${utcTime(validated.finishedAt ?? '')}. ` +
        `Nothing is needed unless the problem is back: then diagnose again (\`/databox ${diagnoseAgainCommand(current, rb.diagnosis.parameters)}\`) and choose a path from the new verdict. Nothing was proposed.`
      );
    }
    return (
      `${path.basename(lockKey)} has changed since this incident's ${current.diagnosis ? 'diagnosis' : 'first plan was typed (with no diagnosis)'}: plan ${changedBy.id} (${changedBy.title}) ran at ${utcTime(changedBy.finishedAt ?? changedBy.startedAt ?? '')}. ` +
      `A plan made on that diagnosis would act on a database nobody has looked at since: diagnose again (\`/databox ${diagnoseAgainCommand(current, rb.diagnosis.parameters)}\`), then choose a path. Nothing was proposed.`
    );
  }

  /**
   * Why a plan would move a file other than the one the diagnosis opened (replaced or restored by hand since: the bot's
   * own runs are told by changedSinceDiagnosisReason first); undefined when it would not.
   */
  private movedFileChangedReason(incident: Incident, recovery: RecoveryPath, steps: readonly ResolvedStep[]): string | undefined {
    const current = this.incident(incident.id);
    const changed = movedFileChangedSinceDiagnosis(current, recovery, steps);
    if (!changed) return undefined;
    const rb = this.runbook(incident.scenario);
    return (
      `${path.basename(changed.file)} changed since this incident's diagnosis (${changed.change}): the verdict is about a file this plan would no longer move. ` +
      `Diagnose again (\`/databox ${diagnoseAgainCommand(current, rb.diagnosis.parameters)}\`), then choose a path. Nothing was proposed.`
    );
  }

  /**
   * The same, asked before a path's form opens, so nobody fills in a form whose plan would be refused: undefined also when
   * the database cannot be told without the form's values (the proposal checks again then).
   */
  staleForPath(incidentId: string, recovery: RecoveryPath): string | undefined {
    const incident = this.incident(incidentId);
    const values = this.templateValues(incident, {});
    const lockKey = this.diagnosedLockKey(incident);
    if (lockKey === undefined) return undefined;
    // The moves that need no value of the form (the database's, not the backup's) are asked about by hand changes too.
    const moves = recovery.steps.filter((step) => step.kind === 'move').flatMap((step) => {
      try {
        return this.resolveAll([step], values);
      } catch {
        return [];
      }
    });
    return this.changedSinceDiagnosisReason(incident, recovery, lockKey) ?? this.movedFileChangedReason(incident, recovery, moves);
  }

  /** The database the incident's plans work on, as far as it is known without a form's values; undefined when it is not. */
  private diagnosedLockKey(incident: Incident): string | undefined {
    try {
      return render(this.runbook(incident.scenario).lockKey, this.templateValues(incident, {}));
    } catch {
      return undefined;
    }
  }

  /**
   * What a run's offer can no longer do, decided as a late click on it is refused, so its message and the refusal agree:
   * a diagnosis' verdict (its own, the latest or an older one) whose paths would be refused as made on a database changed since
   * (changedSinceDiagnosisReason, as staleForPath asks it), named with the run that first changed it, or as on a verdict
   * a newer diagnosis replaced (refuseOlderVerdict), named with that diagnosis; a recovery's
   * rollback offer once its rollback ran (refuseRollbackAskedAgain). Undefined while every button of it is live.
   */
  spentOffer(runId: string): SpentOffer | undefined {
    const run = this.deps.state.runs.get(runId);
    const incident = run && this.deps.state.incident(run.incidentId);
    if (!run || !incident) return undefined;
    if (run.kind === 'recovery') {
      const rollback = rolledBackBy(incident, run.id);
      return rollback && { kind: 'rollback', rollback };
    }
    // Told against this run's own verdict: an older one's message keeps saying what it offered, not a later verdict's.
    const diagnosed = asDiagnosedBy(incident, run);
    const diagnosis = diagnosed?.diagnosis;
    const lockKey = diagnosed && this.diagnosedLockKey(diagnosed);
    // A scenario no longer loaded has no paths to tell: its verdict is left as it is.
    const rb = lockKey === undefined ? undefined : this.deps.runbooks.get(incident.scenario);
    if (!diagnosed || !diagnosis || lockKey === undefined || !rb) return undefined;
    const changedBy = (recovery: RecoveryPath, which: 'latest' | 'first') => changedSinceDiagnosis(diagnosed, recovery, this.deps.state, lockKey, (r) => this.changesItsDatabase(r), which);
    const spent = rb.recovery.filter((p) => diagnosis.paths.includes(p.id) && changedBy(p, 'latest'));
    const first = spent[0] && changedBy(spent[0], 'first');
    // A click on a verdict another diagnosis replaced is refused whatever its path (refuseOlderVerdict).
    const newer = replacedBy(incident, run);
    const paths = newer ? rb.recovery.filter((p) => diagnosis.paths.includes(p.id)) : spent;
    // A verdict that offered no path has no button to take away.
    if ((!first && !newer) || paths.length === 0) return undefined;
    return { kind: 'verdict', paths: paths.map((p) => p.id), changedBy: first, replacedBy: newer, diagnoseAgain: `/databox ${diagnoseAgainCommand(diagnosed, rb.diagnosis.parameters)}` };
  }

  /**
   * The offers `finished` spent, shown so: the verdicts it was the first change since (of any incident on its database),
   * and, a rollback that ran, its recovery's rollback offer. One spent before is not shown again. Asked when this
   * process ends a run, and by the bot's sweep when another process (a terminal) ended one (work-elsewhere.ts).
   */
  async showOffersSpentBy(finished: Run): Promise<void> {
    if (!finished.mutates) return;
    const spent: Run[] = [];
    const recovery = finished.kind === 'rollback' && finished.rollbackOf ? this.deps.state.runs.get(finished.rollbackOf) : undefined;
    if (recovery) {
      const offer = this.spentOffer(recovery.id);
      if (offer?.kind === 'rollback' && offer.rollback.id === finished.id) spent.push(recovery);
    }
    for (const incident of this.deps.state.incidents.values()) {
      const diagnosis = incident.diagnosis && this.deps.state.runs.get(incident.diagnosis.runId);
      const offer = diagnosis && this.spentOffer(diagnosis.id);
      if (diagnosis && offer?.kind === 'verdict' && offer.changedBy?.id === finished.id) spent.push(diagnosis);
    }
    for (const run of spent) await this.safely(() => this.reporter.offerSpent(this.incident(run.incidentId), run));
  }

  /**
   * The run a typed path goes on from, as if that run had proposed it (the swap typed after path A's or path N's clone:
   * that clone, the latest of the incident that succeeded): the same plan, its warning carried, so the one that run
   * proposed, still waiting, is found and linked to rather than proposed a second time. Undefined for any other path.
   */
  private typedContinues(incident: Incident, rb: Runbook, recovery: RecoveryPath): string | undefined {
    const leadingHere = new Set(rb.recovery.filter((p) => p.continueWith === recovery.id).map((p) => p.id));
    if (leadingHere.size === 0) return undefined;
    const runs = this.incident(incident.id).runs;
    return [...runs].reverse().find((r) => r.kind === 'recovery' && r.status === 'succeeded' && r.pathId !== undefined && leadingHere.has(r.pathId))?.id;
  }

  /** Proposes a recovery whose parameters and guards start() has just checked: nothing is checked twice. */
  /** `guardsRead`: what start()'s guards read that the plan shows (each mart's newest day in a backup). */
  private async proposeRecovery(incident: Incident, recovery: RecoveryPath, params: ParameterValues, actor: string, continues?: string, guardsRead?: string): Promise<Run> {
    // Allowed to propose, it always returns a plan: the one found waiting or a new one.
    return (await this.oneProposalAtATime(incident.id, () => this.proposeRecoveryNow(incident, recovery, params, actor, continues, true, guardsRead))) as Run;
  }

  /**
   * A plan still waiting in an incident opened by a recover typed without incident= (no diagnosis in it) of the same
   * runbook, path, parameters and database, that this recover would make again: found as a second click finds its plan
   * (samePlanWaiting), and shown. Undefined when there is none, or when that incident's plan could no longer be made.
   */
  private async samePlanOfATypedRecover(rb: Runbook, recovery: RecoveryPath, params: ParameterValues, lockKey: string, actor: string, guardsRead?: string): Promise<Run | undefined> {
    const raw = JSON.stringify(Object.entries(rawParameters(params)).sort());
    const candidates = [...this.deps.state.runs.values()].filter(
      (r) =>
        r.kind === 'recovery' &&
        r.status === 'pending' &&
        r.pathId === recovery.id &&
        r.lockKey === lockKey &&
        JSON.stringify(Object.entries(r.params).sort()) === raw &&
        this.incident(r.incidentId).scenario === rb.id &&
        !this.incident(r.incidentId).runs.some((other) => other.kind === 'diagnosis'),
    );
    for (const candidate of candidates) {
      const incident = this.incident(candidate.incidentId);
      const found = await this.oneProposalAtATime(incident.id, () => this.proposeRecoveryNow(incident, recovery, params, actor, undefined, false, guardsRead)).catch((error: unknown) => {
        if (isUserError(error)) return undefined;
        throw error;
      });
      if (found) return found;
    }
    return undefined;
  }

  /**
   * One proposal per incident at a time: a proposal looks for the same plan waiting, then awaits its guards and previews
   * before it is journaled, so a second click meanwhile would find nothing waiting and propose the plan again.
   */
  private oneProposalAtATime<T>(incidentId: string, propose: () => Promise<T>): Promise<T> {
    const before = this.proposing.get(incidentId) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(propose);
    const settled = next.catch(() => undefined);
    this.proposing.set(incidentId, settled);
    void settled.then(() => {
      if (this.proposing.get(incidentId) === settled) this.proposing.delete(incidentId);
    });
    return next;
  }

  /**
   * The warning a plan made on another one's work (the swap of path A's clone) repeats: what that one was made for,
   * against the diagnosis. Not that one's count of the writes going back undoes, which was as of when it was made: this
   * plan is the one that goes back, so they are counted again now and said as its own. That count is taken out of the
   * text as this build words it; worded otherwise (made by an older build), or not counted again (MotherDuck did not
   * answer), the warning is repeated whole, said to be as of then, with the count made now or why there is none.
   */
  private async continuedWarning(continued: Run): Promise<string | undefined> {
    const counted = continued.steps.filter((step) => toCountAgainGoingBack(step) !== undefined);
    const madeWith = continued.againstDiagnosis ?? '';
    const again = continued.steps.flatMap((step) => toCountAgainGoingBack(step) ?? []);
    const recount = await readWhenPlanned(again, { target: (choice) => targetOf({ targets: this.targets, databasePath: this.deps.config.databasePath }, choice) }).then(
      (recounted) => ({ said: planWarnings(recounted) }),
      // The plan is still proposed: its own guards counted the database as it was made; only this count is missing.
      (error: Error) => ({ failed: firstLine(error.message).replace(/; nothing was proposed$/, '') }),
    );
    const countThen = planWarnings(counted);
    const countNow = 'failed' in recount ? [`The writes going back undoes could not be counted again as this plan was made (${recount.failed}).`] : recount.said;
    if (madeWith && (countThen.some((said) => !madeWith.includes(said)) || ('failed' in recount && countThen.length > 0))) {
      return [`It puts in place what plan ${continued.id} made, proposed with this warning (its count of the writes as of then, not now): ${madeWith}`, ...countNow].join(' ');
    }
    const repeated = countThen.reduce((text, said) => text.replace(said, ''), madeWith).replace(/\s{2,}/g, ' ').trim();
    return [repeated && `It puts in place what plan ${continued.id} made. ${repeated}`, ...countNow].filter(Boolean).join(' ') || undefined;
  }

  /** `mayPropose` false: only the same plan found waiting is returned (and shown), nothing new is proposed. */
  private async proposeRecoveryNow(incident: Incident, recovery: RecoveryPath, params: ParameterValues, actor: string, continues?: string, mayPropose = true, guardsRead?: string): Promise<Run | undefined> {
    const rb = this.runbook(incident.scenario);
    const pathId = recovery.id;
    const values = this.templateValues(incident, params);
    const lockKey = render(rb.lockKey, values);
    const stale = continues ? undefined : this.changedSinceDiagnosisReason(incident, recovery, lockKey);
    if (stale) throw new UserError(stale);
    // The guards run again as the plan's first steps, right before it changes anything.
    const guards = this.resolveAll(recovery.guards, values, true);
    const previews = await runPreviews(recovery.previews, values, this.lockTarget(lockKey), runbookFile(this.deps.config.runbooksDir, rb.id));
    const previewValues = Object.fromEntries(previews.map((p) => [p.id, p.value]));
    const planned = [...guards, ...(await this.resolvePlan(recovery.steps, withScopedValues(values, { previews: previewValues }), lockKey))];
    // What the database holds as the plan is made (rows written since the diagnosis): in the plan, and held to when it runs.
    const resolved = await readWhenPlanned(planned, { target: (choice) => targetOf({ targets: this.targets, databasePath: this.deps.config.databasePath }, choice) });
    const idle = nothingToChange(resolved);
    if (idle) throw new UserError(`${nothingToDoSaid(idle, recovery.cleanup)}; nothing was proposed`);
    const steps = continues ? resolved : pinnedAsDiagnosed(this.incident(incident.id), resolved);
    this.refuseIfFollowersWouldStop(rb, recovery, values);
    const replaced = continues ? undefined : this.movedFileChangedReason(incident, recovery, steps);
    if (replaced) throw new UserError(replaced);
    // The same plan already waiting (a double click, a form submitted twice, a retried request): that one, not a second.
    // A plan that continues another (the swap of path A's clone) carries that one's warning: it puts in place what that one made.
    // Today where the window's days are the source's (its time_zone), so a New York day still under way at 02:00 UTC is today.
    const today = windowToday(rb, recovery, rawParameters(params), this.clock());
    const drift = continues ? undefined : previewDrift(rb, recovery, rawParameters(params), previews, values, today.day);
    const loading = continues ? undefined : todayInWindow(rb, recovery, rawParameters(params), today);
    const nothingThere = continues ? undefined : previewsNoneSaid(recovery, previews, values, { incident: this.incident(incident.id), windows: rb.windows, params: rawParameters(params) });
    const decided = continues
      ? await this.continuedWarning(this.run(continues))
      : (againstDiagnosis(this.incident(incident.id), recovery, rawParameters(params), rb.windows, this.deps.state.diagnosisRunning(lockKey, incident.id), rb.parameters) ??
        cleanupAfterRollback(this.incident(incident.id), recovery));
    const leftOut = continues
      ? undefined
      : [windowLeftOut(this.incident(incident.id), recovery, rawParameters(params), rb.windows), namesLeftOut(this.incident(incident.id), recovery, rawParameters(params), rb.parameters)].filter(Boolean).join(' ') || undefined;
    const undoesOthers = recoveriesUndoneSaid(this.deps.state, incident.id, lockKey, steps);
    const unvalidatable = this.validationNeedsDagster(rb);
    const warning = [decided, leftOut, drift, loading, nothingThere, ...planWarnings(steps), guardsRead, undoesOthers, unvalidatable].filter(Boolean).join(' ') || undefined;
    const waiting = this.samePlanWaiting(incident.id, pathId, rawParameters(params), previews, steps, warning);
    // Made without what its diagnosis found empty: that holds to the end of the day it looked, and its approval no longer.
    const found = continues ? undefined : knownEmptyOf(recovery, this.incident(incident.id).diagnosis);
    const goneWithout = found?.params.filter((name) => !has(name, values)) ?? [];
    const knownEmpty = found && goneWithout.length > 0 ? { ...found, params: goneWithout } : undefined;
    // Made on a diagnosis that holds until a time (a paused schedule's next tick): refused after it, made or approved.
    const holds = continues ? undefined : holdsUntilOf(this.incident(incident.id).diagnosis);
    const lapsed = holds && holdsLapsed(holds, this.clock());
    if (lapsed) throw new UserError(`refused, nothing was proposed: the diagnosis of incident ${incident.id} ${lapsed}`);
    if (waiting) {
      // Found waiting where it was proposed (a terminal, or Slack for the terminal): it is shown here before it is approved.
      await this.showWaitingPlan(waiting);
      return waiting;
    }
    if (!mayPropose) return undefined;
    const run = await this.propose(incident, actor, {
      kind: 'recovery',
      pathId,
      title: `Path ${pathId.toUpperCase()}: ${recovery.title}`,
      steps,
      lockKey,
      params: rawParameters(params),
      previews,
      continues,
      teammate: recovery.approval === 'teammate',
      againstDiagnosis: warning,
      cleanup: recovery.cleanup || undefined,
      continuesWith: recovery.continueWith,
      leftOut: leftOutSteps(recovery.steps, values, knownEmpty),
      knownEmpty,
      holdsUntil: holds,
    });
    await this.announce(incident, run);
    return run;
  }

  /**
   * Said on a recovery plan before it is approved when the validation that follows it has a step that needs the Dagster
   * webserver and DAGSTER_URL is not set: that step would fail after the plan had changed the data.
   */
  private validationNeedsDagster(rb: Runbook): string | undefined {
    if (this.dagsterClient) return undefined;
    const step = rb.validation.steps.find((s) => s.kind === 'dagster-asset-checks');
    if (!step) return undefined;
    return (
      `DAGSTER_URL is not set, and the validation after this plan runs "${step.title}" through the Dagster webserver: it will end failed there once this plan has changed the data. ` +
      `Set DAGSTER_URL (and restart) before approving, or be ready to run those checks from Dagster's UI.`
    );
  }

  /**
   * A recovery plan of this incident and path still waiting, that an approval would take, with the same parameters,
   * preview counts and steps but for the time they were made (a name "…aside-<time>"), and the same warning. One that
   * its database changed under since, or that expires within a minute, is no plan to send anyone to.
   */
  private samePlanWaiting(
    incidentId: string,
    pathId: string,
    params: Record<string, string>,
    previews: readonly PreviewResult[],
    steps: readonly ResolvedStep[],
    warning: string | undefined,
  ): Run | undefined {
    const now = this.clock().getTime();
    const same = (a: object, b: object) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
    const counts = (list: readonly PreviewResult[] | undefined) => Object.fromEntries((list ?? []).map((p) => [p.id, p.value]));
    const timeless = (list: readonly ResolvedStep[]) => JSON.stringify(list).replace(/\d{8}T\d{6}Z/g, '<time>');
    return this.incident(incidentId).runs.find(
      (r) =>
        r.kind === 'recovery' &&
        r.pathId === pathId &&
        r.status === 'pending' &&
        (!r.expiresAt || Date.parse(r.expiresAt) > now + 60_000) &&
        !this.deps.state.staleBy(r) &&
        !newerVerdictThan(this.incident(incidentId), r) &&
        r.againstDiagnosis === warning &&
        same(r.params, params) &&
        same(counts(r.previews), counts(previews)) &&
        timeless(r.steps) === timeless(steps),
    );
  }

  /** Plans waiting for approval on `lockKey`, still approvable: a plan that changes that database leaves them unapprovable. */
  private waitingOnTheSameDatabase(lockKey: string): { id: string; title: string }[] {
    const now = this.clock().getTime();
    return [...this.deps.state.runs.values()]
      .filter((r) => r.status === 'pending' && r.mutates && r.lockKey === lockKey && (!r.expiresAt || Date.parse(r.expiresAt) > now) && !this.deps.state.staleBy(r))
      .map((r) => ({ id: r.id, title: r.title }));
  }

  /** Runs a rollback's read-only inspect steps (a list of plans to restore, say) so the operator can choose its parameters. */
  async inspectRollback(recoveryRunId: string, actor: string): Promise<Run | undefined> {
    const recoveryRun = this.run(recoveryRunId);
    const incident = this.incident(recoveryRun.incidentId);
    const rb = this.runbook(incident.scenario);
    const path = recoveryRun.pathId ? this.recoveryPath(rb, recoveryRun.pathId) : undefined;
    // An inspect step bound to a recovery step (onlyIfRan) that did not run is left out, as the rollback's own parts are.
    const inspect = path ? rollbackPartsFor(path, recoveryRun).inspect : [];
    if (!path || inspect.length === 0) return undefined;
    const params = await this.recoveryParameters(rb, path, recoveryRun);
    const values = this.templateValues(incident, params, { recovery: stepOutputs(recoveryRun.results) });
    const run = await this.propose(incident, actor, {
      kind: 'inspection',
      title: `Before the rollback of ${recoveryRunId}: ${inspect.map((s) => s.title).join('; ')}`,
      steps: await this.resolvePlan(inspect, values),
      lockKey: recoveryRun.lockKey,
      params: recoveryRun.params,
    });
    await this.announce(incident, run);
    await this.execute(run);
    await this.reporter.runFinished(this.incident(incident.id), this.run(run.id));
    return this.run(run.id);
  }

  /** The parameters the operator may give when asking for a rollback of this recovery. */
  /** A rollback's parameters as its form gives them, refused there when the rollback would have nothing to do with them. */
  async checkRollbackParameters(recoveryRunId: string, raw: Record<string, string>): Promise<void> {
    const recoveryRun = this.run(recoveryRunId);
    const rb = this.runbook(this.incident(recoveryRun.incidentId).scenario);
    await this.checkParameters(rb, this.rollbackParameters(recoveryRunId), raw);
    const nothing = recoveryRun.pathId ? nothingToRollBack(rollbackStepsFor(this.recoveryPath(rb, recoveryRun.pathId), recoveryRun), raw, recoveryRunId) : undefined;
    if (nothing) throw new UserError(nothing);
  }

  /**
   * The rollback parameters its steps for this recovery use: a step left out because what it undoes never ran (the
   * restore of a plan after a restate that never ran) asks for nothing.
   */
  rollbackParameters(recoveryRunId: string): string[] {
    const recoveryRun = this.run(recoveryRunId);
    const rb = this.runbook(this.incident(recoveryRun.incidentId).scenario);
    if (!recoveryRun.pathId) return [];
    const recovery = this.recoveryPath(rb, recoveryRun.pathId);
    const parts = rollbackPartsFor(recovery, recoveryRun);
    const wanted = parts.steps;
    // Read by a step it takes, by its guards or by its previews ({{ name }} with spaces too): asked for.
    const reads = [...wanted, ...parts.guards, ...parts.previews].map((part) => JSON.stringify(part));
    const used = (name: string) => wanted.some((step) => step.onlyIfGiven === name) || reads.some((text) => new RegExp(`\\{\\{\\s*${name}\\b`).test(text));
    return (recovery.rollback?.parameters ?? []).filter(used);
  }

  /** The rollback of a recovery asked for before and still approvable, waiting: the one to approve, not a second. */
  waitingRollbackOf(recoveryRunId: string): Run | undefined {
    const incident = this.incident(this.run(recoveryRunId).incidentId);
    return incident.runs.find((r) => r.rollbackOf === recoveryRunId && r.status === 'pending' && r.needsApproval && this.rollbackApprovable(r));
  }

  /** A rollback plan still waiting that can be approved: its database not changed since, and not past its expiry (the sweep may not have marked it yet). */
  private rollbackApprovable(plan: Run): boolean {
    return !this.deps.state.staleBy(plan) && (!plan.expiresAt || Date.parse(plan.expiresAt) > this.clock().getTime());
  }

  /** One rollback proposal per incident at a time (oneProposalAtATime): a second click finds the first one's plan waiting. */
  async proposeRollback(recoveryRunId: string, actor: string, raw: Record<string, string> = {}): Promise<Run> {
    // async: an unknown run id is a rejected promise, as every other refusal here is, not a throw before it.
    return this.oneProposalAtATime(this.run(recoveryRunId).incidentId, () => this.proposeRollbackNow(recoveryRunId, actor, raw));
  }

  private async proposeRollbackNow(recoveryRunId: string, actor: string, raw: Record<string, string>): Promise<Run> {
    const recoveryRun = this.run(recoveryRunId);
    const incident = this.incident(recoveryRun.incidentId);
    const rb = this.runbook(incident.scenario);
    if (recoveryRun.kind !== 'recovery' || !recoveryRun.pathId) throw new UserError(notARecovery(recoveryRun, incident));
    if (!['succeeded', 'failed', 'interrupted'].includes(recoveryRun.status)) {
      throw new UserError(`${recoveryRunId} has not run (it is ${recoveryRun.status}); there is nothing to roll back`);
    }
    const recovery = this.recoveryPath(rb, recoveryRun.pathId);
    // Said first, with the path's own words on why (SQLMesh cannot undo a restate, say): no later change makes one.
    if (!recovery.rollback) {
      // What it kept before it changed anything is what the person asking for a rollback needs: named, with where it is.
      const kept = recoveryRun.results.flatMap((r) => (r.status === 'ok' && typeof r.outputs.file === 'string' ? [`${r.outputs.file}`] : []));
      const keptSaid = kept.length > 0 ? ` What it kept before changing anything, to compare or put back by hand: ${kept.join(', ')}.` : '';
      throw new UserError(`${recoveryRunId} cannot be rolled back: path ${recovery.id.toUpperCase()} of ${rb.id} (${recovery.title}) has no rollback. ${recovery.description.trim()}${keptSaid} Nothing was proposed.`);
    }
    // A runbook edited since the recovery ran would leave out, silently, what undoes a step it renamed.
    const changed = boundToStepsNotInRun(rb.id, recovery, recoveryRun);
    if (changed) throw new UserError(changed);
    refuseRollbackAskedAgain(incident, recoveryRunId, (plan) => this.rollbackApprovable(plan));
    // Undone over a later change, the database would be neither what that change made nor what was there before.
    const later = standingChanges(this.deps.state, recoveryRun, (run) => this.hasRollback(run));
    if (later.undoable) {
      throw new UserError(
        `${path.basename(recoveryRun.lockKey)} has changed since ${recoveryRunId} ran: plan ${later.undoable.id} (${later.undoable.title}) ran at ${utcTime(later.undoable.finishedAt ?? later.undoable.startedAt ?? '')}. ` +
          `Rolling ${recoveryRunId} back now would put back what was there before it, over ${later.undoable.id}'s changes: roll back ${later.undoable.id} first. Nothing was proposed`,
      );
    }
    // One the bot cannot roll back is the approver's call, told plainly.
    const overFinal = later.final
      ? `Plan ${later.final.id} (${later.final.title}) changed ${path.basename(recoveryRun.lockKey)} after ${recoveryRunId}, and the bot has no rollback for it: this rollback puts back what was there before ${recoveryRunId}, over its changes. Read both before approving.`
      : undefined;
    // Said so the approver knows it was looked at: a later change of other rows, which this rollback leaves as they are.
    const besideApart = later.apart
      ? `Plan ${later.apart.id} (${later.apart.title}) changed ${path.basename(recoveryRun.lockKey)} after ${recoveryRunId}, at ${utcTime(later.apart.finishedAt ?? later.apart.startedAt ?? '')}, on other rows (${changedPartSaid(later.apart)}; this rollback rewrites ${changedPartSaid(recoveryRun)}): this rollback leaves its changes as they are, and its own rollback is still offered.`
      : undefined;
    const parts = rollbackPartsFor(recovery, recoveryRun);
    const wanted = parts.steps;
    if (wanted.length === 0) throw new UserError(`nothing to roll back: no step of ${recoveryRunId} changed anything`);
    // A step that ran and failed before saying what it did (no exit code, no row count) leaves the rollback blind there.
    const blind = rollbackReadsUnset(recoveryRun, partsUndoing(recovery, recoveryRun));
    if (blind) throw new UserError(blind);
    const usable = this.rollbackParameters(recoveryRunId);
    const unused = Object.keys(raw).filter((name) => raw[name] !== '' && recovery.rollback?.parameters.includes(name) && !usable.includes(name));
    if (unused.length > 0) {
      throw new UserError(`${unused.map((name) => `${name}=`).join(' and ')}: no step of this rollback uses it, since the step of ${recoveryRunId} it would undo did not run. Nothing was proposed; ask again without it`);
    }
    const params = await this.recoveryParameters(rb, recovery, recoveryRun);
    const rollbackParams = await this.parameters(rb, recovery.rollback.parameters, raw);
    const values = this.templateValues(incident, { ...params, ...rollbackParams }, { recovery: stepOutputs(recoveryRun.results) });
    refuseIfLocked(this.deps.state, recoveryRun.lockKey);
    const guards = this.resolveAll(parts.guards, values, true);
    await this.executor.checkGuards(guards);
    const nothing = nothingToRollBack(wanted, raw, recoveryRunId);
    if (nothing) throw new UserError(nothing);
    // Before the counts, which read the kept rows too and would fail on a file that is gone in DuckDB's words.
    await this.refuseWhatWouldStop(wanted, values);
    // Counted now, as a recovery's previews are: what the rollback will delete is shown before anyone approves it.
    const previews = await runPreviews(parts.previews, values, this.lockTarget(recoveryRun.lockKey), runbookFile(this.deps.config.runbooksDir, rb.id));
    const previewValues = Object.fromEntries(previews.map((p) => [p.id, p.value]));
    // The database a recovery rebuilt or restored is the one the stack's loads write again: only another file in its
    // place stops the rollback, not a load landing while it waits for approval.
    const planned = pinnedAsWritten(await this.resolvePlan(wanted, withScopedValues(values, { previews: previewValues }), recoveryRun.lockKey), new Set([this.deps.config.databasePath]));
    // What the database holds as the plan is made (the writes going back undoes): in the plan, and held to when it runs.
    const steps = await readWhenPlanned([...guards, ...planned], { target: (choice) => targetOf({ targets: this.targets, databasePath: this.deps.config.databasePath }, choice), dagster: this.dagsterClient });
    // What was written since the recovery leaves the database with what this rollback replaces: said, with where it goes.
    const writtenSince = [
      fileWrittenSinceSaid(planned, recoveryRun, incident),
      await writtenSinceRecoverySaid(planned, incident, recoveryRun, (choice) => targetOf({ targets: this.targets, databasePath: this.deps.config.databasePath }, choice)),
    ];
    // A named snapshot the recovery took that this rollback leaves alone (it puts rows back instead): the last resort, said.
    // One a cleanup released since is said as such, with when and by which run: it is no last resort by its name any more.
    const released = Object.fromEntries(Object.entries(releasedSnapshots(incident.runs)).map(([name, r]) => [name, { ...r, at: this.deps.state.runs.get(r.run)?.finishedAt }]));
    const notRestored = await snapshotsNotRestoredSaid(snapshotsNotRestored(recoveryRun, planned, released), targetOf({ targets: this.targets, databasePath: this.deps.config.databasePath }, 'motherduck'));
    const run = await this.propose(incident, actor, {
      kind: 'rollback',
      previews,
      pathId: recovery.id,
      title: `Rollback of path ${recovery.id.toUpperCase()}: ${recovery.rollback.title}`,
      steps,
      lockKey: recoveryRun.lockKey,
      params: { ...recoveryRun.params, ...rawParameters(rollbackParams) },
      rollbackOf: recoveryRunId,
      teammate: recovery.approval === 'teammate',
      // Path A's "Put the broken file … back", after a rebuild of a missing database: said that none is put back.
      againstDiagnosis: [overFinal, besideApart, ...writtenSince, notUndoneLine(recovery, recoveryRun), leftEmptySaid(recoveryRun, planned), ...planWarnings(steps), recoveriesUndoneSaid(this.deps.state, incident.id, recoveryRun.lockKey, steps), notRestored].filter(Boolean).join(' ') || undefined,
      leftOut: leftOutSteps(wanted, values),
    });
    await this.announce(incident, run);
    return run;
  }

  /**
   * Approves a plan. The checks and the journal line are one step under the journal's lock, after catching up with
   * other processes, so two clicks (or a click and a terminal) cannot both pass. Returns why not when the click must
   * do nothing; the refusal is journaled too. `memberOf`: the user groups of DATABOX_APPROVERS Slack says the actor is
   * in (a terminal's: none).
   */
  approve(runId: string, hash: string, actor: string, memberOf: readonly string[] = []): Decision & { run?: Run } {
    return this.approvals.approve(runId, hash, actor, memberOf);
  }

  /**
   * Records a refused decision (the clicker's workspace or guest status, say); `of`: what it tried, to approve or reject
   * a plan, or to approve its unlock; undefined where it is not known which.
   */
  refuseDecision(runId: string, actor: string, reason: string, of?: Decided): void {
    const run = this.deps.state.runs.get(runId);
    const tried = of === 'unlock' ? { unlock: true } : of ? { decision: of } : {};
    this.deps.journal.append({ type: 'approval.refused', incident: run?.incidentId ?? null, actor, data: { runId, reason, ...tried } });
  }

  /** `memberOf` as for approve. */
  reject(runId: string, hash: string, actor: string, memberOf: readonly string[] = []): Decision & { run?: Run } {
    return this.approvals.reject(runId, hash, actor, memberOf);
  }

  /** Marks pending plans past their time as expired and lets the front end replace their buttons. */
  expireDue(): Promise<Run[]> {
    return this.approvals.expireDue();
  }

  /**
   * Plans waiting for an approval that another plan's changes have made stale (an approval would be refused): their
   * front end takes their buttons away now, rather than when someone clicks one. Called when a run starts changing a
   * database here, and by the bot's sweep for runs started by another process.
   */
  async showOutdatedPlans(): Promise<void> {
    try {
      this.deps.journal.catchUp();
      // A plan decided since (expired, say) has its own message now: it is not told again, and not kept.
      for (const id of this.outdatedShown) if (this.deps.state.runs.get(id)?.status !== 'pending') this.outdatedShown.delete(id);
      for (const { run, changedBy, whatNow } of outdatedPlans(this.deps.state, this.clock(), (scenario) => this.deps.runbooks.get(scenario))) {
        if (this.outdatedShown.has(run.id)) continue;
        this.outdatedShown.add(run.id);
        await this.safely(() => this.reporter.planOutdated(this.incident(run.incidentId), run, changedBy, whatNow));
      }
    } catch (error) {
      // Called from a run's start and the sweep: nothing here may stop either.
      this.deps.logger.error({ err: error }, 'could not show which plans are no longer approvable');
    }
  }

  /**
   * Once the incident has a newer verdict, each plan still waiting that was made on an older one is noted on the record
   * (run.diagnosed-again), and its front end says on the plan that it can no longer be approved (an approval is refused,
   * approvals.ts), below the newer verdict. Nothing here may stop the diagnosis.
   */
  private async noteWaitingPlansOnOlderVerdict(incidentId: string): Promise<void> {
    try {
      for (const { plan, newer } of waitingOnOlderVerdict(this.incident(incidentId))) {
        await this.deps.journal.commit({ type: 'run.diagnosed-again', incident: incidentId, actor: this.actor, data: { runId: plan.id, diagnosis: newer.runId, reason: olderVerdictWords(plan, newer) } });
        await this.safely(() => this.reporter.planOnOlderVerdict(this.incident(incidentId), this.run(plan.id)));
      }
    } catch (error) {
      this.deps.logger.error({ err: error, incident: incidentId }, 'could not note the waiting plans made on an older verdict');
    }
  }

  /**
   * At the bot's start, which is when it loads its runbooks: each plan still waiting that another version of its runbook
   * made is noted on the record, and its front end says so on the plan, before anyone clicks; a note is taken back when
   * the runbook is the plan's own version again. Nothing here may stop the start.
   */
  async noteWaitingPlansRunbookChanged(): Promise<void> {
    try {
      this.deps.journal.catchUp();
      for (const { run, note } of waitingPlansToNote(this.deps.state, this.deps.runbooks, this.deps.config.runbooksDir)) {
        this.deps.journal.append({ type: waitingRunbookChangedType, incident: run.incidentId, actor: this.actor, data: { runId: run.id, ...note } });
        await this.safely(() => this.reporter.planRunbookChanged(this.incident(run.incidentId), run));
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not note the waiting plans made with another version of their runbook');
    }
  }

  /** After a restart: runs interrupted by it, now on the record as such (see restart-pickup.ts). */
  recoverAfterRestart(): Run[] {
    return pickUpAfterRestart(this.deps.journal, this.deps.state, this.actor, this.clock());
  }

  /**
   * Clears a run stuck as running or approved, approved by a second person and recorded (see unlock.ts); `asked`: the
   * run as a request showed it, for an unlock asked for in Slack (requestUnlock); `memberOf` as for approve.
   */
  unlock(runId: string, requester: string, approver: string, asked?: Pick<Run, 'status'>, memberOf: readonly string[] = []): Run {
    return unlockRun({ ...this.deps, actor: this.actor, clock: this.clock }, runId, requester, approver, asked, memberOf);
  }

  /**
   * Records that `requester` asks to unlock `runId`, in its incident's timeline, if it may be unlocked now (see
   * unlock.ts); else a user error saying why. A second person approves it with unlock.
   */
  requestUnlock(runId: string, requester: string): Run {
    const run = unlockableRun(this.deps, runId);
    this.deps.journal.append({ type: 'unlock.requested', incident: run.incidentId, actor: requester, data: { runId, was: run.status } });
    return run;
  }

  /**
   * An unlock of a read-only run (a validation waiting for the marts, a diagnosis) this bot is running: it is stopped at
   * once, without a second person, as stopping it changes nothing; on the record as asked by `requester`. Undefined
   * when `runId` is no such run: the unlock goes on as for any other (requestUnlock).
   */
  stopReadOnly(runId: string, requester: string): Run | undefined {
    this.deps.journal.catchUp();
    const run = this.deps.state.runs.get(runId);
    if (run?.status !== 'running' || run.mutates) return undefined;
    // Run by another process (a terminal's CLI), it is not this bot's to stop: the unlock says who runs it.
    if (!this.executor.stopReadOnly(runId, 'stopped with unlock: it only reads, so stopping it changed nothing')) return undefined;
    this.deps.journal.append({ type: 'unlock.requested', incident: run.incidentId, actor: requester, data: { runId, was: run.status, stoppedAtOnce: 'read-only' } });
    return run;
  }

  /** After an unlock from Slack: the run's message shows it interrupted, and a rollback is offered if it changed something. */
  async reportUnlocked(run: Run): Promise<void> {
    await this.safely(() => this.reporter.runFinished(this.incident(run.incidentId), run));
    // A plan cut short may have changed its database: a click on the verdicts it spent is refused, so their buttons go.
    await this.safely(() => this.showOffersSpentBy(run));
    await this.safely(() => this.offerRollbackIfChanged(run));
  }

  /**
   * The bot has begun to stop: what is running may finish within its grace, but nothing new starts after it (a
   * validation started now would be killed at the end of the grace and read as a failed one).
   */
  beginStopping(): void {
    this.stopping = true;
  }

  /** Whether the bot has begun to stop: the front end refuses new requests, saying so (beginStopping). */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** Stops what is running (commands are killed with their process trees); the runs end as failed in the journal, with `why`. */
  stopRunning(why?: string): void {
    this.executor.stopRunning(why);
  }

  /** Says in the log, and in the thread of the incident the torn line was about, what was set aside from the journal. */
  async reportJournalRepair(aside: SetAside): Promise<void> {
    // An acknowledged event lost is damage (an error); a write that never finished is not (a warning).
    this.deps.logger[aside.acknowledged ? 'error' : 'warn'](
      { setAside: aside.file, bytes: aside.bytes, excerpt: aside.text.slice(0, 300), incident: aside.incident },
      `${aside.acknowledged ? acknowledgedTornWords(aside.acknowledged) : "the journal's last line was cut short (a crash or a full disk while it was written) and never acknowledged"}; it was set aside to ${aside.file} (${aside.bytes} bytes)`,
    );
    const incident = aside.incident ? this.deps.state.incident(aside.incident) : undefined;
    if (incident) await this.safely(() => this.reporter.journalRepaired(incident, aside, !this.deps.journal.problem));
  }

  /**
   * A click on a verdict's path found its room guard refusing (`refused`: what it found) or passing with its plan
   * proposed: when its button shows otherwise, that is journaled (so a re-render keeps it) and the verdict's message
   * edited. Never throws: the click's own answer, the refusal or the plan, comes whatever becomes of the mark.
   */
  private async noteRoomChecked(click: { incident: string; path: string; by: string }, refused: string | undefined): Promise<void> {
    try {
      // The verdict the button was on: a click on an older one was refused before its guards ran (refuseOlderVerdict).
      const diagnosis = this.incident(click.incident).diagnosis;
      if (!diagnosis?.paths.includes(click.path) || roomRefused(diagnosis, click.path) === (refused !== undefined)) return;
      await this.deps.journal.commit({ type: roomCheckedType, incident: click.incident, actor: this.actor, data: { runId: diagnosis.runId, path: click.path, clickedBy: click.by, ...(refused === undefined ? {} : { refused }) } });
      await this.safely(() => this.reporter.pathMarkChanged(this.incident(click.incident), this.run(diagnosis.runId)));
    } catch (error) {
      this.deps.logger.error({ err: error, incident: click.incident, path: click.path }, "could not mark a verdict's path button as its room check found it");
    }
  }

  private safely(work: () => Promise<void>): Promise<void> {
    return reportSafely(this.deps.logger, work);
  }

  /** Runs a run's steps. One that could not start or go on still ends: on the record, and in its message. */
  private async execute(run: Run): Promise<Map<string, string>> {
    try {
      return await this.executor.execute(run);
    } catch (error) {
      // An approved plan that could not start must not keep holding its database, nor a diagnosis show "starting".
      try {
        interruptIfNotStarted(this.deps.journal, this.deps.state, run.id, whyStopped(error), this.actor);
      } catch (cause) {
        this.deps.logger.error({ err: cause, runId: run.id }, 'could not record that a run did not start');
      }
      const ended = this.run(run.id);
      if (ended.status === 'failed' || ended.status === 'interrupted') await this.safely(() => this.reporter.runFinished(this.incident(ended.incidentId), ended));
      throw error;
    }
  }

  /**
   * A run a restart found interrupted: one that had started ends as a failure does (its message in its final state, and
   * a post in the thread that notifies its followers); an approved plan that never started only loses its buttons.
   */
  async reportInterrupted(run: Run): Promise<void> {
    const current = this.run(run.id);
    if (!current.startedAt) return this.announceDecision(current);
    await this.reporter.runFinished(this.incident(current.incidentId), current);
    // Cut short once it had started, it may have changed its database: the verdicts it spent lose their buttons.
    await this.safely(() => this.showOffersSpentBy(current));
  }

  async announceDecision(run: Run): Promise<void> {
    const current = this.run(run.id);
    await this.reporter.runDecided(this.incident(current.incidentId), current);
  }

  /**
   * A recovery or rollback that stopped at a step with `whenFailed` (rendered when the plan was made, with the values it
   * was made with): that advice, on the record and under the failure. A rollback that failed says what it left and how
   * to ask for it again besides, whatever step it stopped at: the incident is neither recovered nor rolled back.
   */
  private async adviseOnFailedStep(finished: Run): Promise<void> {
    if (finished.status !== 'failed') return;
    const failed = firstFailure(finished.steps, finished.results);
    const whenFailed = finished.steps.find((step) => step.id === failed?.stepId)?.whenFailed;
    const advice = [whenFailed, finished.kind === 'rollback' ? failedRollbackAdvice(finished, this.aroundFailedRollback(finished)) : undefined].filter(Boolean).join(' ');
    if (!advice) return;
    await this.deps.journal.commit({ type: 'run.follow-up', incident: finished.incidentId, actor: this.actor, data: { runId: finished.id, advice, offers: [] } });
    await this.reporter.followUpOffered(this.incident(finished.incidentId), finished, advice, []);
  }

  /**
   * In the thread, not only to whoever approved: the plan a first stage leads to (path A's swap) could not be proposed,
   * why, and the command that proposes it once the cause is dealt with.
   */
  private async adviseNextNotProposed(scenario: string, nextPath: RecoveryPath, finished: Run, raw: Record<string, string>, error: Error): Promise<void> {
    const command = `recover ${scenario} path=${nextPath.id}${Object.entries(raw).map(([name, value]) => ` ${name}=${commandValue(value)}`).join('')} incident=${finished.incidentId}`;
    const advice =
      `The next plan, ${nextPath.title}, was not proposed: ${error.message}. Nothing the stack reads changed. Once that is dealt with, propose it: ` +
      `\`/databox ${command}\` (at a terminal: \`npm run --silent cli -- ${command}\`)`;
    await this.deps.journal.commit({ type: 'run.follow-up', incident: finished.incidentId, actor: this.actor, data: { runId: finished.id, advice, offers: [] } });
    await this.reporter.followUpOffered(this.incident(finished.incidentId), finished, advice, []);
  }

  /** The rollbacks of the same recovery that started before this one, and what is at the database file's path now when it is one. */
  private aroundFailedRollback(rollback: Run): AroundFailedRollback {
    const earlier = this.incident(rollback.incidentId).runs.filter((run) => run.kind === 'rollback' && run.rollbackOf === rollback.rollbackOf && run.id !== rollback.id && run.startedAt && rollback.startedAt && run.startedAt <= rollback.startedAt);
    return { earlier, ...(rollback.lockKey === this.deps.config.databasePath ? { databaseNow: databaseFileNow(this.deps.config.databasePath) } : {}) };
  }

  /** Runs an approved recovery or rollback; then validation and the rollback offer follow a recovery. */
  async executeApproved(runId: string): Promise<Run> {
    const run = this.run(runId);
    if (run.status !== 'approved') throw new UserError(`plan ${runId} is ${run.status}, not approved`);
    try {
      await this.execute(run);
    } catch (error) {
      // Cut short after it changed something (the state dir filled up between two moves, say): its rollback is offered.
      await this.offerRollbackIfChanged(this.run(runId));
      throw error;
    }
    const finished = this.run(runId);
    await this.safely(() => this.reporter.runFinished(this.incident(finished.incidentId), finished));
    // Before what follows it (a validation, the rollback offer): the verdict's spent buttons go first, above those.
    await this.safely(() => this.showOffersSpentBy(finished));
    await this.safely(() => this.adviseOnFailedStep(finished));
    if (finished.kind === 'recovery') {
      const rb = this.runbook(this.incident(finished.incidentId).scenario);
      let validated: Run | undefined;
      let validationError: unknown;
      const next = this.recoveryPath(rb, finished.pathId as string).continueWith;
      if (finished.status === 'succeeded' && next) {
        // A second plan, for a second approval by someone who has seen what this one posted; validation follows that one.
        // Its requester is this plan's, so the two-person rule asks a teammate again.
        const nextPath = this.recoveryPath(rb, next);
        const raw = Object.fromEntries(Object.entries(finished.params).filter(([name]) => nextPath.parameters.includes(name)));
        try {
          const params = await this.parameters(rb, nextPath.parameters, raw, nextPath.requires);
          await this.proposeRecovery(this.incident(finished.incidentId), nextPath, params, finished.requestedBy, finished.id);
        } catch (error) {
          await this.safely(() => this.adviseNextNotProposed(rb.id, nextPath, finished, raw, error as Error));
          throw error;
        }
      } else if (finished.status === 'succeeded' && !this.recoveryPath(rb, finished.pathId as string).cleanup && this.stopping) {
        const command = validateCommandOf(rb, finished);
        this.deps.logger.warn({ runId: finished.id }, 'the recovery ended as the bot was stopping: its validation was not started');
        const advice = `The validation was not started: the bot was stopping as the recovery ended. Validate it once the bot is back: \`/databox ${command}\` (at a terminal: \`npm run --silent cli -- ${command}\`)`;
        // On the record too: the postmortem says why no validation followed.
        await this.deps.journal.commit({ type: 'run.follow-up', incident: finished.incidentId, actor: this.actor, data: { runId: finished.id, advice, offers: [] } });
        await this.safely(() => this.reporter.followUpOffered(this.incident(finished.incidentId), finished, advice, []));
      } else if (finished.status === 'succeeded' && !this.recoveryPath(rb, finished.pathId as string).cleanup) {
        // Validation checks the same window, source … the recovery worked on.
        // Its fromIncident ones are taken as that recovery was given them, and the validation says so.
        const given = Object.fromEntries(Object.entries(finished.params).filter(([name]) => rb.validation.parameters.includes(name) && !rb.validation.fromIncident.includes(name)));
        const taken = takenFromIncident(rb.validation.fromIncident, this.incident(finished.incidentId), given);
        const params = await this.parameters(rb, rb.validation.parameters, taken.params, rb.validation.requires);
        try {
          validated = await this.validate(this.incident(finished.incidentId), params, this.actor, taken.takenFrom);
        } catch (error) {
          // A validation that could not run or finish still leaves the recovery's follow-up and rollback offered.
          validationError = error;
        }
      }
      // Cut short by the bot's stop: it found nothing wrong, and the bot runs it again at its next start; what follows a
      // validation (the failed path's advice, the rollback offer) follows that one instead (takeUpInterruptedValidation).
      const cut = validationError !== undefined ? this.latestValidation(finished.incidentId, finished) : undefined;
      if (!(cut && interruptedByTheBot(cut))) await this.followValidation(rb, finished, validated);
      if (validationError !== undefined) throw validationError;
    }
    if (finished.kind === 'rollback' && finished.status === 'succeeded') await this.adviseAfterRollback(finished);
    return this.run(runId);
  }

  /**
   * What follows a recovery's validation: the path's whenFailed advice after one that failed (or why not), what a path
   * with no rollback keeps, and the rollback offer. `validated` undefined: none ran, or none could finish.
   */
  private async followValidation(rb: Runbook, finished: Run, validated: Run | undefined): Promise<void> {
    const path = this.recoveryPath(rb, finished.pathId as string);
    // Only a recovery that did all it was asked and whose validation then failed says the resumed pipeline failed: one
    // that stopped at its own step (a launch refused, a daemon that would not start) shows that step's failure, and
    // a validation that could not run or finish (refused, cut short) is none here, so says nothing of the pipeline.
    // A validation follow-up that spoke for the failure (scenario 4's Dagster still stopped) is the advice: the resumed
    // runs did not fail, they were never run.
    const validationPassed = validated?.status === 'succeeded';
    const validationAdvised =
      validated !== undefined &&
      rb.validation.followUps.some((f) => holds(f.when, new Map(validated.results.map((r) => [r.stepId, r.status]))) && (f.passed ?? validationPassed) === validationPassed);
    if (path.whenFailed && finished.status === 'succeeded' && validated !== undefined && validated.status !== 'succeeded' && !validationAdvised) {
      const unseen = onlyUnseenFailedAdvice(validated, validateCommandOf(rb, finished));
      if (unseen) await this.adviseOnlyUnseen(finished, unseen);
      else await this.adviseRecoveryFailed(rb, path, finished);
    }
    // No rollback button is the only sign otherwise, and the kept files only in the postmortem: said, naming them.
    if (finished.noRollback && validated !== undefined && validated.status !== 'succeeded' && changedSomething(finished)) {
      const advice = noRollbackAfterFailedValidation(rb, path, finished);
      await this.safely(() => this.deps.journal.commit({ type: 'run.follow-up', incident: finished.incidentId, actor: this.actor, data: { runId: finished.id, advice, offers: [] } }).then(() => undefined));
      await this.safely(() => this.reporter.followUpOffered(this.incident(finished.incidentId), finished, advice, []));
    }
    // Offered when there is something to undo, by the same rule the rollback's plan is made with.
    if (changedSomething(finished) && rollbackStepsFor(this.recoveryPath(rb, finished.pathId as string), finished).length > 0) await this.offerRollback(finished);
  }

  /** In place of a path's whenFailed, a validation that failed only on checks that could not run: said so, on the record too. */
  private async adviseOnlyUnseen(finished: Run, advice: string): Promise<void> {
    await this.deps.journal.commit({ type: 'run.follow-up', incident: finished.incidentId, actor: this.actor, data: { runId: finished.id, advice, offers: [] } });
    await this.safely(() => this.reporter.followUpOffered(this.incident(finished.incidentId), finished, advice, []));
  }

  /**
   * A path's whenFailed after its validation failed, and the diagnosis it opens (whenFailedOpens), a button per choice,
   * both filled in as a verdict's are: a value the incident's diagnosis did not set ({{diagnosis.…}} on a path typed on a
   * verdict that does not offer it, which the load cannot follow) is marked in the advice, and the diagnosis it opens is
   * named with why and offered with no button, which would open it on something else; the runbook mistake is logged.
   */
  private async adviseRecoveryFailed(rb: Runbook, path: RecoveryPath, finished: Run): Promise<void> {
    const incident = this.incident(finished.incidentId);
    const values = this.templateValues(incident, finished.params);
    const diagnosisResults = (incident.diagnosis && this.deps.state.runs.get(incident.diagnosis.runId)?.results) ?? [];
    const adviceMarks = unfilledMarks(diagnosisResults, 'diagnosis');
    const opensMarks = unfilledMarks(diagnosisResults, 'diagnosis');
    let advice = renderAdvice(path.whenFailed as string, values, adviceMarks.standIn);
    let offers = this.followUpOffers(path.whenFailedOpens, values, opensMarks.standIn);
    const file = runbookFile(this.deps.config.runbooksDir, rb.id);
    if (adviceMarks.marked.length > 0) {
      this.deps.logger.error({ runbook: rb.id, file, path: path.id, unfilled: adviceMarks.marked, whenFailed: path.whenFailed }, "a path's whenFailed refers to values this incident's diagnosis did not set: said with a marker in their place; fix the runbook");
    }
    if (opensMarks.marked.length > 0 && offers.length > 0) {
      this.deps.logger.error(
        { runbook: rb.id, file, path: path.id, unfilled: opensMarks.marked.map((m) => ({ ...m, template: 'whenFailedOpens.params' })), opens: path.whenFailedOpens },
        "a path's whenFailedOpens names values this incident's diagnosis did not set: not offered; fix the runbook",
      );
      advice = `${advice} ${opensNotOffered('this path', offers[0]?.title as string, opensMarks.marked, "this incident's diagnosis")}`;
      offers = [];
    }
    await this.deps.journal.commit({ type: 'run.follow-up', incident: incident.id, actor: this.actor, data: { runId: finished.id, advice, offers } });
    await this.safely(() => this.reporter.followUpOffered(this.incident(incident.id), finished, advice, offers));
  }

  /**
   * After a rollback the incident is back where its diagnosis found it, and a plan is made only on what a diagnosis has
   * seen since the last change (changedSinceDiagnosis): the thread says so, with the command that looks again.
   */
  private async adviseAfterRollback(rollback: Run): Promise<void> {
    const incident = this.incident(rollback.incidentId);
    const command = diagnoseAgainCommand(incident, this.runbook(incident.scenario).diagnosis.parameters);
    const advice =
      `Rolled back ${rollback.rollbackOf}: the steps above put back what its rollback covers (each says what), so the ` +
      `incident is *not recovered*.${setAsideByRollbackSaid(rollback, this.recoveryEndedBefore(rollback))}${this.notUndoneAfter(rollback)} Diagnose again before choosing another path (\`/databox ${command}\`): a plan is made on what a diagnosis has seen since the last change.`;
    await this.deps.journal.commit({ type: 'run.follow-up', incident: incident.id, actor: this.actor, data: { runId: rollback.id, advice, offers: [] } });
    await this.safely(() => this.reporter.followUpOffered(this.incident(incident.id), rollback, advice, []));
  }

  /** When the recovery a rollback undid, and its validation, ended: what its moves found written after that was written since. */
  private recoveryEndedBefore(rollback: Run): string | undefined {
    const recoveryRun = rollback.rollbackOf ? this.deps.state.runs.get(rollback.rollbackOf) : undefined;
    return recoveryRun && recoveryEnded(recoveryRun, this.incident(recoveryRun.incidentId)).ended;
  }

  /** " Not undone by it: …" after a rollback whose recovery changed something its runbook says it leaves (notUndone); '' when nothing. */
  private notUndoneAfter(rollback: Run): string {
    const recoveryRun = rollback.rollbackOf ? this.deps.state.runs.get(rollback.rollbackOf) : undefined;
    const path = recoveryRun?.pathId ? this.runbook(this.incident(recoveryRun.incidentId).scenario).recovery.find((p) => p.id === recoveryRun.pathId) : undefined;
    const notes = path && recoveryRun ? notUndoneNotes(path, recoveryRun) : undefined;
    return notes ? ` Not undone by it: ${notes}` : '';
  }

  /**
   * The diagnoses a failed recovery's path (whenFailedOpens) or a verdict (opens) offers, its parameters filled in; one
   * per value of oneEach. A parameter left empty is left out (the diagnosis then takes its own default).
   */
  private followUpOffers(opens: OpensDiagnosis | undefined, values: TemplateContext, standIn?: StandIn): FollowUpOffer[] {
    if (!opens) return [];
    const target = this.runbook(opens.scenario);
    const params = Object.fromEntries(Object.entries(opens.params).map(([name, template]) => [name, render(template, values, standIn)]).filter(([, value]) => value !== ''));
    const each = opens.oneEach ? target.parameters[opens.oneEach] : undefined;
    const choices = each?.type === 'enum' ? Object.keys(each.values) : [undefined];
    return choices.map((choice) => ({ scenario: target.id, title: target.title, params: choice === undefined ? params : { [opens.oneEach as string]: choice, ...params } }));
  }

  /** A recovery cut short (by a restart, a full state dir) that had already changed something gets its rollback offered. */
  async offerRollbackIfChanged(run: Run): Promise<void> {
    // One the bot runs again at this start: the rollback is offered after that one, as after any validation.
    if (interruptedByTheBot(this.run(run.id)) && !this.run(run.id).takenUp) return;
    if (run.kind === 'validation') {
      // A validation cut short by a crash: the recovery it followed never got to offer its rollback (that comes after
      // the validation). Offered now, unless it was, or a rollback of it was already proposed.
      const runs = this.incident(run.incidentId).runs;
      const recovery = recoveryValidatedBy(runs, run);
      const rolling = recovery && runs.some((r) => r.rollbackOf === recovery.id);
      if (recovery && !recovery.rollbackOffered && !rolling) await this.offerRollbackIfChanged(recovery);
      return;
    }
    if (run.kind !== 'recovery' || !run.pathId || !changedSomething(run)) return;
    const rb = this.runbook(this.incident(run.incidentId).scenario);
    if (rollbackStepsFor(this.recoveryPath(rb, run.pathId), run).length > 0) await this.offerRollback(run);
  }

  /** The validations the bot's stop or crash left interrupted, to take up at this start (interrupted-validation.ts). */
  interruptedValidations(): TakeUp[] {
    this.deps.journal.catchUp();
    return validationsToTakeUp(this.deps.state.incidents.values());
  }

  /**
   * Takes up a validation the bot's stop or crash interrupted: runs it again in its thread, saying so (or, when it was
   * itself a run again the bot died in, says the command instead); then, when it followed a recovery that never got to
   * offer its rollback, what follows a validation follows, as it would have.
   */
  async takeUpInterruptedValidation({ run, how }: TakeUp): Promise<void> {
    // Stopping again already: the next start takes it up.
    if (this.stopping) return;
    const incident = this.incident(run.incidentId);
    // Decided at start, run later: a click handled meanwhile (a recovery, a rollback, a validation) may have taken its place.
    const stillDue = validationsToTakeUp([incident]).some((t) => t.run.id === run.id && t.how === how);
    if (!stillDue) return;
    const rb = this.runbook(incident.scenario);
    // Only the recovery's own validation is followed by what follows it: a later one's recovery was followed already.
    const recovery = recoveryOwning(incident.runs, run);
    const followed = recovery && !recovery.rollbackOffered && !incident.runs.some((r) => r.rollbackOf === recovery.id) ? recovery : undefined;
    const advice = how === 'advise' ? notRunAgainWords(run, validateCommandOf(rb, run)) : runningAgainWords(run);
    await this.deps.journal.commit({ type: 'run.follow-up', incident: incident.id, actor: this.actor, data: { runId: run.id, advice, offers: [], takenUp: how === 'advise' ? 'advised' : 'ran-again' } });
    await this.safely(() => this.reporter.followUpOffered(this.incident(incident.id), this.run(run.id), advice, []));
    let validated: Run | undefined;
    if (how === 'run-again') {
      try {
        const params = await this.parameters(rb, rb.validation.parameters, run.params, rb.validation.requires);
        // Stopping since it was said: not taken up until its run again exists, so the next start runs it.
        if (this.stopping) return;
        validated = await this.validate(this.incident(incident.id), params, this.actor, run.takenFrom, run.id);
      } catch (error) {
        // Cut short by a stop again: taken up at the next start, the rollback offered after it then.
        const again = this.latestValidation(incident.id, run);
        if (again && interruptedByTheBot(again)) return;
        this.deps.logger.warn({ err: error, runId: run.id }, 'an interrupted validation could not be run again');
        // One that never started is said here; one that started and failed said so in its own message.
        if (!again) {
          const why = `The validation could not be run again: ${isUserError(error) ? error.message : "an error on the bot's side; its log has the details"}. Validate by hand: \`/databox ${validateCommandOf(rb, run)}\``;
          // Taken up by saying so: not tried again at every start.
          await this.safely(() => this.deps.journal.commit({ type: 'run.follow-up', incident: incident.id, actor: this.actor, data: { runId: run.id, advice: why, offers: [], takenUp: 'advised' } }).then(() => undefined));
          await this.safely(() => this.reporter.followUpOffered(this.incident(incident.id), this.run(run.id), why, []));
        }
      }
    }
    if (followed) await this.followValidation(rb, this.run(followed.id), validated);
  }

  /** The latest validation of an incident proposed after run `after`, if any. */
  private latestValidation(incidentId: string, after: Run): Run | undefined {
    const runs = this.incident(incidentId).runs;
    return runs.slice(runs.findIndex((r) => r.id === after.id) + 1).reverse().find((r) => r.kind === 'validation');
  }

  /**
   * Shows again the rollbacks offered before the incident had a thread at this front end (a recovery left part-way at a
   * terminal, the thread opened since by a Slack command), not taken up since: their Roll back button is nowhere else here.
   */
  async showStandingRollbackOffers(incidentId: string): Promise<void> {
    const incident = this.incident(incidentId);
    for (const run of incident.runs) {
      // Only one a click would take: an offer shown only to be refused (a later recovery stands on it) misleads.
      if (run.rollbackOffered && !this.rollbackOfferGone(run)) await this.safely(() => this.reporter.rollbackOffered(incident, run));
    }
  }

  /**
   * Why asking for `recovery`'s rollback now would be refused, in a few words (proposeRollbackNow's checks that need
   * nothing read: rolled back, asked for and waiting, its path's rollback changed, a later change on top of it), or
   * undefined while a click on its offer would be taken.
   */
  rollbackOfferGone(recovery: Run): string | undefined {
    const incident = this.incident(recovery.incidentId);
    const done = rolledBackBy(incident, recovery.id);
    if (done) return `rolled back by ${done.id}`;
    const asked = incident.runs.find((r) => r.rollbackOf === recovery.id && (['approved', 'running'].includes(r.status) || (r.status === 'pending' && this.rollbackApprovable(r))));
    if (asked) return `its rollback ${asked.id} is ${asked.status === 'pending' ? 'waiting for approval' : asked.status}`;
    const recoveryPath = this.pathOf(recovery);
    if (!recoveryPath?.rollback) return 'its path has no rollback';
    const changed = boundToStepsNotInRun(incident.scenario, recoveryPath, recovery);
    if (changed) return changed;
    const later = standingChanges(this.deps.state, recovery, (run) => this.hasRollback(run)).undoable;
    if (later) return `${path.basename(recovery.lockKey)} has changed since: ${later.id} (${later.title}) ran after it; roll that back first`;
    return undefined;
  }

  /**
   * On the record first: the postmortem says the rollback was offered, and a bot sharing the journal with the terminal
   * that offers it shows the offer in Slack too, in its place after the recovery's validation (work-elsewhere.ts).
   */
  private async offerRollback(run: Run): Promise<void> {
    await this.safely(() => this.deps.journal.commit({ type: 'run.rollback-offered', incident: run.incidentId, actor: this.actor, data: { runId: run.id } }).then(() => undefined));
    await this.safely(() => this.reporter.rollbackOffered(this.incident(run.incidentId), run));
  }

  /**
   * The latest recovery of the incident that changed its database, unless a rollback has undone it since: what a
   * validation now checks, when anything recovered it.
   */
  private recoveryInPlace(incident: Incident): Run | undefined {
    const latest = [...this.incident(incident.id).runs]
      .reverse()
      // A rollback that did not succeed may have left the recovery in place: only one that did undoes it. A recovery that
      // stopped before changing anything recovered nothing.
      .find((r) => r.startedAt && ((r.kind === 'recovery' && this.changesItsDatabase(r) && changedSomething(r)) || (r.kind === 'rollback' && r.status === 'succeeded')));
    return latest?.kind === 'recovery' ? latest : undefined;
  }

  /**
   * The moment (at=, or snapshot=) the recovery in place restored its database to, a swap's being the clone's it
   * continues; undefined when there is none or its path names no moment.
   */
  private restoredMoment(incident: Incident): string | undefined {
    const latest = this.recoveryInPlace(incident);
    const origin = latest?.continues ? this.run(latest.continues) : latest;
    const given = origin?.params ?? {};
    if (given.snapshot) return `in snapshot '${given.snapshot}'`;
    return given.at ? `at ${given.at}` : undefined;
  }

  /** Runs the validation with parameters already checked; `rerunOf`: the interrupted validation it runs again. */
  private async validate(incident: Incident, params: ParameterValues, actor: string, takenFrom: Record<string, string> = {}, rerunOf?: string): Promise<Run> {
    const rb = this.runbook(incident.scenario);
    const values = this.templateValues(incident, params, { taken_from: takenFrom });
    const run = await this.propose(incident, actor, {
      kind: 'validation',
      title: `Validation: ${rb.title}`,
      // What the recovery in place counted when its plan was made (path A's rows around the window, before its reload).
      steps: await this.resolvePlan(
        rb.validation.steps,
        withScopedValues(values, { restored: this.restoredMoment(incident), previews: planCountsFor(this.recoveryInPlace(incident), rawParameters(params), rb.validation.parameters) }),
      ),
      lockKey: render(rb.lockKey, values),
      params: rawParameters(params),
      takenFrom,
      rerunOf,
    });
    await this.announce(incident, run);
    const statuses = await this.execute(run).catch(async (error: unknown) => {
      // Cut short by a stop, it neither passed nor failed: the thread says so, and who runs it again.
      const ended = this.run(run.id);
      if (ended.status === 'interrupted' && ended.interruptedBy === 'stop') {
        const advice = interruptedAdvice(validateCommandOf(rb, ended), interruptedByTheBot(ended));
        await this.safely(() => this.deps.journal.commit({ type: 'run.follow-up', incident: incident.id, actor: this.actor, data: { runId: run.id, advice, offers: [] } }).then(() => undefined));
        await this.safely(() => this.reporter.followUpOffered(this.incident(incident.id), this.run(run.id), advice, []));
      }
      throw error;
    });
    const finished = this.run(run.id);
    await this.safely(() => this.reporter.runFinished(this.incident(incident.id), finished));
    // What the validation found that needs a person later (leftover clones to drop, say), with how to do it.
    const outputs = withScopedValues(values, { steps: stepOutputs(finished.results) });
    const recovered = this.recoveryInPlace(incident) !== undefined;
    const passed = finished.status === 'succeeded';
    const followUps = rb.validation.followUps.filter((f) => holds(f.when, statuses) && (f.afterRecovery ?? recovered) === recovered && (f.passed ?? passed) === passed);
    for (const followUp of followUps) {
      // As a verdict's: a placeholder the validation left without a value is marked, and the follow-up still said.
      const marks = unfilledMarks(finished.results);
      const advice = renderAdvice(followUp.advice, outputs, marks.standIn);
      if (marks.marked.length > 0) {
        this.deps.logger.error(
          { runbook: rb.id, file: runbookFile(this.deps.config.runbooksDir, rb.id), unfilled: marks.marked, advice: followUp.advice },
          "a validation follow-up's advice refers to values this validation did not set: said with a marker in their place; fix the runbook",
        );
      }
      const plan = followUp.proposes && planOffer({ incident: incident.id, scenario: rb.id, index: this.run(finished.id).planOffers?.length ?? 0 }, followUp.proposes, outputs);
      this.deps.journal.append({ type: 'run.follow-up', incident: incident.id, actor: this.actor, data: { runId: finished.id, advice, plan } });
      await this.safely(() => this.reporter.followUpOffered(this.incident(incident.id), finished, advice, [], plan));
    }
    return finished;
  }

  /** A plan a validation's follow-up offered (its button's value names the run and the offer): only one the bot issued. */
  offeredPlan(runId: string, index: number): PlanOffer {
    const offer = this.deps.state.runs.get(runId)?.planOffers?.[index];
    if (!offer) throw new UserError('this button offers a plan the bot never offered; nothing was proposed');
    return offer;
  }

  /**
   * Proposes a plan a follow-up offered, as the typed recover would, unless it has run since the offer (an old button
   * clicked again) or already waits for approval (a double click, a second person): then that plan is the answer.
   */
  async proposeOffered(offeredBy: string, offer: PlanOffer, actor: string, origin: string): Promise<{ already?: 'ran' | 'pending'; run?: Run }> {
    const incident = this.incident(offer.incident);
    const ran = doneSince(incident, offer, this.run(offeredBy));
    if (ran) return { already: 'ran', run: ran };
    const pending = pendingProposal(incident, offer, this.clock(), (plan) => !this.deps.state.staleBy(plan));
    if (pending) return { already: 'pending', run: pending };
    const { run } = await this.start({ verb: 'recover', scenario: offer.scenario, path: offer.path, params: offer.params, incident: offer.incident }, actor, origin);
    return { run };
  }
}

/** The command validating what a recovery worked on, as typed in Slack: its validation's parameters as it was given them. */
function validateCommandOf(rb: Runbook, recovery: Run): string {
  const given = rb.validation.parameters.filter((name) => recovery.params[name] !== undefined);
  return `validate ${rb.id}${given.map((name) => ` ${name}=${commandValue(recovery.params[name] as string)}`).join('')} incident=${recovery.incidentId}`;
}
