// The scopes the bot checks its token for at start are manifest.yml's, and a token lacking some is named with what each
// one stops; a token with all of them, or an answer that does not say, is not.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { manifestBotScopes, missingScopes } from '../../src/slack/token-scopes.js';
import { manifestScopes } from '../helpers/slack-stand-in.js';

const manifest = parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../manifest.yml'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };

describe("the bot token's scopes", () => {
  it('are checked against the bot scopes manifest.yml asks for, as the Slack stand-in grants them', () => {
    expect(Object.keys(manifestBotScopes)).toEqual(manifest.oauth_config.scopes.bot);
    expect(manifestScopes).toEqual(manifest.oauth_config.scopes.bot);
  });

  it('names those lacking and what each stops, in the order manifest.yml lists them', () => {
    expect(missingScopes(['commands', 'chat:write', 'chat:write.public', 'files:write'])).toEqual({
      missing: ['users:read', 'usergroups:read'],
      line:
        "the bot's token lacks users:read and usergroups:read, which manifest.yml asks for: add them to the Slack app (OAuth & Permissions, or paste manifest.yml again) and reinstall the app to the workspace. " +
        'Until then every approval, and every recovery or rollback asked for by someone DATABOX_REQUESTERS does not name by ID, is refused; no member of a user group named by DATABOX_APPROVERS or DATABOX_REQUESTERS can act as one',
    });
  });

  it('says nothing of a token with every scope, one with more, or an answer without x-oauth-scopes', () => {
    expect(missingScopes(manifest.oauth_config.scopes.bot)).toBeUndefined();
    expect(missingScopes([...manifest.oauth_config.scopes.bot, 'channels:read'])).toBeUndefined();
    expect(missingScopes(undefined)).toBeUndefined();
  });
});
