// Whether a schedule's ticks build daily partitions: a cron that ticks at most once a day (a sub-daily check misses no day).

/**
 * Whether a cron ticks at most once a day: its minute and hour are each one number ("0 6 * * *", "30 2 * * 1-5", "0 3 1 * *"),
 * or a macro other than @hourly. Such a tick on day D builds D − 1, so a missed tick is a missed day; one ticking more
 * often (every hour, "0 6,18 * * *") is a check such as the hourly freshness one, whose missed ticks leave no day unbuilt. A
 * cron that cannot be read counts as daily: a day backfilled again is harmless, a day missed is not.
 */
export function ticksAtMostDaily(cron: string): boolean {
  const text = cron.trim();
  if (text.startsWith('@')) return text !== '@hourly';
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return true;
  const [minute, hour] = fields as [string, string];
  return /^\d+$/.test(minute) && /^\d+$/.test(hour);
}
