// Keys an older version's runbooks hold that this one no longer reads: left out before the shape is checked, so the runbook still loads, and named as a note.
import type { DataPath } from './yaml-lines.js';

interface RetiredKey {
  kind: string;
  key: string;
  note: string;
}

/** A runbook copied before the key was retired must not stop the bot's start after an upgrade: it is read without it. */
const retiredKeys: readonly RetiredKey[] = [
  { kind: 'dagster-schedule-stop', key: 'launchedBackfill', note: 'launchedBackfill is no longer read: the backfill step says this now; remove it' },
];

/** Whether a runbook's text may hold a retired key at all: most never do, and need not be parsed again to know it. */
export function mayHoldRetiredKey(text: string): boolean {
  return retiredKeys.some((retired) => text.includes(retired.key));
}

export interface RetiredKeyFound {
  at: DataPath;
  note: string;
}

/** The content without the retired keys of any step, wherever it is written, and where each was. */
export function withoutRetiredKeys(content: unknown): { content: unknown; found: RetiredKeyFound[] } {
  const found: RetiredKeyFound[] = [];
  const walk = (value: unknown, at: DataPath): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...at, i]));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value).filter(([key]) => {
      const retired = retiredKeys.find((r) => r.key === key && (value as Record<string, unknown>).kind === r.kind);
      if (retired) found.push({ at: [...at, key], note: retired.note });
      return !retired;
    });
    return Object.fromEntries(entries.map(([key, item]) => [key, walk(item, [...at, key])]));
  };
  const stripped = walk(content, []);
  return { content: found.length > 0 ? stripped : content, found };
}
