// Tells one person something only they see, and turns errors into the two kinds an operator may see.
import type { WebClient } from '@slack/web-api';
import { isUserError, newErrorReference } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
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
export function describeFailure(error: unknown, logger: Logger, context: Record<string, unknown>): string {
  if (isUserError(error)) return `:warning: ${escapeMrkdwn(error.message)}${error.usage ? `\n${escapeMrkdwn(error.usage)}` : ''}`;
  const reference = newErrorReference();
  logger.error({ err: error, reference, ...context }, 'internal error');
  return `:x: Something went wrong on the bot's side (reference \`${reference}\`); the details are in its log. Nothing further was run.`;
}
