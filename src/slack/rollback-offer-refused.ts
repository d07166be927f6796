// A rollback offer Slack refused for good (token revoked, channel archived) is told at once to whoever approved the recovery, with the terminal's command.
import { cli } from '../commands/terminal-commands.js';
import type { Run } from '../incidents/state.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
import type { ApproversReplyLinks } from './approvers-reply-links.js';
import { escapeMrkdwn } from './mrkdwn.js';

export function rollbackOfferRefusedText(recovery: Pick<Run, 'id'>, reason: string): string {
  return (
    `:warning: The rollback offer for recovery \`${escapeMrkdwn(recovery.id)}\` could not be posted in the incident's thread: ${escapeMrkdwn(reason)}. ` +
    `At the bot's host, \`${cli} rollback ${recovery.id}\` proposes its rollback; the offer is posted once Slack takes the bot's messages there again.`
  );
}

/**
 * Tells the approver through their click's reply link, which needs neither the bot's token nor the channel; with none
 * Slack would take (approved at a terminal, over 30 minutes ago, used up), or refused, it is logged: status lists it.
 */
export async function tellRollbackOfferRefused(links: ApproversReplyLinks, redact: Redactor, logger: Logger, recovery: Pick<Run, 'id' | 'incidentId'>, reason: string): Promise<void> {
  const text = redact(rollbackOfferRefusedText(recovery, reason));
  const context = { runId: recovery.id, incident: recovery.incidentId, reason };
  const respond = links.take(recovery.id);
  if (!respond) {
    logger.warn(context, "a rollback offer Slack refused for good was told to nobody: the recovery's approval left no reply link Slack still takes");
    return;
  }
  try {
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  } catch (error) {
    logger.warn({ err: error, ...context }, "a rollback offer Slack refused for good was told to nobody: Slack refused the approver's reply link");
  }
}
