// Why Dagster lists none of the stack's schedules, as the schedules watcher says it: a code location that failed to load, or a deploy.
import { noStackSchedule, type DagsterEvidence } from '../dagster/evidence.js';
import { DagsterError, type DagsterClient, type UnloadedLocation } from '../dagster/graphql-client.js';
import { orList } from '../or-list.js';
import type { Finding } from './finding.js';

const base = { watcher: 'schedules' as const, scenario: 'schedule' as const };

/**
 * The stack's code locations not loaded, or why that is unknown. The watchers ask the webserver alone, which leaves the
 * code locations out: asked here, once, only when the list is empty (a failed location lists no repository at all).
 */
async function stackLocationsUnloaded(probed: DagsterEvidence, client: DagsterClient | undefined): Promise<{ unloaded: UnloadedLocation[] } | { unknown: string }> {
  if (probed.unloadedLocations) return { unloaded: probed.unloadedLocations.filter((l) => l.ours) };
  if (!client) return { unknown: 'the code locations were not asked for' };
  try {
    return { unloaded: (await client.unloadedLocations()).filter((l) => l.ours) };
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return { unknown: error.message.trim().split('\n')[0]?.slice(0, 300) ?? '' };
  }
}

/**
 * What an empty list of the stack's schedules is: a code location of the stack that failed to load (whatever
 * runsOnSensors says: its sensors do not run either), one still loading (cannot tell yet), or, every one loaded, no
 * schedule (an outage unless the stack runs on sensors: undefined then, for the caller's healthy line).
 */
export async function noScheduleListed(probed: DagsterEvidence, client: DagsterClient | undefined, jobs: readonly string[], runsOnSensors: boolean, leftOff: string[]): Promise<Finding | undefined> {
  const nothingLaunches = `nothing launches ${jobs.length > 0 ? orList(jobs.map((job) => `job ${job}`)) : "the stack's jobs"}`;
  const locations = await stackLocationsUnloaded(probed, client);
  if ('unloaded' in locations) {
    const failed = locations.unloaded.filter((l) => l.error !== 'still loading');
    if (failed.length > 0) {
      return {
        ...base,
        state: 'problem',
        summary: `Dagster lists no schedule for the stack: ${failed.map((l) => `code location ${l.name} failed to load: ${l.error}`).join('; ')}`,
        details: [
          `Dagster lists no schedule or sensor of a code location that failed to load, so ${nothingLaunches} until it loads: its error is under Deployment → Code locations in Dagster, more in its code server's log; once it loads, its schedules are listed again`,
          ...leftOff,
        ],
        problem: `code location failed: ${failed.map((l) => l.name).join(', ')}`,
      };
    }
    if (locations.unloaded.length > 0) {
      return { ...base, state: 'unknown', summary: `Dagster lists no schedule for the stack while code location ${locations.unloaded.map((l) => l.name).join(', ')} is still loading`, details: leftOff };
    }
  }
  if (runsOnSensors) return undefined;
  const why =
    'unloaded' in locations
      ? noStackSchedule
      : `Dagster lists no schedule for the stack, and whether its code location loaded is unknown (${locations.unknown}): a code location that failed to load lists none, and a deploy may have dropped or renamed it; ` +
        'if the stack runs on sensors, set `runsOnSensors: true` on the dagster-health step of runbooks/schedule.yml';
  return { ...base, state: 'problem', summary: `Dagster lists no schedule for the stack: ${nothingLaunches} on a schedule`, details: [why, ...leftOff], problem: 'no schedule listed' };
}
