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
 * The bot's own prefix, which the databox stack shares (a setting it adds later is not in the list above): a name under
 * it is refused only when it is so close to one the bot reads that it can only be a misspelling of it (misspelt below),
 * so that a stack setting of its own (DATABOX_HOST beside DATABOX_ROOT) never stops the start.
 */
const ownPrefix = 'DATABOX_';
/**
 * Prefixes the bot shares with other tools (Slack's SDKs read SLACK_API_TOKEN, Dagster DAGSTER_HOME, DuckDB
 * MOTHERDUCK_*): a name under one of them close to one the bot reads is only warned about; one of the bot's own
 * settings in another letter case is refused, but under MOTHERDUCK_ (below).
 */
const sharedPrefixes = ['SLACK_', 'DAGSTER_', 'MOTHERDUCK_'];
/** MotherDuck's tools read motherduck_token in lower case (its docs export it so): the bot's MOTHERDUCK_ settings in another case are warned about. */
const caseTolerantPrefixes = ['MOTHERDUCK_'];

/**
 * Whether `name` can only be a misspelling of `known`: one edit (a letter left out, added, changed, or two swapped), or
 * two in a name whose part after the prefix is long enough (8 characters or more) that two edits still leave most of it.
 */
function misspelling(name: string, known: string, prefix: string): boolean {
  const distance = editDistance(name, known);
  return distance <= 1 || (distance === 2 && known.length - prefix.length >= 8);
}

/** An unknown name, the known one closest to it, and whether it is a misspelling of it (which the start refuses). */
export interface UnknownVariable {
  name: string;
  closest?: string;
  misspelt: boolean;
  /** The name is `closest` in other letter case (databox_approvers): the environment's names are case-sensitive. */
  caseOnly?: boolean;
}

/**
 * Each variable in `names` that is not one of `known` (nor the stack's own): a DATABOX_* name (misspelt when it can only
 * be a misspelling of a known one, refused then; otherwise warned about, as the stack may read it), and a SLACK_/DAGSTER_/
 * MOTHERDUCK_ name that is a misspelling of one the bot reads (warned about only: those prefixes are other tools' too).
 * Names are compared in upper case, as the settings are written: databox_approvers or Databox_Approvers is ignored by
 * the bot as surely as DATABOX_APROVERS, and a known name in other case is misspelt (warned about under MOTHERDUCK_,
 * whose own tools read motherduck_token in lower case).
 */
export function unknownVariables(names: Iterable<string>, known: readonly string[]): UnknownVariable[] {
  const knownSet = new Set([...known, ...stackVariables]);
  const found: UnknownVariable[] = [];
  for (const name of names) {
    if (knownSet.has(name)) continue;
    const upper = name.toUpperCase();
    const prefix = [ownPrefix, ...sharedPrefixes].find((p) => upper.startsWith(p));
    if (!prefix) continue;
    if (known.includes(upper)) {
      // MotherDuck's tools read their own names in lower case (its documented `export motherduck_token=…`): under any
      // other prefix a name in other case can only be the bot's setting mistyped.
      found.push({ name, closest: upper, misspelt: !caseTolerantPrefixes.includes(prefix), caseOnly: true });
      continue;
    }
    if (knownSet.has(upper)) continue; // the stack's own, in another case: not the bot's to judge
    const near = known.filter((k) => k.startsWith(prefix) && misspelling(upper, k, prefix)).sort((a, b) => editDistance(upper, a) - editDistance(upper, b));
    if (prefix === ownPrefix) found.push({ name, closest: near[0] ?? closestName(upper, known), misspelt: near[0] !== undefined });
    else if (near[0]) found.push({ name, closest: near[0], misspelt: false });
  }
  return found;
}
