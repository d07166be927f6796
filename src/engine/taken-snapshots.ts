// The named snapshots the engine took before a recovery's steps, by name, with when that recovery started (its journal):
// a rollback that finds the name gone though no cleanup removed it (by hand) still tells the way back by that time.
import { canonicalTimestamp } from '../database/sql-literal.js';

/** The recovery that took it, the step it came right before, and the moment the recovery started. */
export interface TakenSnapshot {
  run: string;
  before: string;
  /** When the recovery started, UTC as `at` takes it ("YYYY-MM-DD HH:MM:SS.ffffff"): the database as it was before it. */
  startedAt: string;
  /** The command that diagnoses the database at that moment, as the thread writes commands (the terminal rewrites it). */
  diagnose: string;
  /** Set while that recovery's rollback is offered and has not run, if its steps restore this snapshot by its name. */
  rollbackOpen?: { title: string };
}

interface RunResults {
  id: string;
  kind: string;
  pathId?: string;
  title?: string;
  status?: string;
  startedAt?: string;
  rollbackOf?: string;
  rollbackOffered?: boolean;
  results: readonly { stepId: string; outputs: Record<string, unknown> }[];
}

/** A recovery whose offered rollback has not put the database back yet: it still needs the snapshots the recovery took. */
function rollbackOpen(run: RunResults, runs: readonly RunResults[]): { title: string } | undefined {
  if (!run.rollbackOffered || runs.some((other) => other.rollbackOf === run.id && other.status === 'succeeded')) return undefined;
  return { title: run.title ?? run.id };
}

/** An ISO time as `at` takes it, to the millisecond the journal keeps (canonicalTimestamp). */
function asAtParam(iso: string): string {
  return canonicalTimestamp(iso.slice(0, 10), iso.slice(11, 16), iso.slice(17, 19), iso.slice(20, 23));
}

/**
 * From the named-snapshot steps (`<step>_snapshot`, output `snapshot`) of the incident's recoveries that started.
 * `restoredByRollback`: the snapshot steps whose name the recovery's rollback restores (runbook/snapshots-restored-by-rollback.ts);
 * a rollback that puts kept rows back instead still works once a cleanup removed the names, so it holds none open.
 */
export function takenSnapshots(
  runs: readonly RunResults[],
  diagnoseAt: (moment: string) => string,
  restoredByRollback: (recovery: RunResults) => ReadonlySet<string>,
): Record<string, TakenSnapshot> {
  const byName: Record<string, TakenSnapshot> = {};
  for (const run of runs) {
    if (run.kind !== 'recovery' || !run.startedAt) continue;
    const startedAt = asAtParam(run.startedAt);
    const open = rollbackOpen(run, runs);
    const restored = open ? restoredByRollback(run) : new Set<string>();
    for (const { stepId, outputs } of run.results) {
      if (typeof outputs.snapshot !== 'string' || !outputs.snapshot || !stepId.endsWith('_snapshot')) continue;
      byName[outputs.snapshot] = { run: run.id, before: stepId.slice(0, -'_snapshot'.length), startedAt, diagnose: diagnoseAt(startedAt), ...(open && restored.has(stepId) ? { rollbackOpen: open } : {}) };
    }
  }
  return byName;
}
