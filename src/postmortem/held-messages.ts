// Thread messages an outage held back (slack.held-then-delivered) or a stop carried over (slack.carried-over), in the
// timeline's words: when the thread showed what the bot had done only later than it happened.
import type { Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { carriedOverType, heldThenTakenType } from '../slack/slack-held.js';
import { formatDuration, utcClock } from './markdown.js';
import { messageWords } from './undelivered-messages.js';

/** The timeline's line of a slack.held-then-delivered or slack.carried-over record; undefined for any other record. */
export function heldEntry(record: JournalRecord, runOf: (runId: unknown) => Run | undefined, label: (run: Run) => string): string | undefined {
  const data = record.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null) return undefined;
  const at = `- \`${utcClock(record.at)}\``;
  if (record.type === heldThenTakenType) {
    const queued = typeof data.queuedAt === 'string' ? ` at ${utcClock(data.queuedAt)}` : '';
    const held = typeof data.heldMs === 'number' ? `${formatDuration(data.heldMs)} after` : 'after';
    const words = messageWords(data, runOf(data.runId), label);
    return `${at} Slack took ${words} only then, ${held} the bot posted it${queued}: Slack was failing meanwhile, and the incident's thread showed what happened late`;
  }
  if (record.type === carriedOverType) {
    const messages = Array.isArray(data.messages) ? (data.messages as Record<string, unknown>[]) : [];
    const count = typeof data.count === 'number' ? data.count : messages.length;
    const listed = messages.map((m) => messageWords(m, runOf(m.runId), label)).join('; ');
    return `${at} The bot stopped with ${count} thread message${count === 1 ? '' : 's'} Slack had not taken${listed ? ` (${listed})` : ''}: kept for its next start, which shows them again`;
  }
  return undefined;
}
