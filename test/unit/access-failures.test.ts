// What a person refused is told when Slack did not say who they are, from the real Web API client's errors against a
// loopback Slack: a lasting refusal names what is wrong and who can fix it, silence names the wait, the rest says to
// try again; never the client's own message.
import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeSlackError, groupRefusal, personUnknownReason, unlistedGroupsReason } from '../../src/slack/access-failures.js';
import { webApiPolicy } from '../../src/slack/app.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

const slack = new SlackStandIn();
beforeAll(() => slack.start());
afterAll(() => slack.stop());
afterEach(() => {
  slack.dropHeld();
  slack.failures.clear();
  slack.trouble = [];
  slack.troubled = /^(chat|files)\./;
});

const words = { refused: 'the click was refused', nothing: 'nothing was approved' };

/**
 * The error users.info fails with, through the bot's own client policy, no retries. The client waits 1 s only where
 * Slack is silent on purpose; an answer on a loaded machine can take longer than that.
 */
async function failure(timeout = 30_000): Promise<unknown> {
  const client = new webApi.WebClient('xoxb-test', { ...webApiPolicy, slackApiUrl: slack.apiUrl, timeout, retryConfig: { retries: 0 } });
  return client.users.info({ user: 'U1' }).then(
    () => expect.unreachable('users.info answered'),
    (error: unknown) => error,
  );
}

describe('why Slack did not say who someone is', () => {
  it('names a token without users:read, also when Slack does not say which scope it needed', async () => {
    slack.failures.set('users.info', 'missing_scope');
    expect(personUnknownReason(await failure(), words, 30_000)).toBe(
      "Slack would not tell the bot who you are (users.info: missing_scope), so the click was refused; nothing was approved. Trying again will not help: the bot's token lacks the users:read scope (an app installed before the scope was added to manifest.yml). Tell whoever runs databox-bot to add it and reinstall the app",
    );
  });

  it('names a token Slack refuses', async () => {
    slack.failures.set('users.info', 'token_revoked');
    expect(personUnknownReason(await failure(), words, 30_000)).toBe(
      "Slack would not tell the bot who you are (users.info: token_revoked), so the click was refused; nothing was approved. Trying again will not help: Slack does not accept the bot's token. Tell whoever runs databox-bot to give it a valid one (SLACK_BOT_TOKEN)",
    );
  });

  it('says to try again when Slack has trouble of its own, in its code or in plain words', async () => {
    slack.failures.set('users.info', 'ratelimited');
    expect(personUnknownReason(await failure(), words, 30_000)).toBe('Slack could not tell the bot who you are (users.info: ratelimited), so the click was refused; nothing was approved. Try again in a moment');
    slack.failures.clear();
    slack.troubled = /^users\.info$/;
    slack.trouble = [{ status: 500 }];
    expect(describeSlackError(await failure(), 30_000)).toBe("Slack's Web API failed: it answered HTTP 500");
  });

  it('says how long the bot waited when Slack did not answer, not the client\'s words', async () => {
    slack.troubled = /^users\.info$/;
    slack.trouble = ['silence'];
    const error = await failure(1_000);
    expect(personUnknownReason(error, words, 1_000)).toBe(
      "Slack's Web API did not answer within 1.0 s when the bot asked who you are (users.info), so the click was refused; nothing was approved. Try again in a moment",
    );
    expect(describeSlackError(error, 1_000)).toBe('no answer within 1.0 s');
  });
});

describe('why Slack did not list a user group (usergroups.users.list)', () => {
  const refused = 'the click was refused';
  const reason = (error: string) => unlistedGroupsReason('DATABOX_APPROVERS', [{ group: 'S0ONCALL', error }], refused);

  it.each([
    ['no_such_subteam', 'this workspace has no such user group: correct DATABOX_APPROVERS'],
    ['plan_upgrade_required', "this workspace's plan has no user groups: list user IDs in DATABOX_APPROVERS"],
    ['missing_scope', "the bot's token lacks the usergroups:read scope (an app installed before the scope was added to manifest.yml): add it and reinstall the app"],
    ['not_allowed_token_type', 'SLACK_BOT_TOKEN is not a bot token, xoxb-…: give the bot a valid one'],
    ['token_revoked', 'the bot token, SLACK_BOT_TOKEN, was revoked, or the app uninstalled: give the bot a valid one'],
    ['no_permission', 'Slack will not let the bot read user groups (no_permission): list user IDs in DATABOX_APPROVERS'],
    ['enterprise_is_restricted', 'Slack will not let the bot read user groups (enterprise_is_restricted): list user IDs in DATABOX_APPROVERS'],
  ])('says %s is lasting, and what fixes it', (error, advice) => {
    expect(groupRefusal('DATABOX_APPROVERS', error)).toBeDefined();
    expect(reason(error)).toBe(`Slack could not list the members of S0ONCALL: ${error} (usergroups.users.list), so ${refused}. Trying again will not help: ${advice}. Tell whoever runs databox-bot`);
  });

  it.each(['ratelimited', 'fatal_error', 'org_login_required', "Slack's Web API failed: it answered HTTP 500"])('says to try again after %s', (error) => {
    expect(groupRefusal('DATABOX_APPROVERS', error)).toBeUndefined();
    expect(reason(error)).toBe(`Slack could not list the members of S0ONCALL: ${error} (usergroups.users.list), so ${refused}. Try again in a moment`);
  });
});
