// Finds the environment variables that look like the bot's settings but are none: a misspelled one would be ignored.
import { closestName, editDistance } from './runbook/did-you-mean.js';

/**
 * DATABOX_* names the databox stack itself reads (its settings.py, Taskfile and sources; the backfill runbook's step
 * environment): they reach its commands through the bot's environment, so they are not the bot's to refuse.
 */
export const stackVariables: readonly string[] = [
  'DATABOX_BACKFILL_START',
  'DATABOX_BACKFILL_END',
  'DATABOX_SMOKE',
  'DATABOX_GATEWAY',
  'DATABOX_LOG_LEVEL',
  'DATABOX_LOG_FORMAT',
  'DATABOX_DLT_DATA_DIR',
  'DATABOX_EBIRD_DAYS_BACK',
  'DATABOX_NOAA_DAYS_BACK',
  'DATABOX_USGS_DAYS_BACK',
  'DATABOX_GBIF_MAX_RECORDS',
  'DATABOX_GBIF_PUBLIC_RELEASE',
  'DATABOX_INATURALIST_RATE_STATE',
  'DATABOX_QUACK_URI',
  'DATABOX_QUACK_TOKEN',
  'DATABOX_QUACK_SHARED_SERVER',
  'DATABOX_QUACK_TIMELINE_DIR',
];

/**
 * Prefixes the bot shares with the tools it drives (Dagster reads DAGSTER_HOME and more, DuckDB MOTHERDUCK_*), and its
 * own, which the databox stack shares (a setting it adds later is not in the list above): a name under one of these is
 * refused only when it is this many edits or fewer from one the bot reads, so a typo is caught and another tool's own
 * variable is left alone.
 */
const prefixes = ['DATABOX_', 'SLACK_', 'DAGSTER_', 'MOTHERDUCK_'];
const typoEdits = 2;

/** An unknown name, the known one closest to it, and whether it is close enough to be a misspelling of it (refused). */
export interface UnknownVariable {
  name: string;
  closest?: string;
  misspelt: boolean;
}

/**
 * Each variable in `names` that is not one of `known` (nor the stack's own) under one of the prefixes: misspelt when within
 * two edits of a known name under the same prefix, which the start refuses; a DATABOX_* name farther from every one is
 * not misspelt (the stack may read it) and is only warned about. Other names under the shared prefixes are not listed.
 */
export function unknownVariables(names: Iterable<string>, known: readonly string[]): UnknownVariable[] {
  const knownSet = new Set([...known, ...stackVariables]);
  const found: UnknownVariable[] = [];
  for (const name of names) {
    if (knownSet.has(name)) continue;
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (!prefix) continue;
    const near = known.filter((k) => k.startsWith(prefix) && editDistance(name, k) <= typoEdits).sort((a, b) => editDistance(name, a) - editDistance(name, b));
    if (near[0]) found.push({ name, closest: near[0], misspelt: true });
    else if (prefix === 'DATABOX_') found.push({ name, closest: closestName(name, known), misspelt: false });
  }
  return found;
}
