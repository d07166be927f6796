// What a rollback leaves nothing at: a path its recovery found empty, which the rollback clears and puts nothing back in.
import type { ResolvedStep } from '../engine/types.js';
import type { Run } from './state.js';
import { companionSuffix } from '../duckdb/companion-files.js';

/** Whether `log` is a log kept beside `file` under its name: the database's .wal or .wal.checkpoint, or the .wal's checkpoint log. */
function beside(file: string, log: string): boolean {
  const suffix = companionSuffix(log);
  const base = log.slice(0, log.length - suffix.length);
  return suffix !== '' && (file === base || file === `${base}.wal`);
}

/**
 * Said with a rollback's plan, whose title may speak of putting a file back (path A's "the broken file"): the paths its
 * recovery had nothing to move from (a rebuild of a missing database), which the rollback moves aside with nothing put
 * back in their place, so that after it nothing is there. A path's log is left unsaid beside it: it goes with its file.
 */
export function leftEmptySaid(recovery: Pick<Run, 'id' | 'steps' | 'results'>, rollback: readonly ResolvedStep[]): string | undefined {
  const putBack = new Set(rollback.flatMap((step) => (step.kind === 'move' ? [step.to] : [])));
  const clearedNow = new Map(rollback.flatMap((step) => (step.kind === 'move' && !putBack.has(step.from) ? [[step.from, step.to] as const] : [])));
  const found = recovery.steps.flatMap((step) => {
    if (step.kind !== 'move' || !clearedNow.has(step.from)) return [];
    // Nothing there as the plan was made, and nothing moved when it ran: the recovery found the path empty.
    const absent = step.absentWhenPlanned === true || (step.asPlanned !== undefined && 'absent' in step.asPlanned);
    const skipped = recovery.results.some((result) => result.stepId === step.id && result.status === 'skipped');
    return absent && skipped ? [step] : [];
  });
  const said = found.filter((step) => !found.some((other) => other !== step && beside(other.from, step.from)));
  if (said.length === 0) return undefined;
  return said
    .map(
      (step) =>
        `Nothing was at ${step.from} when ${recovery.id} ran (its step "${step.title}" had nothing to move), so this rollback puts nothing back there: ` +
        `it moves what is there now to ${clearedNow.get(step.from)}, and after it nothing is at ${step.from}.`,
    )
    .join(' ');
}
