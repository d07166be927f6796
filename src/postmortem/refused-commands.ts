// Typed commands the bot refused: each request.refused record paired with the command.received it answers, or a
// command.received that carries its own refusal.
import type { JournalRecord } from '../journal/record.js';

export interface Refusals {
  /** A command.received record → the request.refused record that answers it. */
  ofCommand: Map<JournalRecord, JournalRecord>;
  /** The request.refused records told on their command's line. */
  paired: Set<JournalRecord>;
}

const text = (record: JournalRecord, key: string): string | undefined => {
  const value = (record.data as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Both front ends journal a refused command's text the same on both records (command.received's text, request.refused's
 * command), the refusal after the command but not always right after it (a refusal from the queue comes later): each is
 * paired with the latest command before it by the same person with the same text that no other refusal answered.
 */
export function pairRefusals(records: readonly JournalRecord[]): Refusals {
  const ofCommand = new Map<JournalRecord, JournalRecord>();
  const paired = new Set<JournalRecord>();
  // A command refused on its own line (past the per-person limit) is its own refusal.
  for (const record of records) if (record.type === 'command.received' && (record.data as Record<string, unknown>).refused === true) ofCommand.set(record, record);
  records.forEach((refusal, i) => {
    const command = refusal.type === 'request.refused' ? text(refusal, 'command') : undefined;
    if (command === undefined) return;
    for (let j = i - 1; j >= 0; j -= 1) {
      const received = records[j] as JournalRecord;
      if (received.type === 'command.received' && received.actor === refusal.actor && text(received, 'text') === command && !ofCommand.has(received)) {
        ofCommand.set(received, refusal);
        paired.add(refusal);
        return;
      }
    }
  });
  return { ofCommand, paired };
}

/** Whether a refusal is about this incident: journaled on it, or naming it (its data's incident, or incident=<id> typed). */
export function refusalAbout(refusal: JournalRecord, id: string): boolean {
  const typed = text(refusal, 'command') ?? (refusal.type === 'command.received' ? text(refusal, 'text') : undefined);
  return refusal.incident === id || text(refusal, 'incident') === id || (typed?.includes(`incident=${id}`) ?? false);
}

/** A refusal's reason on one line: some span two (a missing parameter, then why nothing filled it in). */
export function refusalReason(refusal: JournalRecord): string {
  // The line says "refused:" itself: a reason that opens with it too (as the terminal words its refusals) says it once.
  return (text(refusal, 'reason') ?? 'no reason recorded').replace(/\s*\n\s*/g, ' ').trim().replace(/^(refused[:,]\s*)+/i, '');
}
