// Slack's answers that asking again never changes, in one list for every part of the bot that asks Slack (the outbox,
// the start's token check, the checks of who may act), each with what it means in words an operator can act on.
import { slackCodeOf } from './slack-trouble.js';

/**
 * What a lasting refusal is about: the bot's token (nothing goes until SLACK_BOT_TOKEN is replaced), what the token may
 * do (a scope, a workspace setting), the channel (gone, archived, closed to the bot), or the message itself.
 */
export type LastingKind = 'token' | 'access' | 'channel' | 'message';

interface Lasting {
  kind: LastingKind;
  /** What it means, said of the incident's channel where it is about a channel. */
  means: string;
  /** A refusal of the message as made (too long, a block Slack will not take): shown once more as plain words (refused-message.ts). */
  asMade?: true;
  /**
   * A refusal of one kind of message in the channel, not of the channel: Slack may take the bot's other kinds there
   * (a top-level post, a thread reply, an edit, a file) all the while, so one of those taken says nothing of this one.
   */
  oneKind?: true;
}

/**
 * From Slack's method documentation (chat.postMessage, chat.update, chat.postEphemeral and the errors common to every
 * method) and its OpenAPI spec. Left out, so retried: Slack's own trouble (slack-trouble.ts), `ratelimited`, and the
 * migrations Slack says end by themselves (`org_login_required`, `team_added_to_org`: "unavailable until the migration
 * is complete").
 */
const lasting: Readonly<Record<string, Lasting>> = {
  invalid_auth: { kind: 'token', means: 'Slack does not accept the bot token, SLACK_BOT_TOKEN' },
  not_authed: { kind: 'token', means: 'no bot token reached Slack' },
  account_inactive: { kind: 'token', means: 'the bot token, SLACK_BOT_TOKEN, belongs to a deleted workspace or bot user' },
  token_revoked: { kind: 'token', means: 'the bot token, SLACK_BOT_TOKEN, was revoked, or the app uninstalled' },
  token_expired: { kind: 'token', means: 'the bot token, SLACK_BOT_TOKEN, has expired' },
  not_allowed_token_type: { kind: 'token', means: 'SLACK_BOT_TOKEN is not a bot token, xoxb-…' },
  missing_scope: { kind: 'access', means: 'the bot token lacks a scope this needs' },
  team_access_not_granted: { kind: 'access', means: 'the bot token is not granted access to this workspace' },
  ekm_access_denied: { kind: 'access', means: "the workspace's administrators have suspended posting, with Enterprise Key Management" },
  access_denied: { kind: 'access', means: 'Slack denies the bot access to what the call names' },
  channel_not_found: { kind: 'channel', means: 'the bot cannot see the channel: it is private and the bot is not in it (invite it with /invite @databox-bot), or it was deleted' },
  not_in_channel: { kind: 'channel', means: 'the bot is not in the channel: invite it with /invite @databox-bot' },
  is_archived: { kind: 'channel', means: 'the channel is archived' },
  is_inactive: { kind: 'channel', means: 'the channel is archived, frozen or deleted, and its messages can no longer be edited' },
  no_permission: { kind: 'channel', means: 'the bot may not post in the channel: invite it again with /invite @databox-bot' },
  // "A workspace preference prevents the authenticated user from posting": a setting may bar files alone, say.
  restricted_action: { kind: 'channel', means: 'a workspace setting keeps the bot from posting in the channel', oneKind: true },
  restricted_action_read_only_channel: { kind: 'channel', means: 'the channel is read-only' },
  // Slack: "Cannot post top-level messages into a thread-only channel"; "Cannot post thread replies into a
  // non_threadable channel". Each refuses one kind of post, and the channel takes the other.
  restricted_action_thread_only_channel: { kind: 'channel', means: 'the channel takes replies in threads only', oneKind: true },
  restricted_action_non_threadable_channel: { kind: 'channel', means: 'the channel takes no threads', oneKind: true },
  message_not_found: { kind: 'message', means: 'the message is gone (deleted)' },
  cant_update_message: { kind: 'message', means: 'the bot may not edit the message' },
  edit_window_closed: { kind: 'message', means: "the workspace's edit window for the message has closed" },
  msg_too_long: { kind: 'message', means: 'the message is too long', asMade: true },
  // Undocumented, but answered when a message's blocks hold too much text in all (bolt-js#2509, #2867).
  msg_blocks_too_long: { kind: 'message', means: "the message's blocks hold too much text in all", asMade: true },
  invalid_blocks: { kind: 'message', means: 'Slack will not take a block of the message', asMade: true },
  invalid_blocks_format: { kind: 'message', means: 'Slack will not take the blocks of the message', asMade: true },
  invalid_arguments: { kind: 'message', means: 'Slack will not take what the call gave' },
  no_text: { kind: 'message', means: 'the message has no text', asMade: true },
};

/** A lasting refusal: Slack's code, what it is about, and what it means. */
export interface LastingRefusal extends Lasting {
  code: string;
}

/** The lasting refusal `error` is (a code, or a Web API client error carrying one); undefined for anything else. */
export function lastingRefusal(error: unknown): LastingRefusal | undefined {
  const code = typeof error === 'string' ? error : slackCodeOf(error);
  const found = code === undefined || !Object.hasOwn(lasting, code) ? undefined : lasting[code];
  return found && code ? { code, ...found } : undefined;
}

/** Whether Slack's code says the bot's token itself is refused: nothing goes until SLACK_BOT_TOKEN is replaced. */
export function refusesTheToken(code: string | undefined): boolean {
  return lastingRefusal(code)?.kind === 'token';
}

/** Whether Slack's code says the token itself, or what it may do, is the problem: the setup, not the request. */
export function refusesTheSetup(code: string | undefined): boolean {
  const kind = lastingRefusal(code)?.kind;
  return kind === 'token' || kind === 'access';
}

/** What to do about a refused bot token, after what Slack said. */
export function tokenAdvice(refusal: LastingRefusal): string {
  return `${refusal.means}: reinstall the app to the workspace for a new bot token (xoxb-…), set it as SLACK_BOT_TOKEN and restart the bot`;
}

/** Why Slack did not take something, for the operator: its code, then what it means (for the token, what to do). */
export function refusalReason(refusal: LastingRefusal): string {
  return `Slack refused it (${refusal.code}): ${refusal.kind === 'token' ? tokenAdvice(refusal) : refusal.means}`;
}
