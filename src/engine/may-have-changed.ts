// Whether a step that ended so may have changed something: what a run is said to have changed, and which recovery steps a rollback undoes (onlyIfRan), both read this.
import { stepKinds, type AnyStepKind } from './steps/index.js';

/** The kind's own word on a step that stopped part-way (its partWay), when it has one. */
function partWayOf(kind: string): AnyStepKind['partWay'] {
  return (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === kind)?.partWay;
}

/**
 * The statuses with which a step of this kind may have changed something: it completed, or was cut short where nobody
 * can tell (unknown); a command that failed, timed out or was interrupted after it started may have done part of its
 * work too (a rebuild half-built); a kind whose outputs say what it did before it stopped (partWay: a schedule start
 * Dagster refused for the second schedule after starting the first) adds the statuses it says that with.
 */
export function changingStatuses(kind: string): readonly string[] {
  if (kind === 'command') return ['ok', 'unknown', 'failed', 'timeout', 'interrupted'];
  return ['ok', 'unknown', ...(partWayOf(kind)?.statuses ?? [])];
}

/**
 * Whether a step of this kind that ended with this result may have changed something; one that says it changed nothing
 * (untouched) did not, even when it completed (a schedule start that found each already RUNNING), unless its end is
 * unknown. One that stopped part-way changed something when its outputs say so (its kind's partWay), not on its status
 * alone: a failure the engine recorded, with no outputs, says nothing of what it did.
 */
export function mayHaveChanged(kind: string | undefined, result: { status: string; untouched?: true; outputs?: Readonly<Record<string, unknown>> }): boolean {
  if (result.status === 'unknown') return true;
  if (result.untouched) return false;
  if (result.status === 'ok') return true;
  if (kind === undefined || !changingStatuses(kind).includes(result.status)) return false;
  return !partWayChangedNothing(kind, result);
}

/**
 * Whether the step stopped part-way with outputs its kind reads as having changed nothing (a CLI backfill that failed
 * before its output named a backfill): the one decision what a run is said to have changed, and its buttons, follow.
 */
export function partWayChangedNothing(kind: string, result: { status: string; outputs?: Readonly<Record<string, unknown>> }): boolean {
  const partWay = partWayOf(kind);
  return partWay !== undefined && partWay.statuses.includes(result.status) && !partWay.changed(result.outputs ?? {});
}
