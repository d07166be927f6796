// Tells one person something only they see, and turns errors into the two kinds an operator may see.
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { IncidentAbandoned, isUserError, newErrorReference } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactDeep, type Redactor } from '../redact.js';
import { saidInSlack } from './mentions.js';
import { clientAskedAgain, mayHaveBeenCarriedOut, SlackCallFailed, slackRefusal, slackTrouble } from './slack-trouble.js';
import { notSentAgain } from './blind-reposts.js';
import { lastingRefusal, refusesTheToken, tokenAdvice } from './lasting-refusals.js';
import { cli } from '../commands/terminal-commands.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface Audience {
  channel: string;
  user: string;
  threadTs?: string;
  /** A click's response URL (Bolt's respond), when the request came with one: see tellEphemeral. */
  respond?: RespondFn;
}

/** Slack's refusals of chat.postEphemeral in a channel the bot may post in but is not a member of (chat:write.public). */
const notAMemberHere = new Set(['not_in_channel', 'channel_not_found']);

/**
 * chat.postEphemeral, or the click's response URL where Slack refuses that (a public channel the bot has not joined) or
 * there is no channel (a click in a modal): the URL works in any channel, but only 5 times in 30 minutes, so it is
 * the second choice, not the first.
 */
export async function tellEphemeral(client: WebClient, redact: Redactor, to: Audience, text: string): Promise<void> {
  const { respond } = to;
  const onlyToThem = { response_type: 'ephemeral', replace_original: false, text: redact(text) } as const;
  if (!to.channel && respond) {
    await respond(onlyToThem);
    return;
  }
  try {
    await client.chat.postEphemeral({ channel: to.channel, user: to.user, thread_ts: to.threadTs, text: onlyToThem.text });
  } catch (error) {
    if (!respond || !notAMemberHere.has(slackRefusal(error) ?? '')) throw error;
    await respond(onlyToThem);
  }
}

/** A reply through a response URL with everything in it redacted, as every message the bot posts is. */
export function redactedRespond(respond: RespondFn, redact: Redactor): RespondFn {
  return (message) => respond(redactDeep(message, redact));
}

/** Why a recovery asked for again while the same plan waits proposed nothing, as the record keeps it. */
export function samePlanWaitingReason(runId: string): string {
  return `the same plan already waits for approval (${runId}); nothing new was proposed`;
}

/** The answer to a recovery asked for again while the same plan waits (a second click or command, or a terminal's plan). */
export function samePlanWaitingText(runId: string): string {
  return `:link: The same plan already waits for approval: \`${runId}\` in the incident's thread. Nothing new was proposed.`;
}

/** Slack's answers that the operator can act on: the bot is not in the channel, or the channel is gone. */
const slackAdvice: Record<string, string> = {
  not_in_channel: 'the bot is not a member of this channel: invite it with /invite @databox-bot and try again',
  channel_not_found: 'the bot cannot see this channel (a private channel it was not invited to?): invite it with /invite @databox-bot',
  is_archived: 'this channel is archived: run the command in an open incident channel',
};

/**
 * Said instead of "invite it" in a direct message (a D… channel): nobody can invite a bot into a DM between people. A
 * DM with the bot is not offered instead: the app has no Messages tab (manifest.yml), and no teammate could approve there.
 */
const inADirectMessage = 'the bot cannot post in a direct message between people: run the command in a channel where your teammates are';

/** Said as a new incident opens in a direct message (with the bot): nobody else sees it, so nobody else may approve it. */
export const directMessageWarning =
  ':warning: This is a direct message: an incident opened here is seen by nobody else, so no teammate can approve its plans. Run the command in a channel where your teammates are.';

/**
 * Slack's refusal of another channel than the one the request came from (`refusedIn`, an incident's channel, which the
 * work went to) in words of that channel: "this channel is archived" would be wrong where the operator typed.
 */
function refusedElsewhere(refused: string | undefined, channel: string | undefined, refusedIn: string | undefined): string | undefined {
  const refusal = lastingRefusal(refused);
  if (!refusal || refusal.kind !== 'channel' || !refusedIn || refusedIn === channel) return undefined;
  return `Slack refused (${refusal.code}) in <#${refusedIn}>, the incident's channel, not this one: ${refusal.means}`;
}

/**
 * What Slack did, in words an operator can act on, when an error is Slack's own refusal or failure; else undefined.
 * `channel`: where the request came from, when known; `refusedIn`: where the refused call went, when that may differ.
 */
function slackSide(error: unknown, askedAgain: boolean, channel?: string, refusedIn?: string): string | undefined {
  const refused = slackRefusal(error);
  const elsewhere = refusedElsewhere(refused, channel, refusedIn);
  if (elsewhere) return elsewhere;
  const token = lastingRefusal(refused);
  const advice = refused && (channel?.startsWith('D') && notAMemberHere.has(refused) ? inADirectMessage : token?.kind === 'token' ? tokenAdvice(token) : slackAdvice[refused]);
  if (refused && advice) return `Slack refused (${refused}): ${advice}`;
  const trouble = slackTrouble(error);
  return trouble ? `Slack's Web API failed (${trouble}${askedAgain ? ', also when asked again' : ''}): Slack seems to be having trouble, not the bot` : undefined;
}

/**
 * While Slack refuses the bot's token nothing the bot does shows in Slack: what a terminal does instead, the command
 * asked for (`atTerminal`, as the CLI takes it) or its help. So too where Slack refuses the incident's channel
 * (`elsewhere`), whose thread shows nothing more: `elsewhereNote`, when given, says what became of the work and its way on.
 * `outage`: Slack failing (no answer, 5xx) kept the work from starting at all, so the terminal is the way on meanwhile.
 */
function meanwhileAtTerminal(error: unknown, atTerminal: string | undefined, elsewhere = false, elsewhereNote?: string, outage = false): string {
  if (elsewhere && elsewhereNote) return ` ${elsewhereNote}`;
  if (!refusesTheToken(slackRefusal(error)) && !(elsewhere && atTerminal) && !outage) return '';
  return atTerminal ? ` Meanwhile a terminal runs it without Slack: \`${atTerminal}\`.` : ` Meanwhile a terminal works without Slack: \`${cli} help\`.`;
}

/**
 * A user error is shown as is; Slack's refusals and failures with what to do; anything else is logged with its cause
 * and shown as a short message with a reference. `context` is logged; its `channel`, the request's, shapes the advice,
 * and its `atTerminal`, the command asked for as a terminal runs it, is given while Slack refuses the bot's token. Its
 * `refusedIn`, the channel the refused call went to (an incident's, from a command typed elsewhere), has a refusal of
 * that channel said of it, followed by `elsewhereNote` (what became of the work), else by `atTerminal`.
 */
export function describeFailure(error: unknown, logger: Logger, context: Record<string, unknown>): string {
  const text = (key: string) => (typeof context[key] === 'string' ? (context[key] as string) : undefined);
  const channel = text('channel');
  const atTerminal = text('atTerminal');
  const refusedIn = text('refusedIn');
  if (error instanceof IncidentAbandoned) {
    const failed = error.cause instanceof SlackCallFailed ? error.cause : undefined;
    const cause = failed ? failed.cause : error.cause;
    // A post Slack may have carried out is not sent again by the client (blind-reposts.ts): not "also when asked again".
    const slack = slackSide(cause, (failed?.attempts ?? 1) > 1 || (clientAskedAgain(cause) && !notSentAgain(cause)), channel);
    logger.warn({ err: cause, incident: error.incidentId, ...context }, 'an incident was abandoned: its first message could not be posted');
    const maybePosted = mayHaveBeenCarriedOut(cause) ? ' (Slack may have posted it all the same: it belongs to no incident)' : '';
    return `:warning: The incident's first message could not be posted${maybePosted}. ${slack ?? escapeMrkdwn(error.reason)}. Nothing was run: incident \`${error.incidentId}\` is on the record as abandoned.${meanwhileAtTerminal(cause, atTerminal, false, undefined, slackTrouble(cause) !== undefined)}`;
  }
  if (isUserError(error)) return `:warning: ${saidInSlack(error.slackSaid)}${error.usage ? `\n${escapeMrkdwn(error.usage)}` : ''}`;
  const slack = slackSide(error, clientAskedAgain(error), channel, refusedIn);
  if (slack) {
    logger.warn({ err: error, ...context }, `Slack refused or failed a call: ${slack}`);
    const elsewhere = refusedElsewhere(slackRefusal(error), channel, refusedIn) !== undefined;
    return `:warning: ${slack}.${slackTrouble(error) ? ' Try again in a minute.' : ''}${meanwhileAtTerminal(error, atTerminal, elsewhere, text('elsewhereNote'))}`;
  }
  const reference = newErrorReference();
  logger.error({ err: error, reference, ...context }, 'internal error');
  return `:x: Something went wrong on the bot's side (reference \`${reference}\`); the details are in its log. Nothing further was run.`;
}
