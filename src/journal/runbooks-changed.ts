// Which runbook files changed between the bot's previous start and this one, as the `bot.started` lines record their versions.
import type { JournalRecord } from './record.js';
import { shortVersion } from '../runbook/runbook-version.js';
import { botStartedType } from './bot-started.js';

/** One runbook file whose version differs from the previous start's: `from` absent for one added since, `to` for one taken out. */
export interface RunbookFileChange {
  file: string;
  from?: string;
  to?: string;
}

/**
 * The runbook versions the previous start recorded, from the journal as this start read it. Undefined when there was no
 * previous start, or it recorded none (journaled before versions were): nothing to compare with, so nothing is said.
 */
export function previousStartVersions(records: readonly JournalRecord[]): Record<string, string> | undefined {
  for (let index = records.length - 1; index >= 0; index -= 1) {
    const record = records[index] as JournalRecord;
    if (record.type !== botStartedType) continue;
    const runbooks = (record.data as { runbooks?: unknown }).runbooks;
    if (!runbooks || typeof runbooks !== 'object') return undefined;
    return Object.fromEntries(Object.entries(runbooks).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
  return undefined;
}

/** Each runbook whose version is not the one the previous start loaded, by its file's name (`fileOf`), in id order. */
export function runbooksChangedSince(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>, fileOf: (id: string) => string): RunbookFileChange[] {
  const ids = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  return ids.flatMap((id) => {
    const from = before[id];
    const to = now[id];
    if (from === to) return [];
    return [{ file: fileOf(id), ...(from ? { from } : {}), ...(to ? { to } : {}) }];
  });
}

const sha = (version: string) => `sha256:${shortVersion(version)}`;

/** "duckdb.yml sha256:a5a0fc2e5a51 → sha256:85999ebba991; extra.yml added (sha256:…); old.yml taken out (was sha256:…)". */
export function runbooksChangedWords(changes: readonly RunbookFileChange[]): string {
  return changes
    .map(({ file, from, to }) => (from && to ? `${file} ${sha(from)} → ${sha(to)}` : to ? `${file} added (${sha(to)})` : `${file} taken out (was ${sha(from ?? '')})`))
    .join('; ');
}

/** The changes as a `bot.started` line records them, read back; lines written before they were recorded have none. */
export function runbooksChangedOf(data: unknown): RunbookFileChange[] {
  const list = (data as { runbooksChanged?: unknown } | undefined)?.runbooksChanged;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const { file, from, to } = (item ?? {}) as Record<string, unknown>;
    if (typeof file !== 'string' || (typeof from !== 'string' && typeof to !== 'string')) return [];
    return [{ file, ...(typeof from === 'string' ? { from } : {}), ...(typeof to === 'string' ? { to } : {}) }];
  });
}
