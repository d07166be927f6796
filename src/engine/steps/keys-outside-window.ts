// Before a window is put back from kept rows: rows outside it that hold a kept row's key, which the kept row would repeat.
import type { TargetSession } from '../../database/target.js';
import { sqlSegments } from './sql-segments.js';
import { firstNumber, sqlString } from './step-database.js';

/** The kept rows' keys a refusal shows a few of: enough to look them up, few enough for one line. */
const shownKeys = 5;

/**
 * Why putting the kept rows back would repeat keys, or undefined when it would not: rows outside the window that hold
 * the key of a kept row (a later load moved them out, upstream correcting a day) stay when the window is replaced, and
 * the kept row would be a second one beside each. Each shown with the columns the window's WHERE reads, which are what
 * put it outside (its date, say).
 */
export async function keysOutsideWindow(
  session: TargetSession,
  /** The table, the kept rows' Parquet file, and the window's WHERE with its bound values. */
  rows: { table: string; from: string; where: string; params: readonly string[] },
  /** The key's columns, quoted. */
  keys: readonly string[],
): Promise<string | undefined> {
  // IS NOT TRUE: a row whose date is NULL is outside the window too, and stays.
  const holding =
    `SELECT * FROM (SELECT * FROM ${rows.table} WHERE (${rows.where}) IS NOT TRUE) AS present ` +
    `WHERE EXISTS (SELECT 1 FROM read_parquet(${sqlString(rows.from)}) AS kept WHERE ${keys.map((k) => `kept.${k} = present.${k}`).join(' AND ')})`;
  const count = firstNumber(await session.run(`SELECT count(*) FROM (${holding})`, [...rows.params]));
  if (count === 0) return undefined;
  const examples = await session.run(`${holding} ORDER BY ${keys.map((k) => `present.${k}`).join(', ')} LIMIT ${shownKeys}`, [...rows.params]);
  const named = namesIn(rows.where);
  const keyNames = keys.map((k) => k.slice(1, -1).replace(/""/g, '"'));
  const shown = examples.rows.map((row) => {
    const value = (name: string) => `${name} ${String(row[examples.columns.indexOf(name)] ?? 'NULL')}`;
    const where = examples.columns.filter((c) => named.has(c.toLowerCase()) && !keyNames.includes(c));
    return `${keyNames.map(value).join(', ')}${where.length > 0 ? ` (${where.map(value).join(', ')})` : ''}`;
  });
  const table = rows.table.replace(/"/g, '');
  const holders = count === 1 ? '1 row' : `${count} rows`;
  return (
    `${holders} of ${table} outside the window hold${count === 1 ? 's' : ''} the key (${keyNames.join(', ')}) of a kept row: ${shown.join('; ')}${count > shownKeys ? `; …` : ''}. ` +
    `Put back, the kept rows would repeat ${count === 1 ? 'that key' : 'those keys'}, so nothing was changed. Delete ${count === 1 ? 'that row' : 'those rows'} first (or date ${count === 1 ? 'it' : 'them'} back into the window), then run this again; ` +
    `or put the window back by hand from the kept rows in ${rows.from}, left as it was`
  );
}

/** The names a WHERE reads, lower case: its words and quoted identifiers (keywords among them match no column). */
function namesIn(where: string): Set<string> {
  const names = new Set<string>();
  for (const segment of sqlSegments(where)) {
    if (segment.kind === 'identifier') names.add(segment.text.slice(1, -1).replace(/""/g, '"').toLowerCase());
    if (segment.kind === 'code') for (const word of segment.text.match(/[A-Za-z_][A-Za-z0-9_$]*/g) ?? []) names.add(word.toLowerCase());
  }
  return names;
}
