// Durations as operators read them: 850 ms, 4.2 s, 3 min 12 s, 1 h 5 min, 2 d 16 h; 36 h and 3 min, not 36 h 0 min.
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1_000);
  // From two days on, "64 h 20 min" is read by working it out: days and hours say it at once.
  if (totalSeconds >= 48 * 3_600) return twoUnits(Math.floor(totalSeconds / 86_400), 'd', Math.floor((totalSeconds % 86_400) / 3_600), 'h');
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  return hours > 0 ? twoUnits(hours, 'h', minutes, 'min') : twoUnits(minutes, 'min', totalSeconds % 60, 's');
}

/** "3 min 12 s"; a zero last unit is left out ("36 h", an SLA as it was written), since "36 h 0 min" reads as a remainder. */
function twoUnits(first: number, firstUnit: string, second: number, secondUnit: string): string {
  return second === 0 ? `${first} ${firstUnit}` : `${first} ${firstUnit} ${second} ${secondUnit}`;
}

/**
 * A run's time, " in 4.2 s", from its start to `endIso` (its end); " after running at most …" for one that was running
 * when its bot died (interrupted after it started): its end is when a restart or an unlock found it stopped, so the
 * time is a bound, said as one ("interrupted in at most 24 h" read as a deadline). Empty when not started.
 */
export function runElapsed(run: { startedAt?: string; status: string }, endIso: string | undefined): string {
  if (!run.startedAt || !endIso) return '';
  return run.status === 'interrupted' ? ` after running ${runDuration({ startedAt: run.startedAt, status: run.status }, endIso)}` : ` in ${runDuration({ startedAt: run.startedAt, status: run.status }, endIso)}`;
}

/** A started run's time to `endIso`, "at most …" for one interrupted (see runElapsed). */
export function runDuration(run: { startedAt: string; status: string }, endIso: string): string {
  return `${run.status === 'interrupted' ? 'at most ' : ''}${formatDuration(Date.parse(endIso) - Date.parse(run.startedAt))}`;
}

/** A step's time: "at most …" for a step its bot died in, whose end nobody saw (settle-interrupted-step.ts). */
export function stepDuration(record: { durationMs: number; durationAtMost?: boolean }): string {
  return `${record.durationAtMost ? 'at most ' : ''}${formatDuration(record.durationMs)}`;
}
