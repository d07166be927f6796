// Why Slack did not say who someone is (users.info) or who is in a user group (usergroups.users.list), in words the
// person refused can act on: a lasting refusal names what is wrong and who can fix it, for trying again would only be
// refused again; silence names how long the bot waited; anything else may clear in a moment.
import { formatDuration } from '../format-duration.js';
import { lastingRefusal, refusesTheToken } from './lasting-refusals.js';
import { slackCodeOf, slackTrouble, unansweredInTime } from './slack-trouble.js';

/** Slack's answers that the group named does not exist. */
const noSuchGroup = new Set(['no_such_subteam', 'subteam_not_found']);

/**
 * usergroups.users.list's own lasting refusals beyond those of every method (lasting-refusals.ts), from its
 * documentation: a workspace whose plan has no user groups (Free), and answers that the bot may not read them.
 */
const cannotReadGroups = new Set(['no_permission', 'enterprise_is_restricted', 'two_factor_setup_required', 'method_deprecated', 'deprecated_endpoint']);

/** Why Slack will never list a group a setting names, and what whoever runs the bot should do about it. */
interface GroupRefusal {
  why: string;
  fix: string;
}

/** The lasting refusal Slack's `error` to list a group `setting` names is; undefined when asking again may work. */
export function groupRefusal(setting: string, error: string): GroupRefusal | undefined {
  if (noSuchGroup.has(error)) return { why: 'this workspace has no such user group', fix: `correct ${setting}` };
  // Slack's Free plans have no user groups at all: the setting can only name people.
  if (error === 'plan_upgrade_required') return { why: "this workspace's plan has no user groups", fix: `list user IDs in ${setting}` };
  if (error === 'missing_scope') {
    return { why: "the bot's token lacks the usergroups:read scope (an app installed before the scope was added to manifest.yml)", fix: 'add it and reinstall the app' };
  }
  const refusal = lastingRefusal(error);
  if (refusal?.kind === 'token') return { why: refusal.means, fix: 'give the bot a valid one' };
  if (refusal?.kind === 'access' || cannotReadGroups.has(error)) return { why: `Slack will not let the bot read user groups (${error})`, fix: `list user IDs in ${setting}` };
  return undefined;
}

/** A lasting refusal in one line: why, then what to do. */
export function groupRefusalAdvice({ why, fix }: GroupRefusal): string {
  return `${why}: ${fix}`;
}

/** How a refused click or request is said to have ended: "the click was refused", "nothing was approved". */
export interface RefusalWords {
  refused: string;
  nothing: string;
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
  const lasting = failures.map(({ error }) => groupRefusal(setting, error)).find((refusal) => refusal !== undefined);
  if (lasting) return `Slack could not list the members of ${which} (usergroups.users.list), so ${refused}. Trying again will not help: ${groupRefusalAdvice(lasting)}. Tell whoever runs databox-bot`;
  return `Slack could not list the members of ${which} (usergroups.users.list), so ${refused}. Try again in a moment`;
}
