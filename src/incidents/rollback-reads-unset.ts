// A rollback whose parts read an output a recovery step left unset (it ran, may have changed something, and failed before saying what) is refused before it is proposed, saying so.
import { recoveryOutputsRead } from '../runbook/recovery-outputs-read.js';
import { rollbackPartTemplates, type RollbackPart } from '../runbook/rollback-parts.js';
import type { Run } from './state.js';

/**
 * Why no rollback of this recovery run can be made as its runbook has it: a part of it reads an output
 * ({{recovery.<step>.<output>}}) its step never set, so it cannot know what to undo there (a command that timed out
 * part-way has no exit code; a statement whose answer was lost, no row count). Leaving that part out would leave undone
 * what the step may have changed, unsaid: the rollback is refused instead, naming each, and the operator looks by hand.
 * Undefined when every output read is there.
 */
export function rollbackReadsUnset(run: Run, parts: readonly RollbackPart[]): string | undefined {
  // Its inspect steps are no part of the plan proposed: they ran, filled in, when the rollback was asked for.
  const proposed = parts.filter((part) => part.list !== 'inspect');
  const said = proposed.flatMap((part) =>
    recoveryOutputsRead(rollbackPartTemplates(part)).flatMap(({ id: recoveryStep, output, placeholder }) => {
      const result = run.results.find((r) => r.stepId === recoveryStep);
      const value = result?.outputs[output];
      if (value !== undefined && value !== null) return [];
      const ended = result ? `ended ${result.status} without setting ${output} (${result.summary})` : `has no result in ${run.id} (it never ran)`;
      return [`its ${part.what} "${part.part.id}" reads ${placeholder}, but recovery step "${recoveryStep}" ${ended}, so the rollback cannot know what to undo there`];
    }),
  );
  if (said.length === 0) return undefined;
  return `${run.id} cannot be rolled back by the bot: ${said.join('; ')}. Nothing was proposed: look at what ${run.id} changed (its message lists each step's outcome) and put it right by hand`;
}
