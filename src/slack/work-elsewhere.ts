// What another process sharing the journal (a terminal) does in an incident that has a Slack thread, shown in that
// thread as the bot shows its own work, in the journal's order: a plan waiting with its buttons, each run's message once
// it has ended (with its verdict or failure, and the buttons it spent replaced, in any incident), a follow-up, and a
// recovery's rollback offer where that process made it, and a waiting plan its incident's newer diagnosis there made no
// longer approvable.
import { rollbackUnderWay } from '../incidents/rollback-under-way.js';
import type { JournalRecord } from '../journal/record.js';
import type { Logger } from '../logger.js';
import type { PlanOffer } from '../incidents/plan-offer.js';
import type { FollowUpOffer, IncidentReporter } from '../incidents/reporter.js';
import type { IncidentService } from '../incidents/service.js';
import { cliActor, type Incident, type IncidentState, type Run } from '../incidents/state.js';
import { incidentThread, runMessage } from './slack-refs.js';
import { diagnosedAgainType } from '../incidents/older-diagnosis-plan.js';

/** Something another process recorded that Slack has not been shown yet, as the journal line that said it. */
export type Noted = (
  | { what: 'plan' | 'decided' | 'end' | 'rollback-offer' | 'diagnosed-again'; runId: string }
  | { what: 'follow-up'; runId: string; advice: string; offers: FollowUpOffer[]; plan?: PlanOffer }
) & {
  /**
   * Written while its incident had no thread: one opened since summed it up as it opened (incident-thread.ts), so it
   * is not shown there a second time.
   */
  beforeThread?: true;
};

/** The lines that decide a plan: replayed at a start, each updates the plan's message in Slack. */
const decisions = new Set(['run.approved', 'run.rejected', 'run.expired']);

/**
 * Fed the journal lines other processes append (Journal.onRecordFromElsewhere), shown by the bot's sweep. Each sweep
 * takes everything noted so far, so it holds nothing between sweeps but what arrived since the last.
 */
export class WorkElsewhere {
  private noted: Noted[] = [];
  /** Sweeps one after the other: an overlapping one would post later lines before earlier ones had gone. */
  private showing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { service: IncidentService; reporter: IncidentReporter; logger: Logger }) {}

  note(record: JournalRecord): void {
    const data = record.data as Record<string, any>;
    const incident = record.incident === null ? undefined : this.deps.service.state.incidents.get(record.incident);
    const when = incident && incidentThread(incident) ? {} : { beforeThread: true as const };
    if (record.type === 'run.proposed' && typeof data.run?.id === 'string') this.noted.push({ what: 'plan', runId: data.run.id, ...when });
    else if (typeof data.runId !== 'string') return;
    else if (record.type === 'run.finished') this.noted.push({ what: 'end', runId: data.runId, ...when });
    else if (record.type === 'run.rollback-offered') this.noted.push({ what: 'rollback-offer', runId: data.runId, ...when });
    else if (record.type === diagnosedAgainType) this.noted.push({ what: 'diagnosed-again', runId: data.runId, ...when });
    else if (record.type === 'run.follow-up') {
      this.noted.push({ what: 'follow-up', runId: data.runId, advice: String(data.advice ?? ''), offers: (data.offers ?? []) as FollowUpOffer[], plan: data.plan as PlanOffer | undefined, ...when });
    }
  }

  /**
   * At a start, before anything is written, the lines another process wrote while the bot was down (from where it had
   * shown such work when it last swept or stopped, shown-through.ts): noted as if just read, and a decision among them
   * (a Slack plan approved at a terminal) also updates the plan's message, which still shows its buttons.
   */
  replay(records: readonly JournalRecord[]): void {
    for (const record of records) {
      this.note(record);
      const runId = (record.data as Record<string, unknown>).runId;
      if (decisions.has(record.type) && typeof runId === 'string') this.noted.push({ what: 'decided', runId });
    }
  }

  /**
   * At a start, a plan a terminal left waiting that Slack has not shown (one proposed before the bot kept how far it had
   * shown a terminal's work) is shown now; the bot's own plans were posted when proposed.
   */
  noteWaitingPlans(state: IncidentState, now: Date): void {
    for (const run of state.runs.values()) {
      const expired = run.expiresAt !== undefined && Date.parse(run.expiresAt) <= now.getTime();
      if (run.status === 'pending' && run.needsApproval && !expired && run.requestedBy.startsWith('terminal:')) this.noted.push({ what: 'plan', runId: run.id });
    }
  }

  /** What is noted and not shown yet, taken away: a stopping bot keeps it for its next start (shown-through.ts). */
  takeHeld(): Noted[] {
    return this.noted.splice(0);
  }

  /** What a stopped bot had noted and not shown, first in line again at its next start. */
  restore(held: readonly Noted[]): void {
    this.noted.unshift(...held.filter((noted) => typeof noted?.runId === 'string' && typeof noted.what === 'string'));
  }

  /** How many lines are still to show (tests check that nothing is kept once shown). */
  get held(): number {
    return this.noted.length;
  }

  show(): Promise<void> {
    this.showing = this.showing.then(() => this.showNoted()).catch((error: unknown) => this.deps.logger.error({ err: error }, 'could not show what another process did'));
    return this.showing;
  }

  private async showNoted(): Promise<void> {
    const { service, reporter } = this.deps;
    for (const noted of this.noted.splice(0)) {
      const run = service.state.runs.get(noted.runId);
      const incident = run && service.state.incidents.get(run.incidentId);
      if (!run || !incident) continue;
      if (!incidentThread(incident) || noted.beforeThread) {
        // A plan run in an incident Slack does not show (opened at a terminal) spends the verdicts of the incidents it
        // does show on that database all the same: a click on them is refused, so their buttons go.
        if (noted.what === 'end') await this.safely(() => service.showOffersSpentBy(run));
        continue;
      }
      if (noted.what === 'plan') {
        // Approvable from Slack too: the first decision taken, here or there, is the one that counts (approvals.ts). One
        // decided before this sweep shows its end when that comes.
        await this.safely(() => service.showWaitingPlan(run));
      } else if (noted.what === 'decided') {
        if (runMessage(run)) await this.safely(() => reporter.runDecided(incident, run));
      } else if (noted.what === 'end') {
        if (ownAndOvertaken(incident, run)) continue;
        await this.safely(() => reporter.runFinished(incident, run));
        // A plan run at a terminal spends the verdicts and rollback offer it would have spent here.
        await this.safely(() => service.showOffersSpentBy(run));
      } else if (noted.what === 'diagnosed-again') {
        // Its message loses its buttons, saying why, as when the bot itself gave the newer verdict.
        await this.safely(() => reporter.planOnOlderVerdict(incident, run));
      } else if (noted.what === 'follow-up') {
        await this.safely(() => reporter.followUpOffered(incident, run, noted.advice, noted.offers, noted.plan));
      } else if (!rollbackUnderWay(incident, run)) {
        // Not when taken up already: by the time the sweep reads the offer, the terminal may have done so.
        await this.safely(() => reporter.rollbackOffered(incident, run));
      }
    }
  }

  private async safely(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not show in Slack what another process did');
    }
  }
}

/**
 * A diagnosis asked for in Slack is the bot's own: its end is noted here only when a start replays the lines written
 * after the bot last kept how far it had shown (a crash). Its verdict most likely went out before the crash; once later
 * work in the incident followed it, posting it again would put an old verdict, with live buttons, under that work.
 * Every other run's end is shown as ever: a terminal's, and any that can fail where the thread has not seen it.
 */
function ownAndOvertaken(incident: Incident, run: Run): boolean {
  if (run.kind !== 'diagnosis' || run.requestedBy.startsWith('terminal:') || run.requestedBy === cliActor) return false;
  const ended = Date.parse(run.finishedAt ?? run.proposedAt);
  return incident.runs.some((other) => other.id !== run.id && Date.parse(other.proposedAt) > ended);
}
