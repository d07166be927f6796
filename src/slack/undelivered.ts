// Thread messages Slack refused for good (the token, the channel), as the journal records them: the postmortem and a
// restarted bot's status then say which messages never reached Slack, and when they did after all.
import type { Incident } from '../incidents/state.js';
import type { AppendInput } from '../journal/journal.js';
import { redoKey, type DroppedMessage, type Redo } from './outbox.js';

export const notDeliveredType = 'slack.not-delivered';
export const deliveredLateType = 'slack.delivered-late';
export const noLongerKeptType = 'slack.no-longer-kept';

/** Slack refused a thread message for good: what it was (a run's message, its failure, a rollback offer…) and why. */
export function notDeliveredEvent(message: DroppedMessage): AppendInput {
  const { redo } = message;
  return {
    type: notDeliveredType,
    incident: message.incident,
    data: { label: message.label, code: message.code, kept: message.kept, ...(redo ? { what: redo.what, ...(redo.run ? { runId: redo.run } : {}) } : {}) },
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

/**
 * A message Slack refused for good that the bot no longer keeps to show: nothing is left to show for it (its run is
 * gone, the offer whose buttons it would replace never reached Slack), so it would be tried, and told of, for ever.
 */
export function noLongerKeptEvent(redo: Redo & { dropped: NonNullable<Redo['dropped']> }): AppendInput {
  return {
    type: noLongerKeptType,
    incident: redo.incident,
    data: { what: redo.what, ...(redo.run ? { runId: redo.run } : {}), code: redo.dropped.code, refusedAt: redo.dropped.at, reason: 'nothing left to show' },
  };
}

/** What the journal says Slack refused for good and the bot keeps to show, as the outbox keeps it. */
function keptInJournal(incidents: Iterable<Incident>): Redo[] {
  return [...incidents].flatMap((incident) =>
    (incident.undelivered ?? []).map((u) => ({ what: u.what, incident: incident.id, ...(u.runId ? { run: u.runId } : {}), dropped: { code: u.code, at: u.at } })),
  );
}

/**
 * What a restarted bot keeps (`kept`) and shows again (`shown`): what the journal says Slack refused for good (first:
 * it was refused before the stop gave up on the rest), then the carry-over's, each message once with what either knew
 * of it. A run whose end is shown again is not shown by its message too (the end shows it), but is kept, so its
 * message reaching the thread is journaled.
 */
export function withKeptInJournal(carried: readonly Redo[], incidents: Iterable<Incident>): { kept: Redo[]; shown: Redo[] } {
  const merged = new Map<string, Redo>();
  for (const redo of [...keptInJournal(incidents), ...carried]) {
    const key = redoKey(redo);
    const earlier = merged.get(key);
    merged.set(key, { ...earlier, ...redo, ...(earlier?.dropped ? { dropped: earlier.dropped } : {}), ...(earlier?.earlierMayHaveLanded ? { earlierMayHaveLanded: true } : {}) });
  }
  const all = [...merged.values()];
  const ended = new Set(all.filter((r) => r.what === 'verdict' || r.what === 'failure').map((r) => r.run));
  return { kept: all, shown: all.filter((r) => !(r.what === 'run' && ended.has(r.run))) };
}
