// Thread messages an outage held back (slack.held-then-delivered) or a stop carried over (slack.carried-over), in the
// timeline's words: when the thread showed what the bot had done only later than it happened.
import type { Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { carriedOverType, heldThenTakenType } from '../slack/slack-held.js';
import { formatDuration, utcClock } from './markdown.js';
import { messageWords } from './undelivered-messages.js';

/**
 * Each held message once per outage: every delayed post or edit of a message is journaled as its own
 * slack.held-then-delivered, so one message can have several. Of those held in one failing span (each queued before the
 * one before it was taken, or within heldTogetherMs of it) the first says it (its first delay); `later` counts the ones
 * after it, which `repeats` holds, and the timeline leaves out. A hold of the same message in a later outage is its own line.
 */
export interface HeldOnce {
  later: ReadonlyMap<JournalRecord, number>;
  repeats: ReadonlySet<JournalRecord>;
}

/** How long after a held message was taken a new hold of it is still the same failing span. */
const heldTogetherMs = 60_000;

/** The message a held record is of: what it showed and its run, else the bot's label for it. */
function heldMessageKey(data: Record<string, unknown>): string {
  return typeof data.what === 'string' ? `${data.what}#${typeof data.runId === 'string' ? data.runId : ''}` : `label#${String(data.label ?? '')}`;
}

/** When a held record's hold began and ended (Slack took it), in ms; the record's time where its data does not say. */
function heldSpan(record: JournalRecord, data: Record<string, unknown>): { began: number; taken: number } {
  const queued = typeof data.queuedAt === 'string' ? Date.parse(data.queuedAt) : Number.NaN;
  const taken = !Number.isNaN(queued) && typeof data.heldMs === 'number' ? queued + data.heldMs : Date.parse(record.at);
  return { began: Number.isNaN(queued) ? taken : queued, taken };
}

export function heldOnce(records: readonly JournalRecord[]): HeldOnce {
  // Per message, the first record of its current outage and when its last hold there ended.
  const current = new Map<string, { first: JournalRecord; taken: number }>();
  const later = new Map<JournalRecord, number>();
  const repeats = new Set<JournalRecord>();
  for (const record of records) {
    if (record.type !== heldThenTakenType || typeof record.data !== 'object' || record.data === null) continue;
    const data = record.data as Record<string, unknown>;
    const key = heldMessageKey(data);
    const span = heldSpan(record, data);
    const earlier = current.get(key);
    if (!earlier || span.began > earlier.taken + heldTogetherMs) {
      current.set(key, { first: record, taken: span.taken });
      continue;
    }
    repeats.add(record);
    later.set(earlier.first, (later.get(earlier.first) ?? 0) + 1);
    earlier.taken = Math.max(earlier.taken, span.taken);
  }
  return { later, repeats };
}

/**
 * The timeline's line of a slack.held-then-delivered or slack.carried-over record; undefined for any other record, and
 * '' (no line) for a held record of a message an earlier one already names (`once`).
 */
export function heldEntry(record: JournalRecord, runOf: (runId: unknown) => Run | undefined, label: (run: Run) => string, once?: HeldOnce): string | undefined {
  const data = record.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null) return undefined;
  const at = `- \`${utcClock(record.at)}\``;
  if (record.type === heldThenTakenType) {
    if (once?.repeats.has(record)) return '';
    const queued = typeof data.queuedAt === 'string' ? ` at ${utcClock(data.queuedAt)}` : '';
    const held = typeof data.heldMs === 'number' ? `${formatDuration(data.heldMs)} after` : 'after';
    const words = messageWords(data, runOf(data.runId), label);
    const more = once?.later.get(record) ?? 0;
    const laterToo = more > 0 ? ` (${more} later update${more === 1 ? '' : 's'} of it ${more === 1 ? 'was' : 'were'} held too)` : '';
    return `${at} Slack took ${words} only then, ${held} the bot posted it${queued}${laterToo}: Slack was failing meanwhile, and the incident's thread showed what happened late`;
  }
  if (record.type === carriedOverType) {
    const messages = Array.isArray(data.messages) ? (data.messages as Record<string, unknown>[]) : [];
    const count = typeof data.count === 'number' ? data.count : messages.length;
    const listed = messages.map((m) => messageWords(m, runOf(m.runId), label)).join('; ');
    return `${at} The bot stopped with ${count} thread message${count === 1 ? '' : 's'} Slack had not taken${listed ? ` (${listed})` : ''}: kept for its next start, which shows them again`;
  }
  return undefined;
}
