// An approval is acted on while its clicker is there: one decided long after the click came is refused, not carried out.
import { formatDuration } from '../format-duration.js';

/**
 * Why a click that came at `clickedAt` is too old to approve anything at `now` (Slack's Web API paused every call for a
 * long Retry-After while the clicker was checked, say); undefined while it is fresh. Nobody would see the plan start.
 */
export function lateClickReason(clickedAt: number, now: number, maxAgeMs: number): string | undefined {
  const age = now - clickedAt;
  if (age <= maxAgeMs) return undefined;
  return `this click came ${formatDuration(age)} ago and could only be acted on now (Slack was slow or rate-limited meanwhile), later than DATABOX_APPROVAL_CLICK_MAX_AGE (${formatDuration(maxAgeMs)}): nothing was run; click again if it should still run`;
}
