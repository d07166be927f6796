// Who may approve or reject which plan, and when: the rules are here and nowhere else.
import { actor as person, said, type Said } from '../said.js';
import { atUtc } from '../timestamps.js';
import { interruptedWhy, type ChangedSinceMade, type Run } from './state.js';
import { endedWords } from './run-label.js';
import { asSentence, expiredWhatNow } from './outdated-what-now.js';
import { couldBeSamePerson, samePerson } from './same-person.js';
import { cli } from '../commands/terminal-commands.js';
import { planOfferCommand } from './plan-offer.js';

export interface ApprovalPolicy {
  allowSelfApproval: boolean;
  /** Slack user IDs and user-group IDs (S…); empty: anyone. */
  approvers: readonly string[];
}

/** The policy an approval is made under, as its journal line records it: the DATABOX_APPROVERS list, or anyone. */
export function approversInForce(policy: Pick<ApprovalPolicy, 'approvers'>): string[] | 'anyone' {
  return policy.approvers.length > 0 ? [...policy.approvers] : 'anyone';
}

/**
 * Whether `actor` is one of the approvers: named by ID, or in a user group the list names (`memberOf`: the groups Slack
 * said they are in as they clicked; a name typed at a terminal is in none, Slack not vouching for it).
 */
function isApprover(policy: ApprovalPolicy, actor: string, memberOf: readonly string[]): boolean {
  return policy.approvers.length === 0 || policy.approvers.includes(actor) || memberOf.some((group) => policy.approvers.includes(group));
}

/** "only these people may <deed>: U0LEAD (each front end renders the person), members of the user group S0ONCALL": a group named, not mentioned (that would notify all of it). */
function onlyApprovers(policy: ApprovalPolicy, deed: string): Said {
  const who = policy.approvers.map((id) => (id.startsWith('S') ? `members of the user group ${id}` : person(id)));
  return [`only these people may ${deed}: `, ...who.flatMap((one, i) => (i === 0 ? [one] : [', ', one]))];
}

/** A refusal's reason names people as data: each front end renders them (Slack mentions them). */
export type Decision = { ok: true } | { ok: false; reason: Said; expired?: boolean };

export function utcTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

/**
 * A plan another plan's changes made no longer approvable (staleBy): that one, what it changed (changedByPlanOf), and
 * what to do instead as outdatedWhatNow says it (absent where the caller has no state to work it out: expiredWhatNow's
 * default then).
 */
export type ChangedSince = ChangedSinceMade & { whatNow?: string };

/**
 * A plan as its refusals name it beside `other`, the plan that ran: "it" there would read as that one, so "nothing of
 * it ran" is said of this plan by its number ("/4"), or by its whole id when `other` is of another incident (its /4 too).
 */
export function ownNumber(run: Pick<Run, 'id'>, other: string): string {
  const [incident, number] = [run.id.slice(0, run.id.lastIndexOf('/')), run.id.slice(run.id.lastIndexOf('/'))];
  return other.startsWith(`${incident}/`) ? number : run.id;
}

/**
 * "this plan expired at 00:05 UTC" (on `now`'s day), "… on 2026-12-07 at 00:05 UTC" on another, and how to propose it
 * again: with the verdict's button for its path, or the rollback's own button, in the incident's thread. One that a
 * later change had voided first (recorded at its expiry, or `changedSince` for one not yet marked expired) is told so
 * and what to do instead, as its message says: proposing it again would only make it again over that change.
 */
function expiredSaid(run: Run, now: Date, changedSince?: ChangedSince, atTerminal = false): string {
  const at = atUtc(run.expiresAt ?? run.proposedAt, now.toISOString());
  const voidedBy = run.outdatedBy ?? changedSince?.id;
  if (voidedBy) {
    const which = changedSince?.id === voidedBy ? `plan ${voidedBy} (${changedSince.title})` : `plan ${voidedBy}`;
    const whatNow = run.outdatedWhatNow ?? changedSince?.whatNow ?? expiredWhatNow(run);
    const self = ownNumber(run, voidedBy);
    const changed = run.outdatedChanged ?? (changedSince?.id === voidedBy ? changedSince.changed : undefined) ?? 'its database';
    return `this plan (${self}) can no longer be approved: ${which} changed ${changed} after ${self} was made, and ${self} expired ${at} too; nothing of ${self} ran. ${asSentence(whatNow)}`;
  }
  return `this plan expired ${at}; ${proposeAgain(run, { atTerminal })}`;
}

/** Whether an actor acts at a terminal (a typed name): told the CLI's commands there, never a Slack button to click. */
const atTerminalOf = (actor: string | undefined): boolean => actor?.startsWith('terminal:') === true;

/**
 * How to propose a plan that did not run again: in Slack, the verdict's button for its path, or the rollback's own
 * button, in the incident's thread (with `typed`, a path's command from the verdict too); at a terminal, the CLI's own
 * command, as README "From a terminal" promises.
 */
function proposeAgain(run: Run, { typed = false, atTerminal = false } = {}): string {
  if (atTerminal) return proposeAgainAtTerminal(run);
  if (run.kind === 'rollback' && run.rollbackOf) return `propose it again with the Roll back… button under plan ${run.rollbackOf} in the thread of incident ${run.incidentId}`;
  if (!run.pathId) return `propose it again from the thread of incident ${run.incidentId}`;
  const orTyped = typed ? `, or type its command from the verdict's "Or type" line` : '';
  return `propose it again with the verdict's Path ${run.pathId.toUpperCase()} button in the thread of incident ${run.incidentId}${orTyped} (or diagnose again, when the verdict is old)`;
}

/** The CLI command that proposes the plan again: a rollback's, or its path's recover with the parameters it was made with. */
function proposeAgainAtTerminal(run: Run): string {
  if (run.kind === 'rollback' && run.rollbackOf) return `propose it again: \`${cli} rollback ${run.rollbackOf}\``;
  if (!run.pathId) return `propose it again in incident ${run.incidentId}`;
  const recover = planOfferCommand({ scenario: run.scenario ?? '…', path: run.pathId, params: run.params, incident: run.incidentId });
  return `propose it again: \`${cli} ${recover}\` (or diagnose again, when the verdict is old)`;
}

/**
 * Why a run cannot be approved or rejected now: it was decided, expired, was interrupted, or is no plan at all. To
 * whoever decided it (`clicker`: a second click of theirs), it says so, not as someone else's decision. An interrupted
 * one is told as its thread tells it (what to do about what it may have changed); `changedSince`: a plan that changed
 * its database after it was made. `atTerminal`: said at a terminal (a typed name's click), whose advice names the CLI's
 * commands rather than Slack's buttons.
 */
export function notPending(run: Run, clicker?: string, changedSince?: ChangedSince, asked?: 'approve' | 'reject', now = new Date(), atTerminal = atTerminalOf(clicker)): Said {
  if (!run.needsApproval) return said`${run.id} is a ${run.kind}, which runs without an approval: only a plan waiting for one can be approved or rejected`;
  if (clicker !== undefined && clicker === run.decidedBy && (run.status === 'rejected' || (run.decidedAt && run.status !== 'expired' && run.status !== 'interrupted'))) {
    const verb = run.status === 'rejected' ? 'rejected' : 'approved';
    // Why a Reject after one's own approval does nothing is said to a Reject click only: to a second Approve it is noise.
    const after = run.status === 'rejected' ? ` (nothing of it ran): to run it, ${proposeAgain(run, { typed: true, atTerminal })}` : asked === 'reject' ? ' (a plan once approved is not stopped by Reject: its rollback undoes what it changed)' : '';
    // What became of it since is said to its approver as to anyone else: running, or how it ended.
    const since = run.status === 'rejected' ? '' : sinceApproved(run);
    return said`this plan was already ${verb} at ${utcTime(run.decidedAt ?? run.proposedAt)}, by the same person asking again now${since}; nothing more was done${after}`;
  }
  switch (run.status) {
    case 'rejected':
      return said`this plan was already rejected by ${person(run.decidedBy)} at ${utcTime(run.decidedAt ?? run.proposedAt)}, and nothing of it ran: to run it, ${proposeAgain(run, { typed: true, atTerminal })}`;
    case 'expired':
      return [expiredSaid(run, now, changedSince, atTerminal)];
    case 'interrupted':
      return ['this plan was interrupted: ', ...interruptedWhy(run, changedSince)];
    default:
      return said`this plan was already approved by ${person(run.decidedBy)} at ${utcTime(run.decidedAt ?? run.proposedAt)}${sinceApproved(run)}`;
  }
}

/** What became of an approved plan since, as its thread tells it: a click on it is not told it is about to run. */
function sinceApproved(run: Run): string {
  switch (run.status) {
    case 'running':
      return ', and it is running now';
    case 'succeeded':
      return ', and it ran and succeeded';
    case 'failed':
      return `, and it ran and ${endedWords(run) === 'failed' ? 'failed' : 'ended, its outcome unknown'}: its thread says what it changed and what to do next`;
    default:
      return '';
  }
}

/** Which plans the two-person rule holds for, in words: "a plan with destructive steps", say. */
export function teammateRule(run: Pick<Run, 'destructive' | 'teammateBecause'>): string {
  if (run.destructive) return 'a plan with destructive steps';
  return run.teammateBecause ? `a plan that ${run.teammateBecause}` : "a plan its runbook gives to a teammate's approval";
}

/** Why a plan needs a teammate, as a sentence's start: "It has destructive steps", say (`plan`: what the sentence calls it). */
export function teammateWhy(run: Pick<Run, 'destructive' | 'teammateBecause'>, plan = 'It'): string {
  if (run.destructive) return `${plan} has destructive steps`;
  return run.teammateBecause ? `${plan} ${run.teammateBecause}` : 'Its runbook asks for a teammate';
}

/**
 * Who may approve a plan that needs a teammate, as checkApproval decides it under the rule in force, for the plan's
 * header; undefined for any other plan. With DATABOX_ALLOW_SELF_APPROVAL on, the requester may approve it too.
 */
export function teammateRuleLine(run: Pick<Run, 'destructive' | 'needsTeammate' | 'teammateBecause'>, allowSelfApproval: boolean): string | undefined {
  if (!run.needsTeammate) return undefined;
  const why = teammateWhy(run);
  return allowSelfApproval
    ? `${why}, but DATABOX_ALLOW_SELF_APPROVAL is on: its requester may approve it too.`
    : `${why}: someone other than the requester must approve it.`;
}

/**
 * `changedSince`: a plan that changed this one's database after it was made, said to a click on it (notPending);
 * `memberOf`: the user groups of the approvers Slack says the actor is in (isApprover).
 */
export function checkApproval(run: Run, actor: string, hash: string, now: Date, policy: ApprovalPolicy, changedSince?: ChangedSince, memberOf: readonly string[] = []): Decision {
  if (hash !== run.hash) return { ok: false, reason: said`this button belongs to a different version of the plan; nothing was run` };
  if (run.status !== 'pending') return { ok: false, reason: notPending(run, actor, changedSince, 'approve', now) };
  if (run.expiresAt && now.getTime() > Date.parse(run.expiresAt)) {
    return { ok: false, reason: [expiredSaid(run, now, changedSince, atTerminalOf(actor))], expired: true };
  }
  if (run.needsTeammate && couldBeSamePerson(actor, run.requestedBy) && !policy.allowSelfApproval) {
    const spelling = actor === run.requestedBy ? [] : said` (${person(actor)} is another spelling of ${person(run.requestedBy)}, who requested it)`;
    return { ok: false, reason: [...said`${teammateRule(run)} must be approved by someone other than the person who requested it`, ...spelling] };
  }
  if (!isApprover(policy, actor, memberOf)) return { ok: false, reason: onlyApprovers(policy, 'approve plans') };
  return { ok: true };
}

/**
 * Who may unlock a stuck run: an unlock lets another plan change the database, so it is approved like a plan with
 * destructive steps, by someone other than the person asking (and one of DATABOX_APPROVERS when that is set;
 * `memberOf` as for checkApproval).
 */
export function checkUnlock(requester: string, approver: string, policy: ApprovalPolicy, memberOf: readonly string[] = []): Decision {
  if (couldBeSamePerson(approver, requester) && !policy.allowSelfApproval) {
    const spelling = approver === requester ? [] : said`; ${person(approver)} is another spelling of that name`;
    return { ok: false, reason: [...said`an unlock lets another plan change the database, so it must be approved by someone other than the person who asks for it (${person(requester)}`, ...spelling, ')'] };
  }
  if (!isApprover(policy, approver, memberOf)) return { ok: false, reason: onlyApprovers(policy, 'approve an unlock') };
  return { ok: true };
}

export function checkRejection(run: Run, actor: string, hash: string, now: Date, policy: ApprovalPolicy, changedSince?: ChangedSince, memberOf: readonly string[] = []): Decision {
  if (hash !== run.hash) return { ok: false, reason: said`this button belongs to a different version of the plan` };
  if (run.status !== 'pending') return { ok: false, reason: notPending(run, actor, changedSince, 'reject', now) };
  if (run.expiresAt && now.getTime() > Date.parse(run.expiresAt)) {
    return { ok: false, reason: said`this plan expired ${atUtc(run.expiresAt, now.toISOString())}; nothing to reject`, expired: true };
  }
  // Another plan changed its database: it can never run, and its message says why; a rejection would only hide that.
  if (changedSince) {
    const whatNow = changedSince.whatNow ?? expiredWhatNow(run);
    const self = ownNumber(run, changedSince.id);
    // Dagster's schedules, or the marts alone, where that plan changed no more than that.
    const changed = changedSince.changed === undefined || changedSince.changed === 'its database' ? 'the database' : changedSince.changed;
    return { ok: false, reason: said`this plan (${self}) can no longer be approved, so there is nothing to reject: plan ${changedSince.id} (${changedSince.title}) changed ${changed} after ${self} was made. Nothing of ${self} ran, and ${self} expires by itself. ${asSentence(whatNow)}` };
  }
  const mayReject = samePerson(actor, run.requestedBy) || isApprover(policy, actor, memberOf);
  if (!mayReject) return { ok: false, reason: said`only the requester or an approver may reject this plan` };
  return { ok: true };
}

/** A plan whose path has no rollback, said before it is approved: once it ran, nothing the bot offers undoes it. */
export function noRollbackWarning(run: Pick<Run, 'noRollback'>): string | undefined {
  return run.noRollback ? 'This path has no rollback: once it ran, nothing the bot offers undoes what it changes (the path\'s description says what it keeps instead).' : undefined;
}

/**
 * What approving a plan does to the plans that wait beside it on the same database, in words: `others`, those waiting
 * now (plansItWouldVoid), or by default those that waited when it was proposed (Run.overtakes).
 */
export function overtakesWarning(run: Pick<Run, 'overtakes'>, others: readonly { id: string; title: string }[] = run.overtakes ?? []): string | undefined {
  if (others.length === 0) return undefined;
  const one = others.length === 1;
  return `Once this plan runs, ${others.map((o) => `plan ${o.id} (${o.title})`).join(', ')}, waiting for approval, can no longer be approved: it changes the database ${one ? 'that plan was' : 'those plans were'} made on.`;
}
