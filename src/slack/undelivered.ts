// Thread messages Slack refused for good (the token, the channel), as the journal records them: the postmortem and a
// restarted bot's status then say which messages never reached Slack, and when they did after all.
import type { AppendInput } from '../journal/journal.js';
import type { DroppedMessage, Redo } from './outbox.js';

export const notDeliveredType = 'slack.not-delivered';
export const deliveredLateType = 'slack.delivered-late';

/** Slack refused a thread message for good: what it was (a run's message, its failure, a rollback offer…) and why. */
export function notDeliveredEvent(message: DroppedMessage): AppendInput {
  const { redo } = message;
  return {
    type: notDeliveredType,
    incident: message.incident,
    data: { label: message.label, code: message.code, ...(redo ? { what: redo.what, ...(redo.run ? { runId: redo.run } : {}) } : {}) },
  };
}

/** A message Slack had refused for good reached the thread: shown again once Slack took the bot's messages there. */
export function deliveredLateEvent(redo: Redo & { dropped: NonNullable<Redo['dropped']> }): AppendInput {
  return {
    type: deliveredLateType,
    incident: redo.incident,
    data: { what: redo.what, ...(redo.run ? { runId: redo.run } : {}), code: redo.dropped.code, refusedAt: redo.dropped.at },
  };
}
