// What "/databox status" and the terminal's `status` report, as data each front end renders: what holds a database, what
// waits for approval, the incidents that still need someone and the latest others.
import os from 'node:os';
import { describeIdentity, liveness } from '../process/identity.js';
import { changedBeforeStopping, firstFailure, writesOnlyBeside } from '../engine/step-passed.js';
import { interruptedValidationSaid } from './interrupted-validation.js';
import { cleanupEnded, endedWords, outcomeUnknown, rolledBackWords, runLabel } from './run-label.js';
import type { Diagnosis, Incident, IncidentState, Run } from './state.js';
import { olderVerdictBlocking, olderVerdictWords } from './older-diagnosis-plan.js';
import type { Runbook } from '../runbook/schema.js';
import { validatedElsewhere } from './recovered-elsewhere.js';
import { undoneByOthers } from './recoveries-undone.js';
import { partOfWindow } from './part-of-window.js';
import { standingRuns } from './standing-runs.js';
import { outdatedWhatNow } from './outdated-what-now.js';
import { recoveredSince, sameDiagnosisKey, type RecoveredSince } from './recovered-since.js';
import { followUpVerdicts, verdictOfRecord } from './verdict-of-record.js';
import { changedByPlanOf } from './changed-by-plan.js';

export interface StatusReport {
  /** Mutating plans that hold their database: approved and about to start, or running. */
  holding: Run[];
  /** Plans waiting for an approval that has not expired, and whose database nothing has changed since. */
  waiting: Run[];
  /** Plans still pending but no longer approvable: another plan changed their database since (an approval is refused). */
  outdated: { run: Run; changedBy: Run; whatNow: string }[];
  /** Plans still pending but no longer approvable: made on an older verdict of their incident, diagnosed again since. */
  olderVerdict: { run: Run; newer: Diagnosis }[];
  /**
   * Databases a recovery or rollback left part-way: the latest mutating run on each ended failed or interrupted after
   * changing it, and nothing has run on it since. What they changed is what the database holds now.
   */
  unsettled: { run: Run; changed: { title: string; summary: string; partly?: true; elsewhere?: string }[] }[];
  /**
   * The incidents listed: every unfinished one (see `unfinished`), then the others by their last activity, to make five
   * in all when there are fewer; a burst of settled ones (five mistyped diagnoses) never hides one that needs someone.
   */
  recent: Incident[];
  /** Of `recent`, the unfinished ones (they come first), by id. */
  unfinished: ReadonlySet<string>;
  /** How many incidents were left out of `recent`: all of them settled. */
  leftOut: number;
  /**
   * Of the incidents' validations that passed over a recovery of another source than diagnosed, what the
   * postmortem says of each ("not recovered: …"), by the validation's id: where that incident stands is not a success.
   */
  validatedElsewhere: ReadonlyMap<string, string>;
  /**
   * Of the incidents' runs from a recovery on, those another incident's recovery undid since by going back to a moment
   * before it: what is said of each ("not recovered: plan … went back to …"), by run id.
   */
  undoneElsewhere: ReadonlyMap<string, string>;
  /**
   * Incidents a later diagnosis of the same scenario, with the same parameters, found healthy (no problem, nothing to
   * offer): by id, that diagnosis' incident and time. Fixed by hand or by itself since, such an incident needs no one.
   */
  healthySince: ReadonlyMap<string, { incident: string; at: string }>;
  /**
   * Incidents a later incident fixed since (recovered-since.ts): its recovery of the same scenario, with the same
   * parameters, on the same database, stands and its validation passed. By id, that incident, its recovery and when
   * its validation passed. Rolled back or left unrecovered a while ago, such an incident needs no one either.
   */
  recoveredSince: ReadonlyMap<string, RecoveredSince>;
}

/**
 * For a run that holds its database as running while the process that ran it is provably gone (killed with -9, its
 * terminal closed without a stop), what clears it; the same for one run on another host, whose process this one cannot
 * see (a container since recreated under a new hostname, or another bot that still runs it); undefined otherwise. A bot
 * clears the first kind when it starts again, never the second.
 */
export function goneRunnerHint(run: Run, unlockCommand: string): string | undefined {
  if (run.status !== 'running' || !run.runner) return undefined;
  const clears = `\`${unlockCommand}\` clears it, with a second person's approval`;
  switch (liveness(run.runner)) {
    case 'dead': {
      // What it started may run on without it (a full refresh goes on after its CLI was killed): said, as unlock stops it.
      const left = (run.processes ?? []).filter((p) => p.pid !== process.pid && p.start !== undefined && liveness(p) === 'alive');
      const still = left.length > 0 ? `, but what it started still runs: ${left.map((p) => `${p.argv.join(' ')} (${describeIdentity(p)})`).join(', ')}; let it end, or an unlock stops it:` : ':';
      return `its process (PID ${run.runner.pid}) is gone${still} ${clears}`;
    }
    case 'unknown':
      return `it was started on host ${run.runner.host}, whose processes this one (${os.hostname()}) cannot see: if nothing there runs it any more (a container since recreated), ${clears}`;
    case 'alive':
      return undefined;
  }
}

/** How many incidents the status lists at least, unfinished ones or not. */
const recentCount = 5;

/** Plans waiting for an approval that has not expired at `now`. */
function pendingAt(runs: readonly Run[], now: Date): Run[] {
  return runs.filter((r) => r.status === 'pending' && r.needsApproval && (!r.expiresAt || Date.parse(r.expiresAt) > now.getTime()));
}

/**
 * Plans still pending at `now` but no longer approvable, with the run that changed their database since: the same test
 * an approval makes (approvals.ts). For the sweep, which needs only these, without the rest of the status.
 */
export function outdatedPlans(state: IncidentState, now: Date, runbookOf: (scenario: string) => Runbook | undefined): StatusReport['outdated'] {
  return pendingAt([...state.runs.values()], now).flatMap((r) => {
    const by = state.staleBy(r);
    return by ? [{ run: r, changedBy: by, whatNow: outdatedWhatNow(state, r, by, runbookOf) }] : [];
  });
}

/** `runbookOf`: a scenario's runbook, to tell a recovery of another source than diagnosed (without it, not told). */
export function statusReport(state: IncidentState, now: Date, runbookOf: (scenario: string) => Runbook | undefined = () => undefined): StatusReport {
  const runs = [...state.runs.values()];
  const incidents = [...state.incidents.values()];
  const outdated = outdatedPlans(state, now, runbookOf);
  const olderVerdict = pendingAt(runs, now).flatMap((run) => {
    const incident = state.incidents.get(run.incidentId);
    const newer = incident && olderVerdictBlocking(incident, run);
    return newer ? [{ run, newer }] : [];
  });
  const notApprovable = new Set([...outdated, ...olderVerdict].map((o) => o.run.id));
  const parts = {
    holding: runs.filter((r) => r.status === 'running' || r.status === 'approved'),
    waiting: pendingAt(runs, now).filter((r) => !notApprovable.has(r.id)),
    outdated,
    olderVerdict,
    unsettled: databasesLeftPartWay(runs),
    validatedElsewhere: new Map(
      incidents.flatMap((incident) =>
        incident.runs.flatMap((run) => {
          const said = validatedElsewhere(incident, run, () => runbookOf(incident.scenario)?.parameters);
          return said ? [[run.id, said] as const] : [];
        }),
      ),
    ),
    undoneElsewhere: undoneByOthers(state),
  };
  const activity = new Map(incidents.map((incident) => [incident.id, lastActivity(incident)]));
  const stands = state.standingRecoveries();
  const flagged = (run: Run) => parts.validatedElsewhere.has(run.id) || parts.undoneElsewhere.has(run.id);
  const withHealthy = {
    ...parts,
    healthySince: healthySince(incidents, activity),
    recoveredSince: recoveredSince(incidents, activity, (run) => stands(run) && !writesOnlyBeside(run.steps), flagged),
  };
  const latestFirst = (a: Incident, b: Incident) => (activity.get(b.id) as string).localeCompare(activity.get(a.id) as string);
  const open = incidents.filter((incident) => unfinished(incident, withHealthy)).sort(latestFirst);
  const openIds = new Set(open.map((incident) => incident.id));
  const settled = incidents.filter((incident) => !openIds.has(incident.id)).sort(latestFirst);
  const recent = [...open, ...settled.slice(0, Math.max(0, recentCount - open.length))];
  return { ...withHealthy, recent, unfinished: openIds, leftOut: incidents.length - recent.length };
}

/**
 * For each incident, the latest later diagnosis of its scenario with the same parameters that found nothing wrong.
 * Those diagnoses are grouped by scenario and parameters, newest first, once: each incident reads only its group's, and
 * stops at the first that is not its own.
 */
function healthySince(incidents: readonly Incident[], activity: ReadonlyMap<string, string>): Map<string, { incident: string; at: string }> {
  const healthy = new Map<string, { id: string; at: string }[]>();
  for (const h of incidents) {
    if (!h.diagnosis || h.diagnosis.severity !== 'ok' || h.diagnosis.paths.length > 0) continue;
    const key = sameDiagnosisKey(h.scenario, h.diagnosis.params ?? {});
    const group = healthy.get(key) ?? [];
    group.push({ id: h.id, at: h.diagnosis.at ?? '' });
    healthy.set(key, group);
  }
  // Newest first; of two at the same time, the one first in the journal.
  for (const group of healthy.values()) group.sort((a, b) => b.at.localeCompare(a.at));
  const found = new Map<string, { incident: string; at: string }>();
  for (const incident of incidents) {
    const diagnosis = incident.diagnosis;
    if (!diagnosis || incident.abandoned) continue;
    const since = activity.get(incident.id) as string;
    const later = healthy.get(sameDiagnosisKey(incident.scenario, diagnosis.params ?? {}))?.find((h) => h.id !== incident.id || h.at <= since);
    if (later && later.at > since) found.set(incident.id, { incident: later.id, at: later.at });
  }
  return found;
}

/** How recently an unfinished incident with nothing under way must have seen something happen to count as worked on. */
export const WORKED_ON_WITHIN_MS = 60 * 60_000;

/**
 * The incident of `scenario` someone is working on, if any: unfinished, and either with a plan waiting or a run under
 * way, or with something done in it within the last hour (a diagnosis left a week ago is no one's work now: a new alert
 * then opens its own incident).
 */
export function unfinishedIncidentOf(report: Pick<StatusReport, 'recent' | 'unfinished'>, scenario: string, now: Date): Incident | undefined {
  const workedOn = (incident: Incident) =>
    incident.runs.some((r) => (r.status === 'pending' && (!r.expiresAt || Date.parse(r.expiresAt) > now.getTime())) || r.status === 'approved' || r.status === 'running') ||
    now.getTime() - Date.parse(lastActivity(incident)) <= WORKED_ON_WITHIN_MS;
  return report.recent.find((incident) => report.unfinished.has(incident.id) && incident.scenario === scenario && workedOn(incident));
}

/** When anything last happened in an incident: it opened, was diagnosed, or a plan of it was proposed, decided, started or ended. */
function lastActivity(incident: Incident): string {
  const times = [incident.openedAt, incident.diagnosis?.at, incident.abandoned?.at, ...incident.runs.flatMap((r) => [r.proposedAt, r.decidedAt, r.startedAt, r.finishedAt])];
  return times.reduce<string>((latest, at) => (at !== undefined && at > latest ? at : latest), '');
}

/**
 * Whether an incident still needs someone: a run under way, a plan waiting (or approved, or no longer approvable), a
 * database it left part-way, where it stands not recovered (a recovery or validation that failed, a rollback, a
 * validation of another source), or a verdict that offered a recovery nobody has planned. Abandoned, a verdict that
 * offered none (healthy, or a refusal such as a snapshot name mistyped), and a recovery that stood are settled.
 */
function unfinished(incident: Incident, report: Pick<StatusReport, 'waiting' | 'outdated' | 'olderVerdict' | 'unsettled' | 'validatedElsewhere' | 'undoneElsewhere' | 'healthySince' | 'recoveredSince'>): boolean {
  if (incident.abandoned) return false;
  if (incident.runs.some((r) => r.status === 'running' || r.status === 'approved')) return true;
  if (report.unsettled.some((u) => u.run.incidentId === incident.id)) return true;
  const stands = whereItStands(incident, report);
  // Nothing waits or runs in it, and after everything it did a later diagnosis found the database healthy, or a later
  // incident recovered it and that recovery's validation passed.
  if (foundHealthy(incident, report, stands) || fixedSince(incident, report, stands)) return false;
  return stands ? stands.open : (incident.diagnosis?.paths.length ?? 0) > 0;
}

/**
 * For each database, its latest mutating run that started, when that one stopped part-way having changed something. For
 * the database watcher too, which asks this of each database it checks, without the rest of the status.
 */
export function databasesLeftPartWay(runs: Iterable<Run>): StatusReport['unsettled'] {
  const latest = new Map<string, Run>();
  for (const run of runs) {
    if (!run.mutates || !run.startedAt) continue;
    const before = latest.get(run.lockKey);
    if (!before || run.startedAt > (before.startedAt ?? '')) latest.set(run.lockKey, run);
  }
  return [...latest.values()].flatMap((run) => {
    if (run.status !== 'failed' && run.status !== 'interrupted') return [];
    const changed = changedBeforeStopping(run.steps, run.results);
    return changed.length > 0 ? [{ run, changed }] : [];
  });
}

/**
 * Why a database is listed as left part-way, in one line: the run, how it ended, what it changed, and what to read first.
 * `database` names it: the whole path at a terminal; Slack, where the server's paths stay out, gives its file's name.
 */
export function leftPartWayLine(entry: StatusReport['unsettled'][number], readFirst: string, database = entry.run.lockKey): string {
  const { run, changed } = entry;
  const failed = firstFailure(run.steps, run.results);
  const step = failed ? run.steps.find((s) => s.id === failed.stepId)?.title : undefined;
  const at = step ? ` at "${step}"` : '';
  // A run stopped by Ctrl-C or the bot stopping ends failed, its step interrupted: said as interrupted, at that step.
  const ended = run.status === 'interrupted' ? 'was interrupted' : failed?.status === 'interrupted' ? `was interrupted${at}` : outcomeUnknown(run) ? `ended${at}, its outcome unknown` : `failed${at}`;
  const titles = (partly: boolean) => changed.filter((c) => Boolean(c.partly) === partly).map((c) => c.title).join(', ');
  const what = [titles(false) && `it changed: ${titles(false)}`, titles(true) && `it may have done part of: ${titles(true)}`].filter(Boolean).join('; ');
  // A run that changed only Dagster (its daemon, its schedules) left nothing part-way in the database it holds.
  const elsewhere = changed.every((c) => c.elsewhere) ? [...new Set(changed.map((c) => c.elsewhere))].join(' and ') : undefined;
  const where = elsewhere ? `what it changed is ${elsewhere}, not the data in ${database}` : `no change has run on ${database} since`;
  return `${run.kind} ${run.id} (${run.title}) ${ended}; ${what}; ${where}: ${readFirst} before anything else`;
}

/**
 * What became of an incident, for the status's list of latest incidents: its verdict and where it stands since, or why
 * it was abandoned. `report` is the status it is listed in, so a plan is called waiting only where it is listed so.
 */
export function incidentOutcome(incident: Incident, escape: (text: string) => string, report: Pick<StatusReport, 'waiting' | 'outdated' | 'olderVerdict' | 'validatedElsewhere' | 'undoneElsewhere' | 'healthySince' | 'recoveredSince'>): string {
  if (incident.abandoned) return `, abandoned before anything ran: ${escape(incident.abandoned.reason)}`;
  // The verdict the incident is about, as its postmortem heads it; a diagnosis after its recovery was proposed checks it.
  const ofRecord = verdictOfRecord(incident);
  const checked = followUpVerdicts(incident).at(-1);
  const verdict = `${ofRecord ? `, verdict: ${escape(ofRecord.title)}` : ''}${checked ? `; checked again: ${escape(checked.title)}` : ''}`;
  // Where it stands since (a recovery that ran, a validation that failed): a handover reads this line first.
  const stands = whereItStands(incident, report);
  const now = stands?.said;
  const healthy = foundHealthy(incident, report, stands);
  const found = healthy ? `; found healthy since by ${healthy.incident}'s diagnosis at ${healthy.at.slice(0, 16).replace('T', ' ')} UTC` : '';
  const fixed = fixedSince(incident, report, stands);
  const recovered = fixed ? `; recovered since by ${fixed.incident}'s recovery ${fixed.recovery}, its validation passed at ${fixed.validatedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  return `${verdict}${now ? `; now: ${escape(now)}` : ''}${found}${recovered}`;
}

/**
 * The later diagnosis that found the incident's database healthy, when one did; never beside a plan still waiting or
 * approved: that plan is where it stands, and still someone's to decide.
 */
function foundHealthy(incident: Incident, report: Pick<StatusReport, 'healthySince'>, stands: ReturnType<typeof whereItStands>): { incident: string; at: string } | undefined {
  return stands?.plan ? undefined : report.healthySince.get(incident.id);
}

/** The later incident that recovered the incident's database (recoveredSince), when one did; never beside a plan still to decide. */
function fixedSince(incident: Incident, report: Pick<StatusReport, 'recoveredSince'>, stands: ReturnType<typeof whereItStands>): RecoveredSince | undefined {
  return stands?.plan ? undefined : report.recoveredSince.get(incident.id);
}

/**
 * An incident's latest plan or run that says where it stands, newest first: a plan waiting (as the status lists it),
 * one no longer approvable, one approved and about to start, or a run that started (a recovery, a validation, a
 * rollback) as it ended or runs. A rejected or expired plan, or a rollback's inspection, changed nothing: passed over.
 * `open`: it still needs someone (anything but a recovery or validation that succeeded, or a cleanup after one);
 * `plan`: it stands at a plan not yet run (waiting, no longer approvable, or approved).
 */
function whereItStands(incident: Incident, report: Pick<StatusReport, 'waiting' | 'outdated' | 'olderVerdict' | 'validatedElsewhere' | 'undoneElsewhere'>): { said: string; open: boolean; plan?: true } | undefined {
  const runs = standingRuns(incident).filter((r) => r.kind !== 'diagnosis' && r.kind !== 'inspection');
  // Where it stood before a cleanup that ended, then the cleanup.
  const last = runs.at(-1);
  if (last && cleanupEnded(last)) {
    const before = whereItStands({ ...incident, runs: incident.runs.filter((r) => r.id !== last.id) }, report);
    return { said: `${before ? `${before.said}; then ` : ''}cleanup ${endedWords(last)} (${last.id})`, open: Boolean(before?.open) || last.status !== 'succeeded' };
  }
  for (const run of [...runs].reverse()) {
    if (report.waiting.some((r) => r.id === run.id)) return { said: `a plan waiting for approval (${run.id})`, open: true, plan: true };
    if (report.outdated.some((o) => o.run.id === run.id) || report.olderVerdict.some((o) => o.run.id === run.id)) return { said: `a plan no longer approvable (${run.id})`, open: true, plan: true };
    if (run.status === 'approved') return { said: `a plan approved, about to start (${run.id})`, open: true, plan: true };
    if (run.kind === 'rollback' && run.status === 'succeeded') return { said: `${rolledBackWords} (${run.id})`, open: true };
    const elsewhere = report.validatedElsewhere.get(run.id) ?? report.undoneElsewhere.get(run.id);
    if (elsewhere) return { said: `${elsewhere} (${run.id})`, open: true };
    // One part of a longer window built: the days after it are still to backfill, as its validation said.
    if (partOfWindow(run)) return { said: `validation succeeded on one part of the window; the days after it are still to backfill (${run.id})`, open: true };
    // A first stage that succeeded (path A's clone) has recovered nothing yet: its swap is to come.
    // Cut short by a stop or a crash, a validation neither passed nor failed: said so, and who runs it again.
    if (run.kind === 'validation' && run.status === 'interrupted' && run.interruptedBy && run.startedAt !== undefined) return { said: `${interruptedValidationSaid(run)} (${run.id})`, open: true };
    if (run.startedAt !== undefined) return { said: `${runLabel(run).toLowerCase()} ${endedWords(run)} (${run.id})`, open: run.status !== 'succeeded' || Boolean(run.continuesWith) };
  }
  return undefined;
}

/** The incidents the status left out, all settled, and how to read one (no command lists them: each has its own thread). */
export function leftOutText(count: number, postmortemCommand: string): string {
  return `…and ${count} more incident${count === 1 ? '' : 's'}, all settled, not listed: each has its own thread, and \`${postmortemCommand}\` tells one's story.`;
}

/** Why an outdated plan can no longer be approved, in one line. */
export function outdatedReason(entry: StatusReport['outdated'][number]): string {
  const running = entry.changedBy.status === 'running' || entry.changedBy.status === 'approved';
  // A plan that only started Dagster's schedules (or its daemon), or restated the marts, changed no more than that:
  // what it changed is named instead.
  const changed = changedByPlanOf(entry.changedBy);
  if (changed !== 'its database') return `${changed} changed since it was made (plan ${entry.changedBy.id} ${running ? 'is running' : 'ran'}): ${entry.whatNow}`;
  return `its database changed since it was made (plan ${entry.changedBy.id} ${running ? 'is changing it' : 'changed it'}): ${entry.whatNow}`;
}

/** The plans pending but no longer approvable, each with why in one line, as an approval would be refused: what a status lists. */
export function noLongerApprovable(report: Pick<StatusReport, 'outdated' | 'olderVerdict'>): { run: Run; reason: string }[] {
  return [...report.outdated.map((o) => ({ run: o.run, reason: outdatedReason(o) })), ...report.olderVerdict.map((o) => ({ run: o.run, reason: olderVerdictWords(o.run, o.newer) }))];
}
