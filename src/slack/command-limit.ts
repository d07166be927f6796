// The answer to someone past DATABOX_USER_COMMAND_LIMIT, for a typed command and for a button that starts work alike.
import { formatDuration } from '../format-duration.js';
import type { PerUserLimit } from '../per-user-limit.js';

export function commandLimitText(limit: PerUserLimit, retryInMs: number): string {
  return (
    `:hourglass: You have started ${limit.limit} commands in the last ${formatDuration(limit.windowMs)}, the most one person may (DATABOX_USER_COMMAND_LIMIT). ` +
    `Try again in ${formatDuration(Math.max(1_000, retryInMs))}; what you started is still running, and \`/databox status\` shows it.`
  );
}
