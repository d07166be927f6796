// Reads the "until" of an alert's "Paused on purpose…" form: a day, a UTC day and time, or a span from now.
import { parseDuration } from '../config.js';
import { UserError } from '../errors.js';

/** The longest an alert may be silenced at once: a month and a half; longer, say it again then (or mark it in Dagster). */
const longestSilenceMs = 45 * 86_400_000;

/** "2026-05-01" (its start, UTC), "2026-05-01 09:00" (UTC), or a span from `now` such as "3d" or "12h". */
export function silenceUntil(text: string, now: Date): Date {
  const typed = text.trim();
  const day = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?$/.exec(typed);
  const span = day ? undefined : parseDuration(typed);
  const until = day ? new Date(`${day[1]}T${day[2] ?? '00:00'}:00Z`) : span !== undefined ? new Date(now.getTime() + span) : undefined;
  if (!until || Number.isNaN(until.getTime())) {
    throw new UserError(`"${typed}" is no time: give a day (2026-05-01), a UTC day and time (2026-05-01 09:00) or a span from now (3d, 12h)`);
  }
  if (until.getTime() <= now.getTime()) throw new UserError(`${until.toISOString().slice(0, 16).replace('T', ' ')} UTC is past: give a time to come`);
  if (until.getTime() - now.getTime() > longestSilenceMs) throw new UserError('at most 45 days ahead: silence it again then, or mark the schedule `databox/paused: <reason>` in Dagster');
  return until;
}
