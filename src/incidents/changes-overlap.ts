// Whether two recoveries of one database changed the same part of it: a window of days (from=/to=) of one source's rows, or the whole of it.
import type { Run } from './state.js';

/** The days a run changed, when its parameters name a window of one source's rows (scenario 2's); undefined: the whole database. */
function windowOf(run: Run): { source: string; from: string; to: string } | undefined {
  const { source, from, to } = run.params;
  return source && from && to ? { source, from, to } : undefined;
}

/**
 * Whether a rollback of `recovery` would rewrite what `later` changed. A run whose parameters name one source's window
 * changed that source's raw rows and marts of those days, and the combined mart's rows of those days (its restate names
 * it); any other (a file rebuilt, a database gone back to a moment, a backfill of every source) changed the whole
 * database. Two windows meet when their days do, whatever their sources: both restate the combined mart on those days,
 * and a rollback of path B puts its kept rows of them back.
 */
export function changesOverlap(recovery: Run, later: Run): boolean {
  const [mine, theirs] = [windowOf(recovery), windowOf(later)];
  if (!mine || !theirs) return true;
  return mine.from <= theirs.to && theirs.from <= mine.to;
}

/** The part a run with a window changed, as a note says it: "source noaa, 2026-04-05 to 2026-04-06". */
export function changedPartSaid(run: Run): string {
  const window = windowOf(run);
  return window ? `source ${window.source}, ${window.from} to ${window.to}` : 'the whole database';
}
