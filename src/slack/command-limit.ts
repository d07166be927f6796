// DATABOX_USER_COMMAND_LIMIT for a typed command and a button that starts work alike: one command counted, and the answer past it.
import { formatDuration } from '../format-duration.js';
import type { PerUserLimit } from '../per-user-limit.js';

function commandLimitReason(limit: PerUserLimit, retryInMs: number): string {
  return (
    `You have started ${limit.limit} commands in the last ${formatDuration(limit.windowMs)}, the most one person may (DATABOX_USER_COMMAND_LIMIT). ` +
    `Try again in ${formatDuration(Math.max(1_000, retryInMs))}. Commands refused for bad input are not counted; \`/databox status\` shows what runs.`
  );
}

/**
 * Counts one command that starts work for `user`; past the limit (and nothing is started), why, as the record keeps it,
 * and the answer to give in Slack.
 */
export function overCommandLimit(limit: PerUserLimit, user: string): { reason: string; text: string } | undefined {
  const allowed = limit.take(user);
  if (allowed.ok) return undefined;
  const reason = commandLimitReason(limit, allowed.retryInMs);
  return { reason, text: `:hourglass: ${reason}` };
}
