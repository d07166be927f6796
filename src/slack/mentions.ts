// People in Slack text: a Slack user id becomes a mention (<@U012ABC>), anyone else (terminal:alice) is shown by name.
import type { Said } from '../said.js';
import { renderSaid } from '../said.js';
import { escapeMrkdwn } from './mrkdwn.js';

export function slackMention(actor: string | undefined): string {
  if (!actor) return 'someone';
  return /^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : escapeMrkdwn(actor);
}

/** An engine message as mrkdwn: its text escaped, its people mentioned. */
export function saidInSlack(message: Said): string {
  return renderSaid(message, slackMention, escapeMrkdwn);
}
