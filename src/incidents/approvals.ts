// Decisions on plans: approvals and rejections checked against the policy under the journal's lock, and expiry.
import type { Config } from '../config.js';
import { planHash } from '../engine/resolve.js';
import { JournalUnwritable, type Journal } from '../journal/journal.js';
import { renderSaid, said } from '../said.js';
import { holdsLapsed, knownEmptyLapsed } from './path-requires.js';
import { approversInForce, checkApproval, checkRejection, ownNumber, utcTime, type ChangedSince, type Decision } from './approval-policy.js';
import { AlreadyDecided, type IncidentState, type Run } from './state.js';
import { untilRepairedWords } from '../journal/until-repaired.js';
import type { Runbook } from '../runbook/schema.js';
import { asSentence, outdatedWhatNow } from './outdated-what-now.js';
import { planPathGone } from './path-gone.js';
import { newerVerdictThan, olderVerdictWords } from './older-diagnosis-plan.js';
import { frontEndsCrossed } from './front-ends-crossed.js';
import { failedAtWords } from '../journal/failed-at.js';
import { couldBeSamePerson } from './same-person.js';
import { runbookChangedSince, type RunbookChanged } from './runbook-changed.js';
import { runbookFile } from '../runbook/runbook-file.js';
import { changedByPlanOf, changedByPlanSaid } from './changed-by-plan.js';
import { approvalHeldBy } from './approval-held.js';

export interface ApprovalsDeps {
  config: Config;
  /** The runbooks as loaded now: a plan whose path they no longer have is not run. */
  runbooks: ReadonlyMap<string, Runbook>;
  journal: Journal;
  state: IncidentState;
  clock: () => Date;
  /** Who the journal names for a plan's expiry: the bot, or a terminal's CLI. */
  actor: string;
  /** A plan expired: its front end replaces its buttons. */
  expired: (run: Run) => Promise<void>;
}

export class Approvals {
  constructor(private readonly deps: ApprovalsDeps) {}

  private clock(): Date {
    return this.deps.clock();
  }

  /**
   * Approves a plan. The checks and the journal line are one step under the journal's lock, after catching up with
   * other processes, so two clicks (or a click and a terminal) cannot both pass. Returns why not when the click must
   * do nothing; the refusal is journaled too. `memberOf`: the approvers' user groups Slack says the actor is in.
   */
  approve(runId: string, hash: string, actor: string, memberOf: readonly string[] = []): Decision & { run?: Run } {
    try {
      // Nothing is approved that the journal could not record: refused (on the record, once it can be written), saying why.
      this.deps.journal.requireWritable();
      return this.decideApproval(runId, hash, actor, memberOf);
    } catch (error) {
      if (!(error instanceof JournalUnwritable)) throw error;
      const run = this.deps.state.runs.get(runId);
      this.deps.journal.append({ type: 'approval.refused', incident: run?.incidentId ?? null, actor, data: { runId, decision: 'approve', reason: error.message } });
      return { ok: false, reason: [error.message], run };
    }
  }

  private decideApproval(runId: string, hash: string, actor: string, memberOf: readonly string[]): Decision & { run?: Run } {
    return this.decide(runId, actor, 'run.approved', (run) => {
      const decision = checkApproval(run, actor, hash, this.clock(), this.deps.config, this.changedSince(run), memberOf);
      if (!decision.ok) return decision;
      this.deps.journal.recheck();
      if (this.deps.journal.problem) {
        return {
          ok: false,
          reason: said`${failedAtWords(this.deps.journal.problem)} (${this.deps.journal.problem.reason}), so this plan was not approved and nothing was run: ${untilRepairedWords('away')}`,
        };
      }
      if (planHash(run.steps, run.previews ?? []) !== run.hash) {
        return { ok: false, reason: said`the plan recorded in the journal no longer matches its hash (was the journal edited?); nothing was run` };
      }
      // Run, it would be validated and rolled back by a path that is not there: refused before anything runs.
      const gone = planPathGone(run, this.deps.state.incidents.get(run.incidentId)?.scenario, this.deps.runbooks);
      if (gone) return { ok: false, reason: said`${gone}` };
      // Made on a verdict the incident's newer diagnosis replaced: what it would do may be what that one says is not needed.
      const incident = this.deps.state.incidents.get(run.incidentId);
      const newer = incident && newerVerdictThan(incident, run);
      if (newer) return { ok: false, reason: said`${olderVerdictWords(run, newer)}` };
      const holder = this.deps.state.lockHolder(run.lockKey, run.id);
      if (holder) return { ok: false, reason: approvalHeldBy(run, holder, this.deps.state.incidents.get(holder.incidentId)) };
      // A plan that continues another (path A's swap), or rolls one back, was made on that one's changes: they do not make it stale.
      const since = this.deps.state.staleBy(run);
      if (since) {
        // Said as the plan's message and the status say it, and as asking for a rollback again would find it.
        const then = asSentence(this.outdatedWhatNow(run, since));
        const self = ownNumber(run, since.id);
        return {
          ok: false,
          reason: said`${changedByPlanSaid(since, run.lockKey)} since this plan was made: plan ${since.id} (${since.title}) ran at ${utcTime(since.finishedAt ?? since.proposedAt)}. Nothing of this plan (${self}) ran, and ${self} can no longer be approved. ${then}`,
        };
      }
      // Made without what its diagnosis found empty (no day missed yet): that was so on the day it looked, not after.
      const lapsed = knownEmptyLapsed(run, this.clock());
      if (lapsed) return { ok: false, reason: said`${lapsed}` };
      // Made on a diagnosis that held until a time (a paused schedule's next tick, which the plan's window left to it).
      const diagnosisLapsed = run.holdsUntil && holdsLapsed(run.holdsUntil, this.clock());
      if (diagnosisLapsed) return { ok: false, reason: said`this plan's diagnosis ${diagnosisLapsed}` };
      return { ok: true };
    });
  }

  reject(runId: string, hash: string, actor: string, memberOf: readonly string[] = []): Decision & { run?: Run } {
    return this.decide(runId, actor, 'run.rejected', (run) => checkRejection(run, actor, hash, this.clock(), this.deps.config, this.changedSince(run), memberOf));
  }

  /** The plan that voided `run` by changing its database since it was made, with what to do instead; undefined when none did. */
  private changedSince(run: Run): ChangedSince | undefined {
    const changedBy = this.deps.state.staleBy(run);
    return changedBy && { id: changedBy.id, title: changedBy.title, changed: changedByPlanOf(changedBy), whatNow: this.outdatedWhatNow(run, changedBy) };
  }

  private outdatedWhatNow(run: Run, changedBy: Run): string {
    return outdatedWhatNow(this.deps.state, run, changedBy, (scenario) => this.deps.runbooks.get(scenario));
  }

  /**
   * What a plan's expiry records: one another plan had made stale says so still, once expired (the reason it could not
   * run is that one), and what to do instead (a rollback is asked for again, not diagnosed again), as it was said while it waited.
   */
  private expiryData(run: Run): { outdatedBy?: string; whatNow?: string } {
    const changedBy = this.deps.state.staleBy(run);
    return changedBy ? { outdatedBy: changedBy.id, whatNow: this.outdatedWhatNow(run, changedBy) } : {};
  }

  private decide(runId: string, actor: string, type: 'run.approved' | 'run.rejected', check: (run: Run) => Decision): Decision & { run?: Run } {
    let decision: Decision = { ok: false, reason: said`this plan is not known to the journal` };
    // Which button was refused, for the record: "tried to reject" reads otherwise than "tried to approve".
    const tried = type === 'run.approved' ? 'approve' : 'reject';
    const record = this.deps.journal.append(() => {
      const run = this.deps.state.runs.get(runId);
      decision = run ? check(run) : decision;
      // An approval records the full hash of the plan it binds to.
      if (decision.ok) return { type, incident: run?.incidentId, actor, data: type === 'run.approved' && run ? { runId, hash: run.hash, ...this.approvalContext(run, actor) } : { runId } };
      if (!decision.ok && decision.expired && run?.status === 'pending') return { type: 'run.expired', incident: run.incidentId, actor: this.deps.actor, data: { runId, by: actor, ...this.expiryData(run) } };
      // The journal keeps the reason as text, each person by their id; front ends render the refusal itself.
      return { type: 'approval.refused', incident: run?.incidentId ?? null, actor, data: { runId, decision: tried, reason: decision.ok ? '' : renderSaid(decision.reason) } };
      // An approval is on disk before anything runs under it: when the journal cannot be written it throws instead.
    }, { durable: type === 'run.approved' });
    const run = this.deps.state.runs.get(runId);
    if (decision.ok) return { ok: true, run };
    if (record.type === 'run.expired') {
      this.deps.journal.append({ type: 'approval.refused', incident: run?.incidentId ?? null, actor, data: { runId, decision: tried, reason: renderSaid(decision.reason) } });
    }
    return { ...decision, run };
  }

  /**
   * What the approval's line records beside the plan: who might approve under the policy in force (DATABOX_APPROVERS,
   * or anyone), the two-person rule left unchecked across front ends, a self-approval DATABOX_ALLOW_SELF_APPROVAL allowed,
   * and the runbook changed since the plan was made (the plan still runs as approved: its steps are what the approver saw).
   */
  private approvalContext(run: Run, approver: string): { approvers: string[] | 'anyone'; crossesFrontEnds?: string; selfApprovalAllowed?: true; runbookChanged?: RunbookChanged } {
    const crossed = frontEndsCrossed(run, approver, this.deps.config.allowSelfApproval);
    // A requester approving their own plan that needs a teammate: the postmortem tells it from a line written by hand.
    const selfApproved = run.needsTeammate && couldBeSamePerson(approver, run.requestedBy);
    const scenario = this.deps.state.incidents.get(run.incidentId)?.scenario;
    const runbookChanged = scenario === undefined ? undefined : runbookChangedSince(run, this.deps.runbooks.get(scenario), runbookFile(this.deps.config.runbooksDir, scenario), approver);
    return {
      approvers: approversInForce(this.deps.config),
      ...(crossed ? { crossesFrontEnds: crossed } : {}),
      ...(selfApproved ? { selfApprovalAllowed: true as const } : {}),
      ...(runbookChanged ? { runbookChanged } : {}),
    };
  }

  private expire(run: Run): void {
    this.deps.journal.append(() => {
      const current = this.deps.state.runs.get(run.id);
      if (current?.status !== 'pending') throw new AlreadyDecided();
      return { type: 'run.expired', incident: run.incidentId, actor: this.deps.actor, data: { runId: run.id, ...this.expiryData(run) } };
    });
  }

  /**
   * Marks pending plans past their time as expired, every one on the record first, then lets the front end replace
   * their buttons: one plan's message that Slack is slow to take holds up neither another plan's expiry nor its line.
   */
  async expireDue(): Promise<Run[]> {
    this.deps.journal.catchUp();
    const now = this.clock().getTime();
    const due = [...this.deps.state.runs.values()].filter((r) => r.status === 'pending' && r.expiresAt && Date.parse(r.expiresAt) < now);
    const expired: Run[] = [];
    for (const run of due) {
      try {
        this.expire(run);
      } catch (error) {
        if (error instanceof AlreadyDecided) continue;
        throw error;
      }
      expired.push(this.deps.state.runs.get(run.id) as Run);
    }
    for (const run of expired) await this.deps.expired(run);
    return expired;
  }
}
