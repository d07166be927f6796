// A validation that failed only on checks that could not run: said as that, not as the recovery having failed.
import { isUnseeing } from '../engine/unseeing-status.js';
import { stepOutcome } from '../engine/step-passed.js';
import type { Run } from './state.js';

/** A check that did not run at all because it is not set up (no DAGSTER_URL): it could not see, as an unreachable one. */
const notSetUp = 'not-configured';

/**
 * After a recovery whose validation failed: when every check that failed could not see (not set up, not reached, cut
 * short) and another passed, what to say instead of the path's whenFailed, which reads the failure as the recovery's
 * (and would send to its rollback); undefined otherwise. `validateCommand`: the validation's command, typed as in Slack.
 */
export function onlyUnseenFailedAdvice(validation: Run, validateCommand: string): string | undefined {
  const judged = validation.results.map((result) => ({ result, step: validation.steps.find((s) => s.id === result.stepId) }));
  const failed = judged.filter(({ step, result }) => stepOutcome(step, result.status) === 'failed');
  const passed = judged.filter(({ step, result }) => stepOutcome(step, result.status) === 'passed');
  const couldNotSee = ({ step, result }: (typeof judged)[number]) => step !== undefined && (result.status === notSetUp || isUnseeing(step.kind, result.status));
  if (failed.length === 0 || passed.length === 0 || !failed.every(couldNotSee)) return undefined;
  const titled = (entry: (typeof judged)[number]) => entry.step?.title ?? entry.result.stepId;
  const checks = failed.length === 1 ? 'a check could not run' : `${failed.length} checks could not run`;
  return (
    `The recovery ran, and every other check of the validation passed (${passed.map(titled).join('; ')}). ` +
    `It failed only because ${checks}: ${failed.map((entry) => `${titled(entry)}: ${entry.result.summary}`).join('; ')}. ` +
    `That says nothing against the recovery, so there is nothing to roll back for it: run ${failed.length === 1 ? 'that check' : 'those checks'} as said, or set ${failed.length === 1 ? 'it' : 'them'} up and validate again (\`/databox ${validateCommand}\` (at a terminal: \`npm run --silent cli -- ${validateCommand}\`)).`
  );
}
