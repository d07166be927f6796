// What a restart says of the time before it: how the previous process ended, and how long the bot was not running.
import { formatDuration } from '../format-duration.js';
import type { PreviousRun } from './previous-run.js';

/** "09:00:58 UTC" on the restart's own UTC day, else "2026-12-01 09:00:58 UTC". */
function seenAt(iso: string, restartedAt: string): string {
  return `${iso.slice(0, 10) === restartedAt.slice(0, 10) ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 19)} UTC`;
}

/**
 * "it had stopped cleanly (SIGTERM) at … and was not running for 2 d 16 h", or, for a process that died (killed with -9,
 * crashed, its machine down), its last sign of life and "up to" the time since: it died somewhere after it; or, for
 * a start that failed before the bot ran, why.
 */
export function notRunningSaid(previous: PreviousRun, restartedAt: string): string {
  const gap = formatDuration(Math.max(0, Date.parse(restartedAt) - Date.parse(previous.lastSeen)));
  const at = seenAt(previous.lastSeen, restartedAt);
  if (previous.failedToStart) return `its previous start failed at ${at} (${previous.failedToStart}), and it was not running for ${gap}`;
  if (previous.stoppedCleanly) return `it had stopped cleanly${previous.signal ? ` (${previous.signal})` : ''} at ${at} and was not running for ${gap}`;
  return `its previous process did not stop cleanly (killed, crashed, or its machine went down): last seen at ${at}, it was not running for up to ${gap}`;
}
