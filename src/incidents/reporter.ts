// The front end's side of the engine: Slack and the terminal each implement it to show what happens.
import { commandValue } from '../commands/quote-value.js';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import type { SetAside } from '../journal/journal.js';
import type { Logger } from '../logger.js';
import type { PlanOffer } from './plan-offer.js';
import type { FrontEndRef, Incident, Run } from './state.js';

/** A diagnosis of another scenario a failed recovery's runbook offers (scenario 2 for scenario 4's window), ready to start. */
export interface FollowUpOffer {
  scenario: string;
  /** That scenario's runbook title. */
  title: string;
  /** Its diagnosis parameters, filled in from the failed recovery's. */
  params: Record<string, string>;
}

/** The command an offer starts, as it would be typed: `diagnose backfill source=ebird from=… to=…`. */
export function followUpCommand(offer: Pick<FollowUpOffer, 'scenario' | 'params'>): string {
  return ['diagnose', offer.scenario, ...Object.entries(offer.params).map(([name, value]) => `${name}=${commandValue(value)}`)].join(' ');
}

export interface IncidentReporter {
  /** The name the references it returns are kept under: incident.refs[frontEnd], run.refs[frontEnd]. */
  readonly frontEnd: string;
  /** A new incident: Slack posts the root message and returns where it is. */
  incidentOpened(incident: Incident): Promise<FrontEndRef | undefined>;
  /**
   * A run was proposed: a plan awaiting approval, or a read-only run about to start. A plan's reference is returned once
   * it is shown; a read-only run's, which is not waited for, is handed to `shownLater` when it is. A plan the front end
   * could not show for good (Slack refused it) has `notShown` told why, before the answer.
   */
  runProposed(incident: Incident, run: Run, shownLater?: (ref: FrontEndRef) => void, notShown?: (reason: string) => void): Promise<FrontEndRef | undefined>;
  /**
   * A plan was approved, rejected or expired. Resolves once the front end has it in hand (Slack: queued in the outbox),
   * never after waiting for Slack: the expiry sweep and the sweep of decisions taken elsewhere call it plan after plan.
   */
  runDecided(incident: Incident, run: Run): Promise<void>;
  /**
   * A plan still waiting can no longer be approved: `changedBy` started changing its database after it was made (an
   * approval is refused, approvals.ts). Its front end takes its buttons away and says so, and what to do instead
   * (`whatNow`, outdated-what-now.ts: what the refused approval and the status say too).
   */
  planOutdated(incident: Incident, run: Run, changedBy: Run, whatNow: string): Promise<void>;
  /**
   * A plan still waiting was made with another version of its runbook than the bot loaded at its start
   * (`run.runbookChangedWhileWaiting`, waiting-runbook-changed.ts), or that note was taken back: its front end shows
   * the plan as it stands now, before anyone approves it. Resolves once the front end has it in hand (Slack: queued).
   */
  planRunbookChanged(incident: Incident, run: Run): Promise<void>;
  /**
   * A plan still waiting was made on an older verdict of its incident, which was diagnosed again since
   * (`run.diagnosedAgain`, older-diagnosis-plan.ts): its front end says it can no longer be approved, and takes its
   * Approve button away. Resolves once the front end has it in hand (Slack: queued).
   */
  planOnOlderVerdict(incident: Incident, run: Run): Promise<void>;
  stepStarted(incident: Incident, run: Run, step: ResolvedStep, index: number): Promise<void>;
  stepProgress(incident: Incident, run: Run, step: ResolvedStep, text: string): void;
  stepFinished(incident: Incident, run: Run, step: ResolvedStep, record: StepRecord, output: string | undefined): Promise<void>;
  runFinished(incident: Incident, run: Run): Promise<void>;
  /** After a recovery and its validation: the rollback can be requested. */
  rollbackOffered(incident: Incident, recovery: Run): Promise<void>;
  /**
   * What `run` offered is spent (IncidentService.spentOffer: a verdict's paths after a recovery changed its database, a
   * rollback offer once the rollback ran): the front end shows so where it offered them, its buttons replaced by what
   * happened. Resolves once the front end has it in hand (Slack: queued in the outbox).
   */
  offerSpent(incident: Incident, run: Run): Promise<void>;
  /**
   * A click on a path of `diagnosis`' verdict found its room check other than its button showed (room-marks.ts): the
   * front end shows the verdict where it offered it, that button marked refused or not as the verdict now records.
   * Resolves once the front end has it in hand (Slack: queued in the outbox).
   */
  pathMarkChanged(incident: Incident, diagnosis: Run): Promise<void>;
  /**
   * What to do next, as the runbook gives it: after a recovery (or its validation) that failed, with the diagnoses it
   * offers, or after a validation that found something to do later (a validation follow-up, no offers; with `plan`, the
   * plan of this scenario it leads to, the cleanup say); `run` is that recovery or validation.
   */
  followUpOffered(incident: Incident, run: Run, advice: string, offers: FollowUpOffer[], plan?: PlanOffer): Promise<void>;
  /** A torn last journal line of this incident was set aside (a crash or a full disk); `verifies`: the journal does again. */
  journalRepaired(incident: Incident, aside: SetAside, verifies: boolean): Promise<void>;
}

/** A front end that cannot show something (Slack down, say) must not stop a recovery halfway: the failure is logged. */
export async function reportSafely(logger: Logger, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger.error({ err: error }, 'could not report a step to the front end; the run goes on');
  }
}
