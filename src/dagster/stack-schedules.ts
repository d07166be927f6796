// The stack's own schedules when Dagster lists several repositories (no DAGSTER_LOCATION): those of the repositories holding the stack's jobs.
import { orList } from '../or-list.js';
import type { DagsterEvidence } from './evidence.js';

export interface StackSchedules {
  /** The evidence the verdict is made on: the other repositories' schedules left out, their unreadable ones not the stack's. */
  evidence: DagsterEvidence;
  /** What was left out, and why, for the verdict's notes. */
  notes: string[];
}

/** Which repositories' schedules are the stack's, by the jobs each holds: the one decision the diagnosis and the plan's start both read. */
export interface StackRepositories {
  /** all: every repository counts (no stack jobs, fewer than two repositories listed); none-holds: none holds a stack job, so every one counts too. */
  counted: 'all' | 'none-holds' | 'holding';
  /** The repositories (repository@code-location) holding one of the stack's jobs. */
  holding: string[];
  /** Whether a schedule of this repository is the stack's: one holding its jobs, or one whose jobs the webserver did not list. */
  ours(repository: string | undefined): boolean;
}

/**
 * Without DAGSTER_LOCATION every repository's schedules are read, another team's too: one of theirs paused on purpose
 * would be "our schedules paused", proposed to start, with our job backfilled. The repositories that hold one of the
 * stack's jobs (the job the recovery backfills) are the stack's. A repository whose jobs the webserver did not list may
 * be the stack's. Where it listed no repository's jobs, or a single repository's, or none holds the stack's jobs, every
 * repository counts.
 */
export function stackRepositories(listed: Readonly<Record<string, readonly string[]>>, stackJobs: readonly string[]): StackRepositories {
  const repositories = Object.keys(listed);
  if (stackJobs.length === 0 || repositories.length < 2) return { counted: 'all', holding: [], ours: () => true };
  const holding = repositories.filter((repository) => listed[repository]?.some((job) => stackJobs.includes(job)));
  if (holding.length === 0) return { counted: 'none-holds', holding, ours: () => true };
  return { counted: 'holding', holding, ours: (repository) => repository === undefined || holding.includes(repository) || listed[repository] === undefined };
}

/**
 * The diagnosis' schedules, the stack's alone (stackRepositories): a STOPPED one elsewhere is a note naming where it is,
 * and where none holds the stack's jobs (said in a note) every schedule counts, as before.
 */
export function stackSchedules(evidence: DagsterEvidence, stackJobs: readonly string[]): StackSchedules {
  const listed = evidence.repositoryJobs ?? {};
  const { counted, holding: stacks, ours } = stackRepositories(listed, stackJobs);
  if (counted === 'all') return { evidence, notes: [] };
  const jobs = orList(stackJobs.map((job) => `job ${job}`));
  if (counted === 'none-holds') {
    return { evidence, notes: [`no repository Dagster lists holds ${jobs}, so every repository's schedules are counted as the stack's: set DAGSTER_LOCATION to the stack's code location`] };
  }
  const others = (evidence.schedules ?? []).filter((s) => !ours(s.repository));
  const notes = others
    .filter((s) => s.status === 'STOPPED')
    .map((s) => `schedule ${s.name} in ${s.repository} is STOPPED: not the stack's (its repository holds no ${jobs}, which ${stacks.join(', ')} holds), so left off and not proposed to start`);
  return {
    evidence: {
      ...evidence,
      schedules: evidence.schedules?.filter((s) => ours(s.repository)),
      // One whose jobs Dagster listed without the stack's is another team's: its error is a note, not a doubt on ours.
      unreadableRepositories: evidence.unreadableRepositories?.map((u) => (listed[u.repository] && !stacks.includes(u.repository) ? { ...u, ours: false } : u)),
    },
    notes,
  };
}
