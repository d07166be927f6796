// Incidents and their runs, rebuilt from journal records: after a restart the bot knows exactly what it knew before.
import type { JournalRecord } from '../journal/record.js';
import type { PreviewResult } from '../engine/previews.js';
import type { StepIntent } from '../engine/steps/context.js';
import type { ResolvedStep, RunKind, StepRecord } from '../engine/types.js';
import type { ProcessIdentity } from '../process/identity.js';
import type { PlanOffer } from './plan-offer.js';
import type { HoldsUntil, KnownEmpty } from './path-requires.js';
import type { RunbookChanged } from './runbook-changed.js';
import { runbookChangedOf } from './runbook-changed-record.js';
import { waitingRunbookChangedOf, waitingRunbookChangedType, type WaitingRunbookChanged } from './waiting-runbook-changed.js';
import { renderSaid, type Said } from '../said.js';
import { changesData, notStartedStatus, writesOnlyBeside } from '../engine/step-passed.js';
import { mayHaveChanged } from '../engine/may-have-changed.js';
import { roomCheckedType } from './room-marks.js';
import { changedByPlanOf } from './changed-by-plan.js';

/** Who the journal names for what the bot does by itself. */
export const botActor = 'databox-bot';
/** Who the journal names for what the engine does by itself in a terminal (`npm run cli`): not the bot. */
export const cliActor = 'databox-cli';

/** Thrown inside a journal append to abort it: the run was decided by someone else meanwhile. */
export class AlreadyDecided extends Error {}

export type RunStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'running' | 'succeeded' | 'failed' | 'interrupted';

/**
 * Where a front end shows an incident or a run (for Slack, a channel and a message's time stamp). The engine keeps it for
 * that front end, under the front end's name, and never reads it.
 */
export type FrontEndRef = Readonly<Record<string, string>>;
export type FrontEndRefs = Record<string, FrontEndRef>;

/** Where a command came from, as its front end names it: the Slack channel an incident's root message goes to, say. */
export interface FrontEndOrigin {
  frontEnd: string;
  ref: FrontEndRef;
}

/** Journals written before front-end references were opaque recorded Slack's channel and ts by name. */
const slackFrontEnd = 'slack';
function slackRef(data: Record<string, unknown>, fields: readonly string[]): FrontEndRef {
  return Object.fromEntries(fields.filter((f) => typeof data[f] === 'string').map((f) => [f, data[f] as string]));
}

export interface Run {
  id: string;
  incidentId: string;
  kind: RunKind;
  /** Its incident's scenario, which the command that proposes it again names (set as it is read from the journal). */
  scenario?: string;
  pathId?: string;
  title: string;
  steps: ResolvedStep[];
  /**
   * The databox checkout its steps were resolved in (DATABOX_ROOT then), so a postmortem shows its commands as they were
   * shown when it was made, wherever it is written. Journals from before it was recorded have none.
   */
  root?: string;
  /** The sha256 of the runbook file's text that made it, as loaded by the process that proposed it (runbook-version.ts). Journals from before it was recorded have none. */
  runbookSha256?: string;
  /** The full path of the runbook file that made it (another DATABOX_RUNBOOKS_DIR is another copy). Journals from before it was recorded have none. */
  runbookPath?: string;
  hash: string;
  lockKey: string;
  params: Record<string, string>;
  needsApproval: boolean;
  destructive: boolean;
  /**
   * The two-person rule: only someone other than the requester may approve. True for a plan with a destructive step,
   * and for one whose runbook path says `approval: teammate`.
   */
  needsTeammate: boolean;
  /** Why it needs a teammate beyond destructive steps and its runbook: a step's own words ("launches a large backfill (…)"). */
  teammateBecause?: string;
  mutates: boolean;
  requestedBy: string;
  proposedAt: string;
  expiresAt?: string;
  rollbackOf?: string;
  /** The plan this one continues (path A's swap continues its clone): that plan's changes are what this one was made on. */
  continues?: string;
  /** Counts taken when the plan was proposed (rows a DELETE will remove, say), bound into its steps. */
  previews?: PreviewResult[];
  /** Steps of its path left out because the parameter they need was not given (a restore without the plan id it needs), with what that means. */
  leftOut?: { title: string; parameter: string; note: string }[];
  /**
   * What the approver must read first: set on a recovery typed against its incident's diagnosis (a path the verdict did
   * not offer: what the verdict said), and on one whose steps found something when it was made (rows a swap leaves behind).
   */
  againstDiagnosis?: string;
  /** A recovery path that only tidies up (the runbook's cleanup: true): it recovers nothing and is called a cleanup. */
  cleanup?: boolean;
  /** A first stage (its path's continueWith, path A's clone): it changes nothing the stack reads; the path it leads to does. */
  continuesWith?: string;
  /**
   * Plans that waited for approval on the same database when this one was proposed: once this one runs, it has changed
   * the database they were made on, and they can no longer be approved (staleBy). Said on the plan before it is approved.
   */
  overtakes?: { id: string; title: string }[];
  /**
   * The diagnosis whose verdict it was made on (older-diagnosis-plan.ts): once the incident is diagnosed again, it can no
   * longer be approved. Absent for a plan made on no verdict, and in journals from before it was recorded.
   */
  madeOnDiagnosis?: string;
  /** Waiting, noted when its incident was diagnosed again (run.diagnosed-again): the newer verdict, which its message names. */
  diagnosedAgain?: Diagnosis;
  /** A recovery that changes data on a path with no rollback: said on the plan, since nothing the bot offers undoes it. */
  noRollback?: true;
  status: RunStatus;
  decidedBy?: string;
  decidedAt?: string;
  /** Approved at the other front end than it was requested at, where the two-person rule cannot be checked (front-ends-crossed.ts). */
  crossesFrontEnds?: string;
  /** Approved at a terminal by someone not in the DATABOX_APPROVERS the bot last recorded in force (botApprovers): that list. */
  approvedOutsideBotApprovers?: string[];
  /** Approved where the runbook loaded was not the version that made it (runbook-changed.ts): it ran as approved, said so. */
  runbookChanged?: RunbookChanged;
  /** Waiting, noted at the bot's start as made with another version of its runbook than the one loaded (waiting-runbook-changed.ts). */
  runbookChangedWhileWaiting?: WaitingRunbookChanged;
  /** Its unlock approved at a terminal by someone not in the DATABOX_APPROVERS the bot last recorded in force: that list. */
  unlockedOutsideBotApprovers?: string[];
  /**
   * The parameters it goes without because its diagnosis found nothing to give for them (knownEmpty), as of when, and
   * until when that holds: approved after, it is refused (see path-requires.ts).
   */
  knownEmpty?: KnownEmpty;
  /** Until when its diagnosis' finding holds (a paused schedule's next tick): approved after, it is refused (path-requires.ts). */
  holdsUntil?: HoldsUntil;
  /** Expired after another plan had changed its database: it could not have been approved anyway (run.expired). */
  outdatedBy?: string;
  /** What that plan changed, as changedByPlanOf says it ("its database", "Dagster's schedules"), read as it expired. */
  outdatedChanged?: string;
  /** What to do instead, as outdatedWhatNow said it when it expired (absent in journals written before it was recorded). */
  outdatedWhatNow?: string;
  startedAt?: string;
  /** The process that ran it, so a restart can tell a live run from an orphaned one. */
  pid?: number;
  /** That process's start time, boot and host beside its PID (absent in journals written before they were recorded). */
  runner?: ProcessIdentity;
  /** Who the journal names as running it: the bot (botActor) or a terminal's CLI (cliActor). */
  runBy?: string;
  /** Commands it started (process group leaders), so a restart can stop what an interrupted run left running. */
  processes?: (ProcessIdentity & { argv: string[] })[];
  /** The step started and not finished yet, with what it said it was about to do to a file (a move's from and to). */
  inFlight?: { stepId: string; startedAt?: string; intent?: StepIntent };
  /** Every step that started, by id: one with no result (its line lost, or the run cut off) may have done its work. */
  startedSteps?: string[];
  finishedAt?: string;
  /** Why a run ended before its steps did (it could not start, or could not go on), with the people it names. */
  endReason?: Said;
  /** What an unlock found still running of this run and stopped (a command a killed runner left behind). */
  stoppedAtUnlock?: string[];
  /**
   * A validation cut short by a stop of the process running it ('stop': the bot's shutdown, Ctrl-C at a terminal) or
   * found unfinished at a restart ('restart': a crash, a kill): interrupted, neither passed nor failed (interrupted-validation.ts).
   */
  interruptedBy?: 'stop' | 'restart';
  /** A validation run again by the bot because validation `rerunOf` was interrupted (interrupted-validation.ts). */
  rerunOf?: string;
  /** A validation's {{taken_from.…}} values, kept so that running it again says the same (absent in journals from before it was recorded). */
  takenFrom?: Record<string, string>;
  /** An interrupted validation the bot took up at a start: 'ran-again', or 'advised' (the command said, not run). */
  takenUp?: 'ran-again' | 'advised';
  /** Its rollback was offered (run.rollback-offered): a restart does not offer it a second time. */
  rollbackOffered?: boolean;
  /** The plans of this scenario this validation's follow-ups offered (the cleanup, say), in the order offered. */
  planOffers?: PlanOffer[];
  /** Where each front end shows this run (its plan message, say). */
  refs: FrontEndRefs;
  /**
   * Where each front end shows what this run offers (run.offer-ref): a diagnosis' verdict with its path buttons, a
   * recovery's rollback offer; so a restarted bot can mark them spent. Absent in journals from before it was recorded.
   */
  offerRefs?: FrontEndRefs;
  /**
   * A diagnosis' own verdict (diagnosis.verdict): its message is rendered from it, and its buttons told spent against
   * it, after a later diagnosis has become the incident's.
   */
  verdict?: Diagnosis;
  /** A plan a front end could not show (run.not-shown), and why, until it shows it: it waits where nobody sees it. */
  notShown?: { frontEnd: string; reason: string; at: string };
  results: StepRecord[];
}

export interface Diagnosis {
  runId: string;
  verdict: string;
  title: string;
  advice: string;
  severity: string;
  paths: string[];
  /** Paths offered whose guard refused them when the verdict was given (no room for a rebuild): their buttons say so. */
  refusedUntilChecked?: string[];
  /**
   * By path, what the latest click on its button that changed its mark found of its room guard (room-marks.ts): refused
   * (why), its button marked since; or passed, its plan proposed, unmarked since. When, either way.
   */
  roomChecked?: Record<string, { at: string; refused?: string }>;
  /** Parameter values the verdict suggests for a recovery, such as the window it found. */
  suggested: Record<string, string>;
  /** Parameters the verdict found nothing to give for (no day missed yet): its paths' plans may go without them. */
  knownEmpty?: string[];
  /** When its steps looked (the diagnosis run's start): what it found empty holds to the end of that UTC day. */
  knownEmptyAsOf?: string;
  /** Until when what it found holds (a paused schedule's next tick), when the verdict said so: its time and what it is. */
  holdsUntil?: { at: string; what: string };
  /** The parameters the diagnosis ran with. */
  params: Record<string, string>;
  at: string;
}

export interface Incident {
  id: string;
  scenario: string;
  title: string;
  openedBy: string;
  openedAt: string;
  origin: string;
  /** Where the incident was opened from, as the front end that opened it names it. */
  openedFrom?: FrontEndOrigin;
  /** Where each front end shows this incident (its Slack thread, say). */
  refs: FrontEndRefs;
  /** The latest verdict (a diagnosis run again replaces it). */
  diagnosis?: Diagnosis;
  /** When the first verdict was given: the time to diagnose counts to it, not to a later diagnosis. */
  firstVerdictAt?: string;
  /** Every verdict given, in order (verdict-of-record.ts tells the one the incident is about from checks after it). */
  verdicts?: Diagnosis[];
  /** The verdict its first recovery was proposed on: the one the incident is about, whatever is diagnosed after. */
  recoveredOn?: Diagnosis;
  runs: Run[];
  /** Given up as it opened, before anything ran: its first message could not be shown (incident.abandoned). */
  abandoned?: { at: string; reason: string };
  /**
   * Thread messages Slack refused for good that the bot keeps to show there (slack.not-delivered), in the order Slack
   * refused them, until one reaches the thread (slack.delivered-late).
   */
  undelivered?: Undelivered[];
}

/** A thread message Slack refused for good, as the journal has it: what it was, its run, Slack's code and when. */
export interface Undelivered {
  what: 'run' | 'verdict' | 'failure' | 'rollback-offer' | 'root';
  runId?: string;
  code: string;
  at: string;
}

const undeliverable: ReadonlySet<string> = new Set(['run', 'verdict', 'failure', 'rollback-offer', 'root']);

/** The same message of the same run, whichever line names it. */
function sameMessage(a: { what?: unknown; runId?: unknown }, b: { what?: unknown; runId?: unknown }): boolean {
  return a.what === b.what && (a.runId ?? null) === (b.runId ?? null);
}

/** A process as a record names it: PID, and (in journals since they were recorded) start time, boot and host. */
function identityIn(data: Record<string, unknown>): ProcessIdentity {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { pid: data.pid as number, start: text(data.start), boot: text(data.boot), host: text(data.host) };
}

/**
 * A step's result as this version reads it: journals from before steps a stop came before were recorded as not started
 * said so as a failure that took no time and whose summary begins "not started: " (without `untouched`, which marks a
 * refusal to start, a real failure); read as not started, the line itself is left as written.
 */
function asRecordedBefore(result: StepRecord): StepRecord {
  const stoppedBefore = result.status === 'failed' && !result.untouched && result.durationMs === 0 && result.summary?.startsWith('not started: ');
  return stoppedBefore ? { ...result, status: notStartedStatus } : result;
}

/** A run.finished line's reason: `reasonSaid` when it names people (kept as data), else the plain `reason`. */
function endReasonOf(data: Record<string, any>): { endReason?: Said } {
  if (Array.isArray(data.reasonSaid)) return { endReason: data.reasonSaid as Said };
  return typeof data.reason === 'string' ? { endReason: [data.reason] } : {};
}

/** The journal data of a run's end reason: plain text for every reader, and the people in it as data when it names any. */
export function reasonData(reason: Said): { reason: string; reasonSaid?: Said } {
  return { reason: renderSaid(reason), ...(reason.some((part) => typeof part !== 'string') ? { reasonSaid: reason } : {}) };
}

/** A plan that changed a run's database since it was made, and what it changed ("Dagster's schedules"; the database when not said). */
export type ChangedSinceMade = Pick<Run, 'id' | 'title'> & { changed?: string };

/** Why an interrupted run ended: its recorded reason, or, for a journal line from before reasons were kept, a restart. */
export function interruptedBecause(run: Run): Said {
  return run.endReason ?? ['the bot restarted'];
}

/**
 * Whether a step of a run may have changed something: it completed, was cut short where nobody can tell, is a command
 * that failed or timed out after it started (it may have done part of its work: a rebuild half-built), or stopped with
 * outputs that say it changed part of what it changes (a schedule started before Dagster refused the next).
 */
export function resultMayHaveChanged(run: Pick<Run, 'steps'>, result: Pick<Run['results'][number], 'stepId' | 'status' | 'untouched' | 'outputs'>): boolean {
  return mayHaveChanged(run.steps.find((s) => s.id === result.stepId)?.kind, result);
}

/** Whether a run's changing steps may have changed anything before it ended. */
export function changedSomething(run: Run): boolean {
  return run.results.some((r) => {
    const step = run.steps.find((s) => s.id === r.stepId);
    return step !== undefined && changesData(step) && resultMayHaveChanged(run, r);
  });
}

/**
 * Whether a plan like this one can only be proposed on a diagnosis made after it changed its database: a recovery of the
 * database itself (not a clone beside it, nor a cleanup of clones, nor the swap that continues a clone).
 */
function changesWhatItsDiagnosisSaw(run: Run): boolean {
  return run.kind === 'recovery' && !run.cleanup && !run.continuesWith && !run.continues;
}

/**
 * What to do about an interrupted run: propose it again, unless what it changed must be undone or looked at first, or
 * its database has changed since it was made (`changedSince`, another plan that ran, with what it changed, as
 * changedByPlanOf says it: Dagster's schedules are no database): a recovery is then made on a new diagnosis, and could
 * not be proposed on the old one.
 */
export function afterInterruption(run: Run, changedSince?: ChangedSinceMade): string {
  if (run.startedAt && changedSomething(run)) {
    const check = 'it may have changed something before it stopped: check what it did (and roll it back, where a rollback is offered)';
    return changesWhatItsDiagnosisSaw(run) ? `${check}, then diagnose again before choosing a path` : `${check} before proposing it again`;
  }
  if (changedSince && changesWhatItsDiagnosisSaw(run)) {
    const changed = changedSince.changed ?? 'its database';
    return `${changed === 'its database' ? 'its database has changed' : `${changed} changed`} since it was made (plan ${changedSince.id}, ${changedSince.title}): diagnose again and propose a new plan`;
  }
  return 'propose it again';
}

/**
 * Why an interrupted run ended and what to do: the reason, then what to do about it, unless the reason says that itself
 * (a plan refused right before it ran says nothing was changed and how to propose it again).
 */
export function interruptedWhy(run: Run, changedSince?: ChangedSinceMade): Said {
  const because = interruptedBecause(run);
  if (/propose the plan again|Propose a plan on what is there now/.test(renderSaid(because))) return because;
  return [...because, run.startedAt ? '' : '. Nothing of it ran', `; ${afterInterruption(run, changedSince)}`];
}

/** An interrupted run's line, in Slack and at a terminal alike: why, whether any of it ran, and what to do. */
export function interruptedLine(run: Run): Said {
  return [run.startedAt ? 'Interrupted: ' : 'Not started: ', ...interruptedWhy(run), '.'];
}

/** A run that may start and has not: an approved plan, or a read-only run (a diagnosis) proposed and not begun. */
export function notStarted(run: Run): boolean {
  return run.status === 'approved' || (run.status === 'pending' && !run.needsApproval);
}

/** A run that holds its database while approved and waiting, or running; a mutating one keeps other plans off it. */
export function holdsItsDatabase(run: Pick<Run, 'status'>): boolean {
  return run.status === 'running' || run.status === 'approved';
}

export class IncidentState {
  readonly incidents = new Map<string, Incident>();
  readonly runs = new Map<string, Run>();
  /**
   * The DATABOX_APPROVERS the bot last recorded in force (at a restart, or with an approval in Slack); empty for anyone,
   * undefined before it recorded any. A terminal reads its own settings, which may leave it out.
   */
  botApprovers?: readonly string[];

  apply(record: JournalRecord): void {
    const data = record.data as Record<string, any>;
    const incident = record.incident ? this.incidents.get(record.incident) : undefined;
    const run = typeof data.runId === 'string' ? this.runs.get(data.runId) : undefined;
    switch (record.type) {
      case 'incident.opened':
        this.incidents.set(record.incident as string, {
          id: record.incident as string,
          scenario: data.scenario,
          title: data.title,
          openedBy: record.actor ?? 'unknown',
          openedAt: record.at,
          origin: data.origin,
          openedFrom: data.openedFrom ?? (typeof data.channel === 'string' ? { frontEnd: slackFrontEnd, ref: { channel: data.channel } } : undefined),
          refs: {},
          runs: [],
        });
        break;
      case 'incident.abandoned':
        if (incident) incident.abandoned = { at: record.at, reason: String(data.reason ?? '') };
        break;
      case 'incident.ref':
        if (incident) incident.refs[data.frontEnd] = data.ref;
        break;
      case 'incident.thread':
        if (incident) incident.refs[slackFrontEnd] = slackRef(data, ['channel', 'ts']);
        break;
      case 'run.proposed': {
        if (!incident) break;
        const proposed: Run = {
          ...(data.run as Omit<Run, 'status' | 'results' | 'incidentId' | 'requestedBy' | 'proposedAt' | 'refs'>),
          // Journals from before the runbook could ask for a teammate decided it by destructive steps alone.
          needsTeammate: data.run.needsTeammate ?? data.run.destructive === true,
          incidentId: incident.id,
          scenario: incident.scenario,
          requestedBy: record.actor ?? 'unknown',
          proposedAt: record.at,
          status: 'pending',
          refs: {},
          results: [],
        };
        incident.runs.push(proposed);
        this.runs.set(proposed.id, proposed);
        if (proposed.kind === 'recovery') incident.recoveredOn ??= incident.diagnosis;
        break;
      }
      case 'run.ref':
        if (run) run.refs[data.frontEnd] = data.ref;
        if (run && run.notShown?.frontEnd === data.frontEnd) delete run.notShown;
        break;
      case 'run.offer-ref':
        if (run && typeof data.frontEnd === 'string' && typeof data.ref === 'object' && data.ref !== null) run.offerRefs = { ...run.offerRefs, [data.frontEnd]: data.ref };
        break;
      // Only what the bot keeps to show again: a plan is asked for again, and a follow-up's advice is not kept.
      case 'slack.not-delivered':
        if (incident && data.kept === true && undeliverable.has(data.what) && typeof data.code === 'string' && !(incident.undelivered ?? []).some((u) => sameMessage(u, data))) {
          const runId = typeof data.runId === 'string' ? { runId: data.runId } : {};
          incident.undelivered = [...(incident.undelivered ?? []), { what: data.what, ...runId, code: data.code, at: record.at }];
        }
        break;
      // Reached the thread after all, or nothing left of it to show (slack.no-longer-kept): kept no more either way.
      case 'slack.delivered-late':
      case 'slack.no-longer-kept':
        if (incident?.undelivered) incident.undelivered = incident.undelivered.filter((u) => !sameMessage(u, data));
        break;
      case 'run.not-shown':
        if (run) run.notShown = { frontEnd: String(data.frontEnd), reason: String(data.reason ?? ''), at: record.at };
        break;
      case 'run.message':
        if (run) run.refs[slackFrontEnd] = slackRef(data, ['channel', 'ts']);
        break;
      // A decision only moves a pending plan: a late or replayed line can never undo one already taken.
      case 'run.approved':
        if (run?.status === 'pending') {
          Object.assign(run, { status: 'approved', decidedBy: record.actor, decidedAt: record.at, ...(typeof data.crossesFrontEnds === 'string' ? { crossesFrontEnds: data.crossesFrontEnds } : {}) });
          const changed = runbookChangedOf(data.runbookChanged);
          if (changed) run.runbookChanged = changed;
          const outside = this.outsideBotApprovers(record.actor);
          if (outside) run.approvedOutsideBotApprovers = outside;
        }
        this.noteBotApprovers(record.actor, data.approvers);
        break;
      case waitingRunbookChangedType:
        if (run?.status === 'pending') {
          const note = waitingRunbookChangedOf(data);
          if (note) run.runbookChangedWhileWaiting = note;
          // The runbook is back to the plan's own version: nothing to say any more.
          else if (data.loadedNow === data.proposedWith) delete run.runbookChangedWhileWaiting;
        }
        break;
      // A waiting plan made on an older verdict (older-diagnosis-plan.ts), noted when the incident was diagnosed again.
      case 'run.diagnosed-again': {
        const newer = incident?.verdicts?.find((v) => v.runId === data.diagnosis);
        if (run?.status === 'pending' && newer) run.diagnosedAgain = newer;
        break;
      }
      case 'bot.started':
        if (data.approvers !== undefined) this.botApprovers = data.approvers === 'anyone' ? [] : approverList(data.approvers);
        break;
      case 'run.rejected':
        if (run?.status === 'pending') Object.assign(run, { status: 'rejected', decidedBy: record.actor, decidedAt: record.at });
        break;
      case 'run.expired':
        if (run?.status === 'pending') {
          // What the plan that voided it changed is read from that plan's steps, so a journal of any age says it.
          const voidedBy = typeof data.outdatedBy === 'string' ? this.runs.get(data.outdatedBy) : undefined;
          Object.assign(run, {
            status: 'expired',
            decidedAt: record.at,
            ...(typeof data.outdatedBy === 'string' ? { outdatedBy: data.outdatedBy } : {}),
            ...(voidedBy ? { outdatedChanged: changedByPlanOf(voidedBy) } : {}),
            ...(typeof data.whatNow === 'string' ? { outdatedWhatNow: data.whatNow } : {}),
          });
        }
        break;
      case 'run.started':
        if (run && (run.status === 'approved' || (run.status === 'pending' && !run.needsApproval))) {
          Object.assign(run, { status: 'running', startedAt: record.at, pid: data.pid, runner: identityIn(data), runBy: record.actor });
        }
        break;
      case 'step.process':
        if (run) run.processes = [...(run.processes ?? []), { ...identityIn(data), argv: data.argv }];
        break;
      case 'step.started':
        if (run) {
          run.inFlight = { stepId: data.stepId, startedAt: record.at };
          run.startedSteps = [...(run.startedSteps ?? []), String(data.stepId)];
        }
        break;
      case 'step.intent':
        if (run?.inFlight) run.inFlight.intent = { action: data.action ?? 'move', from: data.from, to: data.to };
        break;
      case 'step.finished':
        // A line with no result (hand-written) adds none: every reader of results takes each to be one.
        if (run && typeof data.result === 'object' && data.result !== null) {
          run.results.push(asRecordedBefore(data.result as StepRecord));
          run.inFlight = undefined;
        }
        break;
      case 'run.finished':
        if (run && (run.status === 'running' || notStarted(run))) {
          const stopped = Array.isArray(data.unlock?.stopped) ? { stoppedAtUnlock: (data.unlock.stopped as unknown[]).map(String) } : {};
          const interruptedBy = data.interruptedBy === 'stop' || data.interruptedBy === 'restart' ? { interruptedBy: data.interruptedBy as 'stop' | 'restart' } : {};
          Object.assign(run, { status: data.status, finishedAt: record.at, ...endReasonOf(data), ...stopped, ...interruptedBy });
          const outside = data.unlock ? this.outsideBotApprovers(record.actor) : undefined;
          if (outside) run.unlockedOutsideBotApprovers = outside;
        }
        // The approver of an unlock is the line's actor, as for a plan's approval.
        if (data.unlock) this.noteBotApprovers(record.actor, data.unlock.approvers);
        break;
      case 'run.rollback-offered':
        if (run) run.rollbackOffered = true;
        break;
      case 'run.follow-up':
        if (run && data.plan) run.planOffers = [...(run.planOffers ?? []), data.plan as PlanOffer];
        if (run && (data.takenUp === 'ran-again' || data.takenUp === 'advised')) run.takenUp = data.takenUp;
        break;
      case 'diagnosis.verdict':
        if (incident) {
          incident.diagnosis = Object.assign({ suggested: {}, params: {} }, data as Omit<Diagnosis, 'at'>, { at: record.at });
          incident.verdicts = [...(incident.verdicts ?? []), incident.diagnosis];
          incident.firstVerdictAt ??= record.at;
          const diagnosed = this.runs.get(incident.diagnosis.runId);
          if (diagnosed) diagnosed.verdict = incident.diagnosis;
        }
        break;
      case roomCheckedType: {
        // The verdict object is the incident's diagnosis and its run's verdict alike: both render the mark.
        const verdict = this.runs.get(String(data.runId))?.verdict;
        if (verdict) verdict.roomChecked = { ...verdict.roomChecked, [String(data.path)]: { at: record.at, ...(typeof data.refused === 'string' ? { refused: data.refused } : {}) } };
        break;
      }
      default:
        break;
    }
  }

  /** The bot's DATABOX_APPROVERS as last recorded, when an approval at a terminal by `actor` falls outside it. */
  private outsideBotApprovers(actor: string | null | undefined): string[] | undefined {
    const atTerminal = actor?.startsWith('terminal:') === true;
    return atTerminal && this.botApprovers?.length && !this.botApprovers.includes(actor as string) ? [...this.botApprovers] : undefined;
  }

  /** An approval in Slack is the bot's: the policy its line carries is the bot's setting. */
  private noteBotApprovers(actor: string | null | undefined, approvers: unknown): void {
    if (actor?.startsWith('terminal:') === false && approvers !== undefined) this.botApprovers = approvers === 'anyone' ? [] : approverList(approvers);
  }

  incident(id: string): Incident | undefined {
    return this.incidents.get(id);
  }

  /** Recoveries that changed their database and still stand: not a cleanup of clones, not rolled back since. */
  standingRecoveries(): (run: Run) => boolean {
    const rolledBack = new Set([...this.runs.values()].filter((r) => r.kind === 'rollback' && r.status === 'succeeded').map((r) => r.rollbackOf));
    return (run) => run.kind === 'recovery' && !run.cleanup && !rolledBack.has(run.id) && changedSomething(run);
  }

  /**
   * The latest (or first) mutating run on the database `lockKey` names that changed it after `sinceIso` (started at or
   * after it, or still under way at it) and that `counts` keeps.
   */
  latestChange(lockKey: string, sinceIso: string, counts: (run: Run) => boolean = () => true, which: 'latest' | 'first' = 'latest'): Run | undefined {
    let found: Run | undefined;
    for (const run of this.runs.values()) {
      // One that started before, but was still under way then (or still is), changed it after too.
      const after = run.startedAt !== undefined && (run.startedAt >= sinceIso || !run.finishedAt || run.finishedAt > sinceIso);
      if (!run.mutates || run.lockKey !== lockKey || !after || !counts(run)) continue;
      const later = (run.startedAt ?? '') > (found?.startedAt ?? '');
      if (!found || later === (which === 'latest')) found = run;
    }
    return found;
  }

  /**
   * The run that first changed `plan`'s database after it was proposed, but for those it was made on (the one it
   * continues, the one it rolls back): a plan made before it describes a state that is gone, and an approval is refused.
   * The first, as the thread said when it happened: later changes (its rollback, say) did not make the plan stale again.
   */
  staleBy(plan: Run): Run | undefined {
    // A run that failed before changing anything (rows kept only in a file, a guard that refused) left the database as it
    // was, and so does one whose every changing step only makes something new beside it (path A's or path N's clone).
    const changedIt = (run: Run) => !writesOnlyBeside(run.steps) && (run.status !== 'failed' || changedSomething(run));
    return this.latestChange(plan.lockKey, plan.proposedAt, (run) => run.id !== plan.id && run.id !== plan.continues && run.id !== plan.rollbackOf && changedIt(run), 'first');
  }

  /** A diagnosis of the database `lockKey` names running now in an incident other than `except`, if any. */
  diagnosisRunning(lockKey: string, except: string): Run | undefined {
    for (const run of this.runs.values()) {
      if (run.kind === 'diagnosis' && run.status === 'running' && run.lockKey === lockKey && run.incidentId !== except) return run;
    }
    return undefined;
  }

  /** The mutating run that holds a database, if any (see holdsItsDatabase). */
  lockHolder(lockKey: string, except?: string): Run | undefined {
    for (const run of this.runs.values()) {
      if (run.id !== except && run.mutates && run.lockKey === lockKey && holdsItsDatabase(run)) return run;
    }
    return undefined;
  }
}

/** An approvers list as a journal line holds it: strings only. */
function approverList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}
