// Plans of other incidents that changed this incident's database after it opened, and watcher lines naming its runs.
import type { Incident, IncidentState, Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { endedWords } from '../incidents/run-label.js';
import { orStoppedByGuard } from './stopped-by-guard.js';
import { code, plain, utcStamp } from './markdown.js';

/**
 * The runs of other incidents that changed a database this incident's runs were on, started after it opened: its
 * own story may end in a verdict while another incident moved its file away, and the two postmortems say so of each other.
 */
export function otherIncidentsChanges(incident: Incident, state: IncidentState): Run[] {
  const databases = new Set(incident.runs.map((run) => run.lockKey).filter((key) => typeof key === 'string' && key !== ''));
  return [...state.runs.values()]
    .filter((run) => run.incidentId !== incident.id && run.mutates && databases.has(run.lockKey) && run.startedAt !== undefined && run.startedAt >= incident.openedAt)
    .sort((a, b) => (a.startedAt as string).localeCompare(b.startedAt as string));
}

/** One list item per run: when, which plan of which incident, on which database, and how it ended. */
export function otherIncidentsLines(runs: readonly Run[]): string[] {
  return runs.map(
    (run) => `- ${utcStamp(run.startedAt as string)}: ${plain(run.title)} (\`${run.id}\`) of incident \`${run.incidentId}\` changed ${code(run.lockKey)}: ${orStoppedByGuard(run, endedWords(run))}`,
  );
}

/** Whether a watcher's line (no incident of its own) names one of this incident's runs, as "Recovery dbx-…/4 stopped part-way on it" does. */
export function watcherLineNames(record: JournalRecord, incidentId: string): boolean {
  if (record.incident !== null || !record.type.startsWith('watch.')) return false;
  const data = record.data as { summary?: unknown; details?: unknown; leftOff?: unknown };
  const said = [data.summary, ...(Array.isArray(data.details) ? data.details : []), ...(Array.isArray(data.leftOff) ? data.leftOff : [])].filter((text): text is string => typeof text === 'string');
  return said.some((text) => text.includes(`${incidentId}/`));
}
