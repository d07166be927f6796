// What the watchers are told of the plans on a database, read from the journal: one changing it now, one that stopped part-way on it.
import path from 'node:path';
import type { Incident, IncidentState } from '../incidents/state.js';
import { incidentThread } from '../slack/slack-refs.js';
import { runLabel } from '../incidents/run-label.js';
import { databasesLeftPartWay, leftPartWayLine } from '../incidents/status.js';
import type { Journal } from '../journal/journal.js';
import type { PlansOnDatabases } from './build-watchers.js';
import { postmortemToRead, type ThreadBehind } from '../slack/threads-behind.js';

/** `threadBehind`: whether Slack has not taken all of an incident's thread messages (none are, where nothing posts them). */
export function plansOnDatabases(journal: Pick<Journal, 'catchUp'>, state: IncidentState, threadBehind: ThreadBehind = () => false): PlansOnDatabases {
  return {
    holding(lockKey) {
      // A plan started from a terminal is in the journal before this process has read it.
      journal.catchUp();
      const holding = state.lockHolder(lockKey);
      return holding ? `plan ${holding.id}` : undefined;
    },
    leftPartWay(lockKey) {
      journal.catchUp();
      const entry = databasesLeftPartWay(state.runs.values()).find((u) => u.run.lockKey === lockKey);
      if (!entry) return undefined;
      const readFirst = whatToRead(state.incidents.get(entry.run.incidentId), threadBehind);
      return { short: `${runLabel(entry.run)} ${entry.run.id} stopped part-way on it: ${readFirst} first`, line: leftPartWayLine(entry, readFirst, path.basename(entry.run.lockKey)) };
    },
  };
}

/**
 * Where to read what the run left: its incident's thread; while Slack has not taken all of the thread's messages, the
 * postmortem at a terminal; or, for an incident worked only at a terminal, its postmortem and the command that gives it
 * a thread (where a rollback the terminal offered is shown with its button).
 */
function whatToRead(incident: Incident | undefined, threadBehind: ThreadBehind): string {
  if (incident && incidentThread(incident) && threadBehind(incident.id)) return postmortemToRead(incident.id);
  if (!incident || incidentThread(incident)) return 'read its thread';
  return `read \`/databox postmortem ${incident.id}\` (it ran at a terminal, so the incident has no Slack thread: \`/databox diagnose ${incident.scenario} incident=${incident.id}\` gives it one, with any rollback offered)`;
}
