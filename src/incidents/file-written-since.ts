// A file a rollback moves aside, or puts a log back beside, that was written after its recovery ended (a load, a table added): said in its plan, with when.
import type { MoveStep } from '../engine/steps/move-step.js';
import type { ResolvedStep } from '../engine/types.js';
import type { FileAsPlanned } from '../disk/file-identity.js';
import type { Incident, Run } from './state.js';

/** To the second: a load can land within the minute the recovery ended. */
export const toTheSecond = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/**
 * When the recovery and the validation after it ended: a file last written after that was written since. Its
 * validation, which runs its checks on the file, is part of it: a check that writes the file is no change since.
 */
export function recoveryEnded(recovery: Run, incident: Incident): { ended?: string; validation?: Run } {
  const validation = incident.runs.find((r) => r.kind === 'validation' && r.startedAt !== undefined && r.startedAt >= (recovery.finishedAt ?? ''));
  const ended = [recovery.finishedAt, validation?.finishedAt].filter((t): t is string => t !== undefined).sort().at(-1);
  return { ...(ended ? { ended } : {}), ...(validation ? { validation } : {}) };
}

/**
 * For each move of the rollback that sets a file aside (not one putting back what the recovery moved: movedAs) whose
 * file was last written after the recovery ended, as the plan found it: what was written since goes aside with it. For
 * each file a log is put back beside (replayedInto) written since: those writes stay in it, behind a log that no longer fits.
 */
export function fileWrittenSinceSaid(steps: readonly ResolvedStep[], recovery: Run, incident: Incident): string | undefined {
  const { ended, validation } = recoveryEnded(recovery, incident);
  if (!ended) return undefined;
  const writtenAfter = (file: string, modifiedAt: string) =>
    `${file} was written after ${recovery.id}${validation ? ` and its validation ${validation.id}` : ''} ended (last written ${toTheSecond(modifiedAt)}; ${validation ? 'they' : 'it'} ended at ${toTheSecond(ended)}): it changed since the recovery`;
  const moves = (steps as readonly (ResolvedStep & Partial<MoveStep>)[]).filter((step) => step.kind === 'move');
  const setAside = moves.flatMap((step) => {
    const seen = step.asPlanned;
    if (step.movedAs !== undefined || !seen || 'absent' in seen || seen.modifiedAt <= ended) return [];
    return [`${writtenAfter(step.from as string, seen.modifiedAt)}, and what was written to it since (a load, a table added) goes aside with it to ${step.to}, not into what this rollback puts back.`];
  });
  // A log put back beside a file left in place: one line per file, naming every log put back beside it.
  const replayedInto = new Map<string, { seen: FileAsPlanned; logs: string[] }>();
  for (const step of moves) {
    const seen = step.replayedIntoAsPlanned;
    if (!step.replayedInto || !seen || seen.modifiedAt <= ended) continue;
    const entry = replayedInto.get(step.replayedInto) ?? { seen, logs: [] };
    replayedInto.set(step.replayedInto, { ...entry, logs: [...entry.logs, step.to as string] });
  }
  const behindLogs = [...replayedInto].map(
    ([file, { seen, logs }]) =>
      `${writtenAfter(file, seen.modifiedAt)}, and what was written to it since (a load, a table added) stays in it: DuckDB replays ${logs.join(' and ')}, put back by this rollback, into it at its next open, and a log from before those writes no longer fits it, so the file will not open, those writes inside it, until the log is moved aside again.`,
  );
  const said = [...setAside, ...behindLogs];
  return said.length > 0 ? said.join(' ') : undefined;
}
