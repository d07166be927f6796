// The dlt loads of a raw table's days (its _dlt_load_id column): what tells a day loaded twice with new keys from a busy one.
import type { TargetSession } from '../../database/target.js';
import { plural, rowsSaid } from '../../plural.js';
import { dayRanges } from './bad-days-compared.js';
import { sourceDaySql } from './source-day-sql.js';
import { columnsOf, plainName } from './table-exists.js';

/** The column dlt writes each row's load into. */
const loadColumn = '_dlt_load_id';

/** Each day's loads and their rows, most rows first; undefined when the table has no _dlt_load_id column. */
export async function loadsOfDays(session: TargetSession, table: string, dateColumn: string, days: readonly string[], timeZone = ''): Promise<Map<string, { load: string; rows: number }[]> | undefined> {
  if (!(await columnsOf(session, table)).includes(loadColumn)) return undefined;
  const day = sourceDaySql(dateColumn, timeZone);
  const { rows } = await session.run(
    `SELECT CAST(${day} AS VARCHAR) AS day, CAST(${loadColumn} AS VARCHAR), count(*) AS n FROM ${table}
      WHERE CAST(${day} AS VARCHAR) IN (SELECT unnest(string_split($1, ','))) GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`,
    [days.join(',')],
  );
  const loads = new Map<string, { load: string; rows: number }[]>();
  for (const [day, load, n] of rows) loads.set(String(day), [...(loads.get(String(day)) ?? []), { load: String(load), rows: Number(n) }]);
  return loads;
}

/**
 * What to look at on days with about twice their usual rows and no key repeated: each day's dlt loads ("2026-04-19: 2
 * loads, 1776556800.1 (500 rows) and 1776643200.2 (500 rows)"), or, without the column, that the rows must be compared.
 */
export function loadsSaid(table: string, days: readonly string[], loads: Map<string, { load: string; rows: number }[]> | undefined): string {
  const name = plainName(table);
  if (!loads) return `${name} has no ${loadColumn} column to tell the loads of ${dayRanges(days)} apart: compare the day's rows with what the source holds for it`;
  const perDay = days.map((day) => {
    const of = loads.get(day) ?? [];
    const shown = of.slice(0, 3).map((l) => `${l.load} (${rowsSaid(l.rows)})`).join(', ');
    return `${day}: ${plural(of.length, 'load', 'loads')}, ${shown}${of.length > 3 ? ` and ${of.length - 3} more` : ''}`;
  });
  return `the loads of those days in ${name} (${loadColumn}): ${perDay.join('; ')}; a day loaded twice has a second load of about its usual rows`;
}
