// Why Slack did not say who someone is (users.info) or who is in a user group (usergroups.users.list), in words the
// person refused can act on: a lasting refusal names what is wrong and who can fix it, for trying again would only be
// refused again; silence names how long the bot waited; anything else may clear in a moment.
import { formatDuration } from '../format-duration.js';
import { refusesTheSetup, refusesTheToken } from './lasting-refusals.js';
import { slackCodeOf, slackTrouble, unansweredInTime } from './slack-trouble.js';

/** Slack's answers that the group named does not exist. */
const noSuchGroup = new Set(['no_such_subteam', 'subteam_not_found']);

/** How a refused click or request is said to have ended: "the click was refused", "nothing was approved". */
export interface RefusalWords {
  refused: string;
  nothing: string;
}

/**
 * Whether asking Slack again cannot change its answer: the group does not exist, or the bot may not read it (its token
 * lacks the scope, or is refused: Slack's lasting refusals of the setup, lasting-refusals.ts). Anything else
 * (ratelimited, a 5xx, the network) may clear in a moment.
 */
export function lastingError(error: string): boolean {
  return noSuchGroup.has(error) || refusesTheSetup(error);
}

/**
 * A failed question to Slack in a few words: Slack's code when it answered one (missing_scope), else what happened
 * (no answer within the client's timeout, an HTTP error), never the client's own message.
 */
export function describeSlackError(error: unknown, answerWithinMs: number): string {
  const code = slackCodeOf(error);
  if (code) return code;
  if (unansweredInTime(error)) return `no answer within ${formatDuration(answerWithinMs)}`;
  const trouble = slackTrouble(error);
  return trouble ? `Slack's Web API failed: ${trouble}` : ((error as Error).message ?? 'unknown error');
}

/** Why someone's click or request was refused when Slack did not say who they are (users.info). */
export function personUnknownReason(error: unknown, words: RefusalWords, answerWithinMs: number): string {
  const refusal = `so ${words.refused}; ${words.nothing}`;
  if (unansweredInTime(error)) return `Slack's Web API did not answer within ${formatDuration(answerWithinMs)} when the bot asked who you are (users.info), ${refusal}. Try again in a moment`;
  const said = describeSlackError(error, answerWithinMs);
  if (said === 'missing_scope') {
    const needed = (error as { data?: { needed?: unknown } }).data?.needed;
    const scope = typeof needed === 'string' && needed !== '' ? needed : 'users:read';
    return `Slack would not tell the bot who you are (users.info: missing_scope), ${refusal}. Trying again will not help: the bot's token lacks the ${scope} scope (an app installed before the scope was added to manifest.yml). Tell whoever runs databox-bot to add it and reinstall the app`;
  }
  if (refusesTheToken(said)) {
    return `Slack would not tell the bot who you are (users.info: ${said}), ${refusal}. Trying again will not help: Slack does not accept the bot's token. Tell whoever runs databox-bot to give it a valid one (SLACK_BOT_TOKEN)`;
  }
  return `Slack could not tell the bot who you are (users.info: ${said}), ${refusal}. Try again in a moment`;
}

/** A user group Slack did not list, and why (describeSlackError's words). */
export interface GroupFailure {
  group: string;
  error: string;
}

/**
 * Why a click or request was refused when Slack did not list a group `setting` names: a lasting error says the setting
 * (or the bot's token) is wrong and who can fix it, for a click again would only be refused again; a passing one says
 * to try again.
 */
export function unlistedGroupsReason(setting: string, failures: readonly GroupFailure[], refused: string): string {
  const which = failures.map(({ group, error }) => `${group}: ${error}`).join('; ');
  if (failures.some(({ error }) => lastingError(error))) {
    return `Slack could not list the members of ${which} (usergroups.users.list), so ${refused}. Trying again will not help: ${setting} names a user group Slack does not have, or that the bot's token may not read (it needs the usergroups:read scope). Tell whoever runs databox-bot to correct ${setting}`;
  }
  return `Slack could not list the members of ${which} (usergroups.users.list), so ${refused}. Try again in a moment`;
}
