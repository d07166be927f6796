// Tells one person something only they see, trying each way Slack offers in turn, and never fails: work nobody waits on
// (a joiner told where the incident is, a refusal after the ack) calls it without a catch that could fail again.
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { newErrorReference } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
import { tellEphemeral, type Audience } from './tell.js';

/** One way of reaching the person: its name, for the log, and the call. */
type Way = readonly [how: string, send: () => Promise<unknown>];

/**
 * Tries each way until one is taken. A way that failed before one was taken is logged as a warning (a reply link that
 * fails every time is an outbound allowlist or proxy to fix); none taken, the message is logged with each way's cause and
 * a reference, as an internal error is, so whoever reads the log sees what the person was not told.
 */
async function firstThatReaches(ways: readonly Way[], logger: Logger, text: string, context: Record<string, unknown>): Promise<void> {
  const failed: string[] = [];
  let lastError: unknown;
  for (const [how, send] of ways) {
    try {
      await send();
      if (failed.length > 0) logger.warn({ err: lastError, failed, ...context }, `a message for one person went by ${how} instead`);
      return;
    } catch (error) {
      failed.push(`${how}: ${error instanceof Error ? error.message : String(error)}`);
      lastError = error;
    }
  }
  logger.error({ err: lastError, failed, reference: newErrorReference(), text, ...context }, 'a message for one person reached nobody: every way to tell them failed');
}

/** Whom a command answers: where it was typed, who typed it, and its reply link (its response URL, through Bolt's respond). */
export interface CommandSender {
  channel: string;
  user: string;
  respond: RespondFn;
}

/**
 * The answer to a command after its ack: its reply link first (it works in any channel, a direct message too), then
 * chat.postEphemeral in the channel it was typed in, for when the link is refused (expired, hooks.slack.com blocked).
 * `context` is logged with any failure (the command, the incident it concerns).
 */
export function tellCommandSender(client: WebClient, redact: Redactor, logger: Logger, to: CommandSender, text: string, context: Record<string, unknown>): Promise<void> {
  const said = redact(text);
  return firstThatReaches(
    [
      ["the command's reply link", () => to.respond({ response_type: 'ephemeral', replace_original: false, text: said })],
      ['chat.postEphemeral', () => client.chat.postEphemeral({ channel: to.channel, user: to.user, text: said })],
    ],
    logger,
    said,
    { user: to.user, channel: to.channel, ...context },
  );
}

/**
 * The answer to a click: as tellEphemeral gives it (chat.postEphemeral, the click's reply link where Slack refuses that
 * for membership), then the reply link whatever Slack's refusal was (an internal_error, a 500).
 */
export function tellClicker(client: WebClient, redact: Redactor, logger: Logger, to: Audience, text: string, context: Record<string, unknown>): Promise<void> {
  const said = redact(text);
  const { respond } = to;
  const ways: Way[] = [['chat.postEphemeral', () => tellEphemeral(client, redact, to, text)]];
  // Without a channel tellEphemeral has used the reply link already.
  if (respond && to.channel) ways.push(["the click's reply link", () => respond({ response_type: 'ephemeral', replace_original: false, text: said })]);
  return firstThatReaches(ways, logger, said, { user: to.user, channel: to.channel, ...context });
}

/**
 * tellClicker without waiting for Slack: for a job that holds a place in the work queue (an approval's), which a 429
 * must not hold up for a minute while others' commands wait behind it.
 */
export function tellWithoutWaiting(client: WebClient, redact: Redactor, logger: Logger, to: Audience, text: string, context: Record<string, unknown>): Promise<void> {
  void tellClicker(client, redact, logger, to, text, context);
  return Promise.resolve();
}

/**
 * The answer to a form's submission after its ack. Slack gives a submission no reply link, so there is one way:
 * chat.postEphemeral in the incident's thread. Refused, or without a thread to say it in, it is logged with a reference.
 */
export function tellFormSender(client: WebClient, redact: Redactor, logger: Logger, to: Omit<Audience, 'respond'>, text: string, context: Record<string, unknown>): Promise<void> {
  const said = redact(text);
  if (!to.channel) {
    logger.error({ reference: newErrorReference(), text: said, user: to.user, ...context }, "a message for one person reached nobody: a form's submission has no reply link, and its incident no thread to say it in");
    return Promise.resolve();
  }
  const ways: Way[] = [['chat.postEphemeral', () => client.chat.postEphemeral({ channel: to.channel, user: to.user, thread_ts: to.threadTs, text: said })]];
  return firstThatReaches(ways, logger, said, { user: to.user, channel: to.channel, ...context });
}
