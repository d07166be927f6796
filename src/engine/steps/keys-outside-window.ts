// Before a window is put back from kept rows: rows outside it that hold a kept row's key and stay, which the kept row would repeat.
import type { TargetSession } from '../../database/target.js';
import { timeZoneLiteral } from '../../database/sql-literal.js';
import { sqlSegments } from './sql-segments.js';
import { firstNumber, sqlString } from './step-database.js';

/** The kept rows' keys a refusal shows a few of: enough to look them up, few enough for one line. */
const shownKeys = 5;

/** The column dlt writes each row's load into. */
const loadColumn = '_dlt_load_id';

/** The table, the kept rows' Parquet file, and the window's WHERE with its bound values. */
export interface WindowRows {
  table: string;
  from: string;
  where: string;
  params: readonly string[];
}

export interface OutsideOptions {
  /**
   * A WHERE (values inlined) of rows outside the window the same transaction deletes (the reload's rows around it): they
   * are gone when the kept rows go in, so they repeat no key.
   */
  deletedWith?: string;
  /** The source's IANA zone a TIMESTAMPTZ the WHERE reads is shown in, as its days are read; UTC when none. */
  timeZone?: string;
  /** The dlt loads that wrote the window after the recovery's delete (the reload's): a row of one is said to be its. */
  reloadLoads?: readonly string[];
}

/** Rows outside the window holding a kept row's key that stay: how many, and a few as "id 5 (observation_date …)". */
export interface KeysOutside {
  count: number;
  shown: string[];
  keyNames: string[];
}

/** The rows of the table outside the window (and not among those deleted with it) that hold a kept row's key. */
function holdingSql(rows: WindowRows, keys: readonly string[], deletedWith: string | undefined): string {
  // IS NOT TRUE: a row whose date is NULL is outside the window too, and stays; so does one of no load.
  const stays = deletedWith ? ` AND (${deletedWith}) IS NOT TRUE` : '';
  return (
    `SELECT * FROM (SELECT * FROM ${rows.table} WHERE (${rows.where}) IS NOT TRUE${stays}) AS present ` +
    `WHERE EXISTS (SELECT 1 FROM read_parquet(${sqlString(rows.from)}) AS kept WHERE ${keys.map((k) => `kept.${k} = present.${k}`).join(' AND ')})`
  );
}

/**
 * The rows outside the window that hold the key of a kept row and stay when it is replaced (a later load moved them out,
 * upstream correcting a day), beside which the kept row would be a second one; undefined when there are none. Each
 * shown with the columns the window's WHERE reads, which are what put it outside (its date, a TIMESTAMPTZ in the
 * source's zone), and its dlt load where the table has one.
 */
export async function keysOutsideWindow(session: TargetSession, rows: WindowRows, keys: readonly string[], options: OutsideOptions = {}): Promise<KeysOutside | undefined> {
  const holding = holdingSql(rows, keys, options.deletedWith);
  const count = firstNumber(await session.run(`SELECT count(*) FROM (${holding})`, [...rows.params]));
  if (count === 0) return undefined;
  const keyNames = keys.map((k) => k.slice(1, -1).replace(/""/g, '"'));
  const named = namesIn(rows.where);
  const types = new Map((await session.run(`DESCRIBE SELECT * FROM ${rows.table}`)).rows.map((row) => [String(row[0]), String(row[1])]));
  const shownColumns = [...types.keys()].filter((c) => named.has(c.toLowerCase()) && !keyNames.includes(c));
  const zone = options.timeZone || 'UTC';
  // A TIMESTAMPTZ as the source's days are read: its time in the source's zone, named (UTC's reads as another day).
  // UTC is the session's own (useUtcDays), read without the ICU extension's timezone() too.
  const local = (column: string) => (zone === 'UTC' ? `CAST(present.${quote(column)} AS TIMESTAMP)` : `timezone(${timeZoneLiteral(zone)}, present.${quote(column)})`);
  const said = (column: string) =>
    types.get(column) === 'TIMESTAMP WITH TIME ZONE'
      ? `strftime(${local(column)}, '%Y-%m-%d %H:%M:%S') || ' ' || ${sqlString(zone)}`
      : `CAST(present.${quote(column)} AS VARCHAR)`;
  const load = types.has(loadColumn) ? `, CAST(present.${loadColumn} AS VARCHAR)` : '';
  const examples = await session.run(
    `SELECT ${[...keyNames, ...shownColumns].map((c) => (keyNames.includes(c) ? `CAST(present.${quote(c)} AS VARCHAR)` : said(c))).join(', ')}${load} FROM (${holding}) AS present ` +
      `ORDER BY ${keys.map((k) => `present.${k}`).join(', ')} LIMIT ${shownKeys}`,
    [...rows.params],
  );
  const reloads = new Set(options.reloadLoads ?? []);
  const shown = examples.rows.map((row) => {
    const value = (name: string, i: number) => `${name} ${row[i] === null || row[i] === undefined ? 'NULL' : String(row[i])}`;
    const dated = shownColumns.map((c, i) => value(c, keyNames.length + i));
    const by = load ? row[keyNames.length + shownColumns.length] : undefined;
    const loadSaid =
      by === null || by === undefined
        ? []
        : [`written by dlt load ${String(by)}${reloads.has(String(by)) ? ", which wrote the window after the recovery's delete: the reload's, outside the days around the window it takes out" : ''}`];
    const about = [...(dated.length > 0 ? [dated.join(', ')] : []), ...loadSaid];
    return `${keyNames.map((k, i) => value(k, i)).join(', ')}${about.length > 0 ? ` (${about.join('; ')})` : ''}`;
  });
  return { count, shown: count > shownKeys ? [...shown, '…'] : shown, keyNames };
}

/** "1 row of raw_ebird.observations outside the window holds the key (id) of a kept row, and …: id 5 (…)". */
export function keysOutsideSaid(table: string, outside: KeysOutside, deletesAround: boolean): string {
  const { count } = outside;
  const stays = deletesAround ? `, and this rollback does not delete ${count === 1 ? 'it' : 'them'}` : '';
  return `${count === 1 ? '1 row' : `${count} rows`} of ${table.replace(/"/g, '')} outside the window hold${count === 1 ? 's' : ''} the key (${outside.keyNames.join(', ')}) of a kept row${stays}: ${outside.shown.join('; ')}`;
}

/** Why the window is not put back: the rows outside it that would repeat a kept row's key, and what to do. */
export function keysOutsideRefusal(table: string, outside: KeysOutside, deletesAround: boolean, keptFile: string): string {
  const one = outside.count === 1;
  return (
    `${keysOutsideSaid(table, outside, deletesAround)}. ` +
    `Put back, the kept rows would repeat ${one ? 'that key' : 'those keys'}, so nothing was changed. Delete ${one ? 'that row' : 'those rows'} first (or date ${one ? 'it' : 'them'} back into the window), then run this again; ` +
    `or put the window back by hand from the kept rows in ${keptFile}, left as it was`
  );
}

/** How many of the rows `deletedWith` picks hold a kept row's key: they go in the same transaction, so they repeat none. */
export async function keysDeletedWith(session: TargetSession, rows: Pick<WindowRows, 'table' | 'from'>, keys: readonly string[], deletedWith: string): Promise<number> {
  return firstNumber(
    await session.run(
      `SELECT count(*) FROM ${rows.table} AS present WHERE (${deletedWith}) ` +
        `AND EXISTS (SELECT 1 FROM read_parquet(${sqlString(rows.from)}) AS kept WHERE ${keys.map((k) => `kept.${k} = present.${k}`).join(' AND ')})`,
    ),
  );
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The names a WHERE reads, lower case: its words and quoted identifiers (keywords among them match no column). */
function namesIn(where: string): Set<string> {
  const names = new Set<string>();
  for (const segment of sqlSegments(where)) {
    if (segment.kind === 'identifier') names.add(segment.text.slice(1, -1).replace(/""/g, '"').toLowerCase());
    if (segment.kind === 'code') for (const word of segment.text.match(/[A-Za-z_][A-Za-z0-9_$]*/g) ?? []) names.add(word.toLowerCase());
  }
  return names;
}
