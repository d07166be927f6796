// Thread messages an outage held back (slack.held-then-delivered) or a stop carried over (slack.carried-over), in the
// timeline's words: when the thread showed what the bot had done only later than it happened.
import type { Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { carriedOverType, heldThenTakenType } from '../slack/slack-held.js';
import { formatDuration, utcClock } from './markdown.js';
import { messageWords } from './undelivered-messages.js';

/**
 * Each held message once: every delayed post or edit of a message is journaled as its own slack.held-then-delivered,
 * so one message can have several. The first says it (its first delay); `later` counts the ones after it, which
 * `repeats` holds, and the timeline leaves out.
 */
export interface HeldOnce {
  later: ReadonlyMap<JournalRecord, number>;
  repeats: ReadonlySet<JournalRecord>;
}

/** The message a held record is of: what it showed and its run, else the bot's label for it. */
function heldMessageKey(data: Record<string, unknown>): string {
  return typeof data.what === 'string' ? `${data.what}#${typeof data.runId === 'string' ? data.runId : ''}` : `label#${String(data.label ?? '')}`;
}

export function heldOnce(records: readonly JournalRecord[]): HeldOnce {
  const first = new Map<string, JournalRecord>();
  const later = new Map<JournalRecord, number>();
  const repeats = new Set<JournalRecord>();
  for (const record of records) {
    if (record.type !== heldThenTakenType || typeof record.data !== 'object' || record.data === null) continue;
    const key = heldMessageKey(record.data);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, record);
      continue;
    }
    repeats.add(record);
    later.set(earlier, (later.get(earlier) ?? 0) + 1);
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
