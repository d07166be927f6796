// Thread messages Slack refused for good (slack.not-delivered), those it took later (slack.delivered-late) and those the
// bot stopped keeping with nothing left to show (slack.no-longer-kept), in the timeline's words: a rollback offered, or
// advice given, in a thread Slack never showed it in is said to be so.
import type { Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { deliveredLateType, noLongerKeptType, notDeliveredType } from '../slack/undelivered.js';
import { code, plain, utcClock } from './markdown.js';

/** When each refused message reached its thread after all (by what it was and its run), from the journal's lines. */
export type LateDeliveries = ReadonlyMap<string, string>;

function keyOf(data: Record<string, unknown>): string | undefined {
  return typeof data.what === 'string' ? `${data.what}#${typeof data.runId === 'string' ? data.runId : ''}` : undefined;
}

export function lateDeliveries(records: readonly JournalRecord[]): LateDeliveries {
  const late = new Map<string, string>();
  for (const record of records) {
    const key = record.type === deliveredLateType ? keyOf(record.data as Record<string, unknown>) : undefined;
    if (key && !late.has(key)) late.set(key, record.at);
  }
  return late;
}

/** The message as the operator knows it: the run's message, its failure, the rollback offer… */
export function messageWords(data: Record<string, unknown>, run: Run | undefined, label: (run: Run) => string): string {
  const runId = typeof data.runId === 'string' ? data.runId : undefined;
  const named = run ? `${label(run)} (\`${run.id}\`)` : runId ? `\`${plain(runId)}\`` : '';
  switch (data.what) {
    case 'run':
      return `the message of ${named}`;
    case 'verdict':
      return `the verdict of ${named}`;
    case 'failure':
      return `the failure of ${named}`;
    case 'rollback-offer':
      return `the rollback offer of ${named}`;
    // An edit of an offer's buttons once spent (offer-spent): named as the thread shows the offer, a verdict's or a
    // recovery's rollback offer, never by the bot's internal label ("offer dbx-…/1") nor as "a thread message ()".
    case 'offer-spent':
      if (run?.kind === 'diagnosis') return `the buttons of the verdict of ${named}`;
      if (run?.kind === 'recovery') return `the buttons of the rollback offer of ${named}`;
      return `the buttons of the offer of ${named}`;
    case 'root':
      return "the incident's first message (its status)";
    default:
      return typeof data.label === 'string' && data.label !== '' ? `a thread message (${plain(data.label)})` : 'a thread message';
  }
}

/** The timeline's line of a slack.not-delivered, slack.delivered-late or slack.no-longer-kept record; undefined for any other. */
export function undeliveredEntry(record: JournalRecord, run: Run | undefined, late: LateDeliveries, label: (run: Run) => string): string | undefined {
  const data = record.data as Record<string, unknown> | null;
  // A line without data is said by the timeline as one it cannot make sense of.
  if (typeof data !== 'object' || data === null) return undefined;
  const at = `- \`${utcClock(record.at)}\``;
  const refused = code(String(data.code ?? ''));
  if (record.type === notDeliveredType) {
    const key = keyOf(data);
    const later = key === undefined ? undefined : late.get(key);
    const then = later ? `; it reached the thread later, at ${utcClock(later)} (below)` : ': it had not reached Slack when this postmortem was written';
    return `${at} Slack refused ${messageWords(data, run, label)} for good (${refused}), so it was not in the incident's thread${then}`;
  }
  if (record.type === deliveredLateType) {
    const since = typeof data.refusedAt === 'string' ? `, refused since ${utcClock(data.refusedAt)}` : '';
    return `${at} ${messageWords(data, run, label).replace(/^./, (first) => first.toUpperCase())} reached the incident's thread after all (Slack had refused it for good${since}, ${refused})`;
  }
  if (record.type === noLongerKeptType) {
    return `${at} ${messageWords(data, run, label).replace(/^./, (first) => first.toUpperCase())}, refused by Slack for good (${refused}), is no longer kept to show in the thread: nothing was left to show for it`;
  }
  return undefined;
}
