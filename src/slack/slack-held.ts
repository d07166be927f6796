// What the journal says of thread messages an outage held back: taken late by Slack, or carried over by a stop.
import type { AppendInput } from '../journal/journal.js';
import type { HeldMessage, Redo } from './outbox.js';

export const heldThenTakenType = 'slack.held-then-delivered';
export const carriedOverType = 'slack.carried-over';

/** Slack took a thread message well after the bot queued it (see heldLongMs): when the thread lagged, and by how much. */
export function heldThenTakenEvent(held: HeldMessage): AppendInput {
  const { redo } = held;
  return {
    type: heldThenTakenType,
    incident: held.incident,
    data: {
      label: held.label,
      queuedAt: new Date(held.queuedAt).toISOString(),
      heldMs: held.takenAt - held.queuedAt,
      ...(redo ? { what: redo.what, ...(redo.run ? { runId: redo.run } : {}) } : {}),
    },
  };
}

/** A stop gave up on thread messages Slack had not taken: one event per incident, for its postmortem, saying what the next start shows again. */
export function carriedOverEvents(redo: readonly Redo[]): AppendInput[] {
  const byIncident = new Map<string, Redo[]>();
  for (const r of redo) byIncident.set(r.incident, [...(byIncident.get(r.incident) ?? []), r]);
  return [...byIncident].map(([incident, messages]) => ({
    type: carriedOverType,
    incident,
    data: { count: messages.length, messages: messages.map((m) => ({ what: m.what, ...(m.run ? { runId: m.run } : {}) })) },
  }));
}
