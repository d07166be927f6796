// Slack's answers that say the app-level token (SLACK_APP_TOKEN) can never open a Socket Mode connection: at the start
// they stop it, and on a reconnect they stop the bot, as asking again changes nothing.
import { refusesTheToken } from './lasting-refusals.js';

/** Beyond a refused token: one without connections:write, or a bot token given as the app token. */
const unfitAppToken = new Set(['missing_scope', 'not_allowed_token_type']);

export function refusesTheAppToken(code: string | undefined): code is string {
  return code !== undefined && (refusesTheToken(code) || unfitAppToken.has(code));
}

/** What the operator does about it, after Slack's code. */
export const appTokenAdvice = 'it must be an app-level token (xapp-…) with the connections:write scope';

/** The one line that says Slack refused the app token as the bot connected again, and what to do. */
export function appTokenRefusedOnReconnect(code: string): string {
  return (
    `SLACK_APP_TOKEN was refused by Slack as the bot connected again (${code}): the app-level token was revoked, or the app deleted or uninstalled. ` +
    "Create a new one on the app's Basic Information → App-Level Tokens (with the connections:write scope), set it as SLACK_APP_TOKEN and start the bot again. The bot stops"
  );
}
