// Why an Approve is refused while another plan holds the database: which plan (its number, title and incident, who asked for and approved it), what it will change, and what to do.
import path from 'node:path';
import { actor as person, said, type Said } from '../said.js';
import { changedByPlan } from './changed-by-plan.js';
import type { Incident, Run } from './state.js';
import { goneRunnerHint } from './status.js';
import { whereToFollow } from './where-to-follow.js';

/**
 * The refusal of `run`'s approval while `holder` holds its database. One made on the holder's changes (a swap after its
 * clone, a rollback of it) is approved again once it has finished; any other was made on a database the holder will
 * change (staleBy), so it is diagnosed again and proposed anew. What the holder will change is what its steps change
 * (Dagster's schedules, the marts), as the refusal after it has run will say it.
 */
export function approvalHeldBy(run: Run, holder: Run, holderIncident: Pick<Incident, 'refs'> | undefined): Said {
  const database = path.basename(run.lockKey);
  const incident = holder.incidentId === run.incidentId ? 'this incident' : `incident ${holder.incidentId}`;
  const who = [...said`requested by ${person(holder.requestedBy)}`, ...(holder.decidedBy ? said` and approved by ${person(holder.decidedBy)}` : [])];
  const madeOnIt = holder.id === run.continues || holder.id === run.rollbackOf;
  // What it is to change, whichever of its steps have run yet: the plan as approved.
  const changes = changedByPlan({ steps: holder.steps, results: [] }, 'it', 'its marts');
  const held = madeOnIt ? `holds ${database} (${holder.status})` : `holds ${database} (${holder.status}) and will change ${changes}, so this plan cannot run after it either`;
  const then = madeOnIt ? 'approve this plan again' : 'diagnose again and propose a new plan';
  // A plan whose process is known gone waits for nothing but an unlock: said here too, as the status says it.
  const gone = goneRunnerHint(holder, `/databox unlock ${holder.id}`);
  const wait = gone ? `it is running on the record, but ${gone}; once it has ended, ${then}` : `when it has finished (its progress shows in ${whereToFollow(holderIncident)}), ${then}`;
  return [`plan ${holder.id} (${holder.title}) of ${incident}, `, ...who, `, ${held}: ${wait}`];
}
