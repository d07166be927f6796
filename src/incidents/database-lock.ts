// One mutating plan per database at a time: what holds a database refuses anything else that would read or change it.
import path from 'node:path';
import { UserError } from '../errors.js';
import { actor as person, said } from '../said.js';
import type { IncidentState } from './state.js';
import { goneRunnerHint } from './status.js';
import { whereToFollow } from './where-to-follow.js';

type LockHolders = Pick<IncidentState, 'lockHolder'>;
type LockHoldersAndIncidents = LockHolders & Pick<IncidentState, 'incidents'>;

/** Refuses, naming the plan and the people behind it, when a mutating plan other than `except` holds the database. */
export function refuseIfLocked(state: LockHolders, lockKey: string, except?: string): void {
  const holder = state.lockHolder(lockKey, except);
  if (!holder) return;
  const heldBy = [
    ...said`refused: ${path.basename(lockKey)} is held by plan ${holder.id} (${holder.title}), requested by ${person(holder.requestedBy)}`,
    ...(holder.decidedBy ? said` and approved by ${person(holder.decidedBy)}` : []),
  ];
  // What status knows is said here too: a plan whose process is known gone (or out of sight) waits for nothing but an unlock.
  const gone = goneRunnerHint(holder, `/databox unlock ${holder.id}`);
  if (gone) throw new UserError([...heldBy, `, which is running on the record, but ${gone}. One mutating plan per database at a time.`]);
  throw new UserError([
    ...heldBy,
    `, which is ${holder.status}. One mutating plan per database at a time.`,
    // Said where it is met: a plan whose process is gone for good holds the database until someone unlocks it.
    ` If the process running it is gone for good, \`/databox unlock ${holder.id}\` clears it with a second person's approval.`,
  ]);
}

/**
 * Refuses a read-only `verb` (a diagnosis, a validation) while a plan changes the database: it would read a half-done
 * state. The operator has only to wait, so that is what it says; unlock only when the plan's process is provably gone.
 */
export function refuseReadIfLocked(state: LockHoldersAndIncidents, lockKey: string, verb: 'diagnose' | 'validate'): void {
  const holder = state.lockHolder(lockKey);
  if (!holder) return;
  const database = path.basename(lockKey);
  const gone = goneRunnerHint(holder, `/databox unlock ${holder.id}`);
  if (gone) {
    throw new UserError(`refused: ${database} is held by plan ${holder.id} (${holder.title}), left running: ${gone}. Then ${verb} again.`);
  }
  const changing = holder.status === 'running' ? 'a recovery is changing it right now' : 'a recovery approved a moment ago is about to change it';
  throw new UserError(
    `refused: nothing was read from ${database}, because ${changing}: ${verb} again once plan ${holder.id} (${holder.title}) has finished (its progress shows in ${whereToFollow(state.incidents.get(holder.incidentId))}).`,
  );
}
