// Whether a step that ended so may have changed something: what a run is said to have changed, and which recovery steps a rollback undoes (onlyIfRan), both read this.

/**
 * The statuses with which a step of this kind may have changed something: it completed, or was cut short where nobody
 * can tell (unknown); a command that failed, timed out or was interrupted after it started may have done part of its work too (a rebuild
 * half-built).
 */
export function changingStatuses(kind: string): readonly string[] {
  return kind === 'command' ? ['ok', 'unknown', 'failed', 'timeout', 'interrupted'] : ['ok', 'unknown'];
}

/**
 * Whether a step of this kind that ended with this result may have changed something; one that says it changed nothing
 * (untouched) did not, even when it completed (a schedule start that found each already RUNNING), unless its end is
 * unknown.
 */
export function mayHaveChanged(kind: string | undefined, result: { status: string; untouched?: true }): boolean {
  if (result.status === 'unknown') return true;
  if (result.untouched) return false;
  return result.status === 'ok' || (kind !== undefined && changingStatuses(kind).includes(result.status));
}
