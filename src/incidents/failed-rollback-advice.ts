// What the thread says next after a rollback that failed: what it changed and what it did not, and how to ask for it again.
import { changedBeforeStopping, changesData, firstFailure } from '../engine/step-passed.js';
import type { Run } from './state.js';

/**
 * A rollback that stopped leaves the database as the recovery left it (it changed nothing) or between that and before
 * the recovery: which, from its steps, and that asking for the rollback again makes a new plan on the database as it
 * is then (a rollback that did not succeed is no refusal to ask again).
 */
export function failedRollbackAdvice(rollback: Run): string {
  const failed = firstFailure(rollback.steps, rollback.results);
  const stoppedAt = rollback.steps.find((step) => step.id === failed?.stepId)?.title;
  const changed = changedBeforeStopping(rollback.steps, rollback.results);
  const ran = new Set(rollback.results.map((r) => r.stepId));
  const notRun = rollback.steps.filter((step) => !ran.has(step.id) && changesData(step)).map((step) => step.title);
  const done =
    changed.length === 0
      ? 'It changed nothing: the database is as the recovery left it.'
      : `What it changed is still so now: ${changed.map((c) => (c.partly ? `${c.title} (part-way: it may have done part of it)` : c.title)).join('; ')}.`;
  return [
    `The rollback of ${rollback.rollbackOf} did not finish${stoppedAt ? `: it stopped at "${stoppedAt}"` : ''}, so the incident is not back as its diagnosis found it.`,
    done,
    notRun.length > 0 ? `Not run: ${notRun.join('; ')}.` : '',
    `Deal with what stopped it (the failure above says what), then the *Roll back…* button under the recovery asks for the rollback again, its plan made on the database as it is then (at a terminal: \`npm run --silent cli -- rollback ${rollback.rollbackOf}\`).`,
  ]
    .filter(Boolean)
    .join(' ');
}
