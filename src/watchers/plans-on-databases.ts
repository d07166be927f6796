// What the watchers are told of the plans on a database, read from the journal: one changing it now, one that stopped part-way on it.
import type { IncidentState } from '../incidents/state.js';
import { runLabel } from '../incidents/run-label.js';
import { leftPartWayLine, statusReport } from '../incidents/status.js';
import type { Journal } from '../journal/journal.js';
import type { PlansOnDatabases } from './build-watchers.js';

export function plansOnDatabases(journal: Pick<Journal, 'catchUp'>, state: IncidentState, clock: () => Date = () => new Date()): PlansOnDatabases {
  return {
    holding(lockKey) {
      // A plan started from a terminal is in the journal before this process has read it.
      journal.catchUp();
      const holding = state.lockHolder(lockKey);
      return holding ? `plan ${holding.id}` : undefined;
    },
    leftPartWay(lockKey) {
      journal.catchUp();
      const entry = statusReport(state, clock()).unsettled.find((u) => u.run.lockKey === lockKey);
      if (!entry) return undefined;
      return { short: `${runLabel(entry.run)} ${entry.run.id} stopped part-way on it: read its thread first`, line: leftPartWayLine(entry, 'read its thread') };
    },
  };
}
