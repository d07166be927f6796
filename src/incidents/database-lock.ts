// One mutating plan per database at a time: what holds a database refuses anything else that would read or change it.
import path from 'node:path';
import { UserError } from '../errors.js';
import { actor as person, said } from '../said.js';
import type { IncidentState } from './state.js';

/** Refuses, naming the plan and the people behind it, when a mutating plan other than `except` holds the database. */
export function refuseIfLocked(state: IncidentState, lockKey: string, except?: string): void {
  const holder = state.lockHolder(lockKey, except);
  if (holder) {
    throw new UserError([
      ...said`refused: ${path.basename(lockKey)} is held by plan ${holder.id} (${holder.title}), requested by ${person(holder.requestedBy)}`,
      ...(holder.decidedBy ? said` and approved by ${person(holder.decidedBy)}` : []),
      `, which is ${holder.status}. One mutating plan per database at a time.`,
      // Said where it is met: a plan whose process is gone for good holds the database until someone unlocks it.
      ` If the process running it is gone for good, \`unlock ${holder.id}\` clears it with a second person's approval.`,
    ]);
  }
}
