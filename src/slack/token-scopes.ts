// The bot scopes manifest.yml asks for, and at start which of them the bot's token lacks, as Slack's answer to
// auth.test says (its x-oauth-scopes header): an app installed before a scope was added keeps its old token until it is
// reinstalled, and would otherwise be found out at the first click that needs the scope.

/** manifest.yml's oauth_config.scopes.bot, each with what the bot cannot do without it (token-scopes.test.ts holds the two together). */
export const manifestBotScopes: Readonly<Record<string, string>> = {
  commands: '/databox never reaches the bot',
  'chat:write': 'nothing is posted or updated in Slack',
  'chat:write.public': 'no incident can be opened in a public channel the bot was not invited to',
  'files:write': "a failed step's long output, a long plan and the postmortem are not attached to the thread",
  'users:read': 'every approval, and every recovery or rollback asked for by someone DATABOX_REQUESTERS does not name by ID, is refused',
  'usergroups:read': 'no member of a user group named by DATABOX_APPROVERS or DATABOX_REQUESTERS can act as one',
};

/**
 * The scopes manifest.yml asks for that `granted` (auth.test's response_metadata.scopes) lacks, and a log line naming
 * them and what to do; undefined when none is missing, or when Slack did not say which the token has.
 */
export function missingScopes(granted: readonly string[] | undefined): { missing: string[]; line: string } | undefined {
  if (!granted) return undefined;
  const missing = Object.keys(manifestBotScopes).filter((scope) => !granted.includes(scope));
  if (missing.length === 0) return undefined;
  const named = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  const consequences = missing.map((scope) => manifestBotScopes[scope]).join('; ');
  return {
    missing,
    line:
      `the bot's token lacks ${named}, which manifest.yml asks for: add ${missing.length === 1 ? 'it' : 'them'} to the Slack app (OAuth & Permissions, or paste manifest.yml again) ` +
      `and reinstall the app to the workspace. Until then ${consequences}`,
  };
}
