// Slack's answers that say the app-level token (SLACK_APP_TOKEN) can never open a Socket Mode connection: at the start
// they stop it, and on a reconnect they stop the bot, as asking again changes nothing.
import { refusesTheToken } from './lasting-refusals.js';

/**
 * Beyond a refused token: one without connections:write, a bot token given as the app token, and the workspace or the
 * app's user gone (refusals @slack/socket-mode itself takes as final at a start).
 */
const unfitAppToken = new Set(['missing_scope', 'not_allowed_token_type', 'team_disabled', 'user_removed_from_team']);

export function refusesTheAppToken(code: string | undefined): code is string {
  return code !== undefined && (refusesTheToken(code) || unfitAppToken.has(code));
}

/** Refusals about where the token belongs rather than the token: what they mean. */
const workspaceGone: Readonly<Record<string, string>> = {
  team_disabled: "the app's workspace is disabled (deleted or suspended), and no token of it connects until it is back",
  user_removed_from_team: "the app's user was removed from the workspace: reinstall the app to it, and set the new app-level token as SLACK_APP_TOKEN",
};

/** What the operator does about it, after Slack's code. */
export function appTokenAdvice(code: string): string {
  return Object.hasOwn(workspaceGone, code) ? (workspaceGone[code] as string) : 'it must be an app-level token (xapp-…) with the connections:write scope';
}

/** The one line that says Slack refused the app token as the bot connected again, and what to do. */
export function appTokenRefusedOnReconnect(code: string): string {
  return (
    `SLACK_APP_TOKEN was refused by Slack as the bot connected again (${code}): the app-level token was revoked, or the app deleted or uninstalled. ` +
    "Create a new one on the app's Basic Information → App-Level Tokens (with the connections:write scope), set it as SLACK_APP_TOKEN and start the bot again. The bot stops"
  );
}
