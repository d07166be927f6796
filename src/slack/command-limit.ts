// DATABOX_USER_COMMAND_LIMIT for a typed command and a button that starts work alike: one command counted, and the answer past it.
import { formatDuration } from '../format-duration.js';
import type { PerUserLimit } from '../per-user-limit.js';

function commandLimitText(limit: PerUserLimit, retryInMs: number): string {
  return (
    `:hourglass: You have started ${limit.limit} commands in the last ${formatDuration(limit.windowMs)}, the most one person may (DATABOX_USER_COMMAND_LIMIT). ` +
    `Try again in ${formatDuration(Math.max(1_000, retryInMs))}. Commands refused for bad input are not counted; \`/databox status\` shows what runs.`
  );
}

/** Counts one command that starts work for `user`; past the limit, the answer to give instead (and nothing is started). */
export function overCommandLimit(limit: PerUserLimit, user: string): string | undefined {
  const allowed = limit.take(user);
  return allowed.ok ? undefined : commandLimitText(limit, allowed.retryInMs);
}

/** The limit's answer as a refusal's reason on the record: without the emoji a Slack message opens with. */
export function limitReason(answer: string): string {
  return answer.replace(/^:hourglass: /, '');
}
