// A file a rollback moves aside that was written after its recovery ended (a load into the rebuilt database, a table added): said in its plan, with where it goes.
import type { MoveStep } from '../engine/steps/move-step.js';
import type { ResolvedStep } from '../engine/types.js';
import type { Incident, Run } from './state.js';

/**
 * For each move of the rollback that sets a file aside (not one putting back what the recovery moved: movedAs) whose
 * file was last written after the recovery ended, as the plan found it: what was written since goes aside with it.
 */
/** To the second: a load can land within the minute the recovery ended. */
const toTheSecond = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

export function fileWrittenSinceSaid(steps: readonly ResolvedStep[], recovery: Run, incident: Incident): string | undefined {
  // Its validation, which runs its checks on the file, is part of it: a check that writes the file is no change since.
  const validation = incident.runs.find((r) => r.kind === 'validation' && r.startedAt !== undefined && r.startedAt >= (recovery.finishedAt ?? ''));
  const ended = [recovery.finishedAt, validation?.finishedAt].filter((t): t is string => t !== undefined).sort().at(-1);
  if (!ended) return undefined;
  const said = (steps as readonly (ResolvedStep & Partial<MoveStep>)[]).flatMap((step) => {
    const seen = step.asPlanned;
    if (step.kind !== 'move' || step.movedAs !== undefined || !seen || 'absent' in seen || seen.modifiedAt <= ended) return [];
    return [
      `${step.from} was written after ${recovery.id}${validation ? ` and its validation ${validation.id}` : ''} ended (last written ${toTheSecond(seen.modifiedAt)}; ${validation ? 'they' : 'it'} ended at ${toTheSecond(ended)}): it changed since the recovery, and what was written to it since (a load, a table added) goes aside with it to ${step.to}, not into what this rollback puts back.`,
    ];
  });
  return said.length > 0 ? said.join(' ') : undefined;
}
