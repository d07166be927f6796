// The runs that can say where an incident stands: a plan rejected or expired changed nothing, so it is passed over.
import type { Incident, Run } from './state.js';

/** A plan decided against, or left to expire: nothing of it ran. */
export const changedNothing = (run: Run) => run.status === 'rejected' || run.status === 'expired';

/** An incident's runs, oldest first, without the plans that changed nothing (as the thread's top and /databox status both read them). */
export const standingRuns = (incident: Incident): Run[] => incident.runs.filter((run) => !changedNothing(run));
