// Snapshot times as MotherDuck gives them (TIMESTAMP, to the microsecond), shown to the second unless that would make
// two of them, or a snapshot and the moment asked for, look the same.

/** "YYYY-MM-DD HH:MM:SS" with ".ffffff" when the time has a fraction of a second (DuckDB trims its trailing zeros). */
export function exactSnapshotTime(value: unknown): string {
  const text = String(value);
  const fraction = /^\.(\d{1,6})/.exec(text.slice(19))?.[1];
  return fraction && Number(fraction) > 0 ? `${text.slice(0, 19)}.${fraction.padEnd(6, '0')}` : text.slice(0, 19);
}

/**
 * How to show each of `times` (exact, as exactSnapshotTime makes them): to the second, or to the microsecond when
 * another of them falls in the same second (two snapshots a write apart, or `at` and the snapshot just after it).
 */
export function snapshotTimeLabels(times: readonly string[]): (time: string) => string {
  const exactBySecond = new Map<string, Set<string>>();
  for (const time of times.filter(Boolean)) {
    const second = time.slice(0, 19);
    exactBySecond.set(second, (exactBySecond.get(second) ?? new Set()).add(time));
  }
  return (time) => {
    const second = time.slice(0, 19);
    if ((exactBySecond.get(second)?.size ?? 0) < 2) return second;
    return time.length > 19 ? time : `${second}.000000`;
  };
}

/**
 * The first moment to the second at or after `time` (exact, as exactSnapshotTime makes it): the oldest moment an
 * operator can type to reach a snapshot made a fraction of a second into one. Cut to its second instead, it would be
 * refused as before that snapshot.
 */
export function firstWholeSecondFrom(time: string): string {
  if (time.length <= 19) return time;
  const next = new Date(Date.parse(`${time.slice(0, 19).replace(' ', 'T')}Z`) + 1000);
  return next.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The whole second just before the newest of `automatic` (snapshot times, newest first): the moment that goes back to
 * just before the newest write; none with no older write to go back to, or when that is before `restorableFrom`.
 */
export function justBeforeNewestWrite(automatic: readonly string[], restorableFrom: string | undefined): string | undefined {
  const newest = automatic[0];
  if (newest === undefined || automatic.length < 2 || !restorableFrom) return undefined;
  const before = new Date(Date.parse(`${newest.slice(0, 19).replace(' ', 'T')}Z`) - 1000).toISOString().slice(0, 19).replace('T', ' ');
  return before >= firstWholeSecondFrom(restorableFrom) ? before : undefined;
}
