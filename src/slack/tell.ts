// Tells one person something only they see, and turns errors into the two kinds an operator may see.
import type { WebClient } from '@slack/web-api';
import { isUserError, newErrorReference } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
import { saidInSlack } from './mentions.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface Audience {
  channel: string;
  user: string;
  threadTs?: string;
}

export async function tellEphemeral(client: WebClient, redact: Redactor, to: Audience, text: string): Promise<void> {
  await client.chat.postEphemeral({ channel: to.channel, user: to.user, thread_ts: to.threadTs, text: redact(text) });
}

/** A user error is shown as is; anything else is logged with its cause and shown as a short message with a reference. */
/** Slack's answers that the operator can act on: the bot is not in the channel, or the channel is gone. */
const slackAdvice: Record<string, string> = {
  not_in_channel: 'the bot is not a member of this channel: invite it with /invite @databox-bot and try again',
  channel_not_found: 'the bot cannot see this channel (a private channel it was not invited to?): invite it with /invite @databox-bot',
  is_archived: 'this channel is archived: run the command in an open incident channel',
};

export function describeFailure(error: unknown, logger: Logger, context: Record<string, unknown>): string {
  if (isUserError(error)) return `:warning: ${saidInSlack(error.said)}${error.usage ? `\n${escapeMrkdwn(error.usage)}` : ''}`;
  const slackError = (error as { data?: { error?: string } })?.data?.error;
  if (slackError && slackAdvice[slackError]) {
    logger.warn({ err: error, ...context }, `Slack refused: ${slackError}`);
    return `:warning: Slack refused (${slackError}): ${slackAdvice[slackError]}.`;
  }
  const reference = newErrorReference();
  logger.error({ err: error, reference, ...context }, 'internal error');
  return `:x: Something went wrong on the bot's side (reference \`${reference}\`); the details are in its log. Nothing further was run.`;
}
