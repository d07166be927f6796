// What the thread says next after a rollback that failed: what it changed and what it did not, and how to ask for it again.
import { changedBeforeStopping, changesData, firstFailure } from '../engine/step-passed.js';
import type { Run } from './state.js';

/** What the thread knows besides the rollback itself, for "it changed nothing" to say what that leaves. */
export interface AroundFailedRollback {
  /** The rollbacks of the same recovery that ran before this one, in order. */
  earlier: readonly Run[];
  /** What is at the database path now, as a sentence, when the database is a file ("Nothing is at … now."). */
  databaseNow?: string;
}

/**
 * A rollback that stopped leaves the database as the recovery left it (it changed nothing) or between that and before
 * the recovery: which, from its steps, and that asking for the rollback again makes a new plan on the database as it
 * is then (a rollback that did not succeed is no refusal to ask again). One that changed nothing after an earlier
 * rollback of the same recovery changed something leaves things as that one did, not as the recovery did.
 */
export function failedRollbackAdvice(rollback: Run, around: AroundFailedRollback = { earlier: [] }): string {
  const failed = firstFailure(rollback.steps, rollback.results);
  const stoppedAt = rollback.steps.find((step) => step.id === failed?.stepId)?.title;
  const changed = changedBeforeStopping(rollback.steps, rollback.results);
  const ran = new Set(rollback.results.map((r) => r.stepId));
  const notRun = rollback.steps.filter((step) => !ran.has(step.id) && changesData(step)).map((step) => step.title);
  const titles = (changes: typeof changed) => changes.map((c) => (c.partly ? `${c.title} (part-way: it may have done part of it)` : c.title)).join('; ');
  const before = around.earlier.map((run) => ({ run, changed: changedBeforeStopping(run.steps, run.results) })).filter((r) => r.changed.length > 0);
  const done =
    changed.length > 0
      ? `What it changed is still so now: ${titles(changed)}.`
      : before.length > 0
        ? `It changed nothing itself, but the database is not as the recovery left it: the earlier rollback${before.length > 1 ? 's' : ''} ${before.map((r) => `${r.run.id} (${titles(r.changed)})`).join(', ')} changed it, and that is still so.${around.databaseNow ? ` ${around.databaseNow}` : ''}`
        : 'It changed nothing: the database is as the recovery left it.';
  return [
    `The rollback of ${rollback.rollbackOf} did not finish${stoppedAt ? `: it stopped at "${stoppedAt}"` : ''}, so the incident is not back as its diagnosis found it.`,
    done,
    notRun.length > 0 ? `Not run: ${notRun.join('; ')}.` : '',
    `Deal with what stopped it (the failure above says what), then the *Roll back…* button under the recovery asks for the rollback again, its plan made on the database as it is then (at a terminal: \`npm run --silent cli -- rollback ${rollback.rollbackOf}\`).`,
  ]
    .filter(Boolean)
    .join(' ');
}
