// The stack's code locations and code servers that failed while the webserver answered: what a "could not be read" verdict is then about, not the webserver.
import type { DagsterEvidence } from './evidence.js';

/** Dagster's words when a tick or run cannot reach the code server (DagsterUserCodeUnreachableError and its message). */
export const unreachableCode = /UserCodeUnreachable|could not reach user code server/i;

/**
 * What of the stack's code failed, each said with its error's first line: a code location that failed to load, a
 * repository whose schedules Dagster answered an error for (a PythonError, RepositoryNotFoundError), a schedule whose
 * last tick could not reach its code server. Empty when none did, or when the webserver's daemons were not read (it may
 * not have answered at all: then it is the webserver to look at).
 */
export function codeFailures(evidence: DagsterEvidence): string[] {
  if (evidence.source !== 'graphql' || evidence.daemons === undefined) return [];
  const locations = (evidence.unloadedLocations ?? []).filter((l) => l.ours && l.error !== 'still loading').map((l) => `code location ${l.name}, which failed to load (${l.error})`);
  const repositories = (evidence.unreadableRepositories ?? []).filter((u) => u.ours).map((u) => `the code location or code server of ${u.repository}, whose schedules Dagster could not read (${u.error})`);
  const ticks = (evidence.schedules ?? [])
    .filter((s) => s.status === 'RUNNING' && s.lastTickStatus === 'FAILURE' && s.lastTickError && unreachableCode.test(s.lastTickError))
    .map((s) => `the code server of ${s.repository ?? `schedule ${s.name}`}, which schedule ${s.name}'s last tick could not reach (${s.lastTickError})`);
  return [...locations, ...repositories, ...ticks];
}
