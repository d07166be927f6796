// What "/databox status" and the terminal's `status` report, as data each front end renders: what holds a database, what
// waits for approval, the latest incidents.
import os from 'node:os';
import { describeIdentity, liveness } from '../process/identity.js';
import { changedBeforeStopping, firstFailure } from '../engine/step-passed.js';
import { cleanupEnded, endedWords, rolledBackWords, runLabel } from './run-label.js';
import type { Incident, IncidentState, Run } from './state.js';

export interface StatusReport {
  /** Mutating plans that hold their database: approved and about to start, or running. */
  holding: Run[];
  /** Plans waiting for an approval that has not expired, and whose database nothing has changed since. */
  waiting: Run[];
  /** Plans still pending but no longer approvable: another plan changed their database since (an approval is refused). */
  outdated: { run: Run; changedBy: Run }[];
  /**
   * Databases a recovery or rollback left part-way: the latest mutating run on each ended failed or interrupted after
   * changing it, and nothing has run on it since. What they changed is what the database holds now.
   */
  unsettled: { run: Run; changed: { title: string; summary: string; partly?: true }[] }[];
  /** The latest incidents, newest first. */
  recent: Incident[];
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

export function statusReport(state: IncidentState, now: Date, recentCount = 5): StatusReport {
  const runs = [...state.runs.values()];
  const pending = runs.filter((r) => r.status === 'pending' && r.needsApproval && (!r.expiresAt || Date.parse(r.expiresAt) > now.getTime()));
  // The same test an approval makes (approvals.ts): a plan made before another changed its database is refused.
  const changedBy = (r: Run) => state.staleBy(r);
  return {
    holding: runs.filter((r) => r.status === 'running' || r.status === 'approved'),
    waiting: pending.filter((r) => !changedBy(r)),
    outdated: pending.flatMap((r) => {
      const by = changedBy(r);
      return by ? [{ run: r, changedBy: by }] : [];
    }),
    unsettled: leftPartWay(runs),
    recent: [...state.incidents.values()].slice(-recentCount).reverse(),
  };
}

/** For each database, its latest mutating run that started, when that one stopped part-way having changed something. */
function leftPartWay(runs: readonly Run[]): StatusReport['unsettled'] {
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

/** Why a database is listed as left part-way, in one line: the run, how it ended, what it changed, and what to read first. */
export function leftPartWayLine(entry: StatusReport['unsettled'][number], readFirst: string): string {
  const { run, changed } = entry;
  const failed = firstFailure(run.steps, run.results);
  const step = failed ? run.steps.find((s) => s.id === failed.stepId)?.title : undefined;
  const ended = run.status === 'interrupted' ? 'was interrupted' : `failed${step ? ` at "${step}"` : ''}`;
  const titles = (partly: boolean) => changed.filter((c) => Boolean(c.partly) === partly).map((c) => c.title).join(', ');
  const what = [titles(false) && `it changed: ${titles(false)}`, titles(true) && `it may have done part of: ${titles(true)}`].filter(Boolean).join('; ');
  return `${run.kind} ${run.id} (${run.title}) ${ended}; ${what}; no change has run on ${run.lockKey} since: ${readFirst} before anything else`;
}

/**
 * What became of an incident, for the status's list of latest incidents: its verdict and where it stands since, or why
 * it was abandoned. `report` is the status it is listed in, so a plan is called waiting only where it is listed so.
 */
export function incidentOutcome(incident: Incident, escape: (text: string) => string, report: Pick<StatusReport, 'waiting' | 'outdated'>): string {
  if (incident.abandoned) return `, abandoned before anything ran: ${escape(incident.abandoned.reason)}`;
  const verdict = incident.diagnosis ? `, verdict: ${escape(incident.diagnosis.title)}` : '';
  // Where it stands since (a recovery that ran, a validation that failed): a handover reads this line first.
  const now = whereItStands(incident, report);
  return `${verdict}${now ? `; now: ${escape(now)}` : ''}`;
}

/**
 * An incident's latest plan or run that says where it stands, newest first: a plan waiting (as the status lists it),
 * one no longer approvable, one approved and about to start, or a run that started (a recovery, a validation, a
 * rollback) as it ended or runs. A rejected or expired plan, or a rollback's inspection, changed nothing: passed over.
 */
function whereItStands(incident: Incident, report: Pick<StatusReport, 'waiting' | 'outdated'>): string | undefined {
  const runs = incident.runs.filter((r) => r.kind !== 'diagnosis' && r.kind !== 'inspection');
  // Where it stood before a cleanup that ended, then the cleanup.
  const last = runs.at(-1);
  if (last && cleanupEnded(last)) {
    const before = whereItStands({ ...incident, runs: incident.runs.filter((r) => r.id !== last.id) }, report);
    return `${before ? `${before}; then ` : ''}cleanup ${endedWords(last)} (${last.id})`;
  }
  for (const run of [...runs].reverse()) {
    if (report.waiting.some((r) => r.id === run.id)) return `a plan waiting for approval (${run.id})`;
    if (report.outdated.some((o) => o.run.id === run.id)) return `a plan no longer approvable (${run.id})`;
    if (run.status === 'approved') return `a plan approved, about to start (${run.id})`;
    if (run.kind === 'rollback' && run.status === 'succeeded') return `${rolledBackWords} (${run.id})`;
    if (run.startedAt !== undefined) return `${runLabel(run).toLowerCase()} ${endedWords(run)} (${run.id})`;
  }
  return undefined;
}

/** Why an outdated plan can no longer be approved, in one line. */
export function outdatedReason(entry: StatusReport['outdated'][number]): string {
  const how = entry.changedBy.status === 'running' || entry.changedBy.status === 'approved' ? 'is changing it' : 'changed it';
  return `its database changed since it was made (plan ${entry.changedBy.id} ${how}): diagnose again and propose a new plan`;
}
