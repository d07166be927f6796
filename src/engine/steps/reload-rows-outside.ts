// The rows a reload's own dlt load wrote just outside its window: told by their _dlt_load_id, where a count cannot tell them.
import type { TargetSession } from '../../database/target.js';
import { sourceDaySql } from './source-day-sql.js';
import { columnsOf } from './table-exists.js';

/** The column dlt writes each row's load into. */
const loadColumn = '_dlt_load_id';

/** On one day outside the window: how many rows the loads that wrote the window wrote there, and which loads. */
export interface ReloadRowsOn {
  day: string;
  rows: number;
  loads: string[];
}

/**
 * The rows on `days` (outside the window) whose load also wrote the window, which path A emptied before its reload: so
 * they are the reload's (or a later load's that wrote the window too), whatever the day's count says. A day still loading
 * gains rows from its daily load, and a merge load replaces rows without changing the count, while these are told by
 * their load. 'untold' when the table has no _dlt_load_id column to tell them by.
 */
export async function reloadRowsOutside(
  session: TargetSession,
  step: { table: string; dateColumn: string; timeZone?: string; from: string; to: string },
  days: readonly string[],
): Promise<ReloadRowsOn[] | 'untold'> {
  if (!(await columnsOf(session, step.table)).includes(loadColumn)) return 'untold';
  const day = sourceDaySql(step.dateColumn, step.timeZone);
  const { rows } = await session.run(
    `SELECT CAST(${day} AS VARCHAR) AS day, CAST(${loadColumn} AS VARCHAR) AS load, count(*) AS n FROM ${step.table}
      WHERE CAST(${day} AS VARCHAR) IN ($1, $2)
        AND ${loadColumn} IN (SELECT ${loadColumn} FROM ${step.table} WHERE ${day} BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE))
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [days[0] ?? '', days[1] ?? '', step.from, step.to],
  );
  const byDay = new Map<string, ReloadRowsOn>();
  for (const [day, load, n] of rows) {
    const on = byDay.get(String(day)) ?? { day: String(day), rows: 0, loads: [] };
    byDay.set(String(day), { ...on, rows: on.rows + Number(n), loads: [...on.loads, String(load)] });
  }
  return [...byDay.values()];
}

/** "3 rows of raw_ebird.observations on 2026-04-24 (the day after it) belong to the dlt load that wrote the window …" */
export function reloadRowsSaid(table: string, found: readonly ReloadRowsOn[], sides: Record<string, string>): string {
  return found
    .map((f) => {
      const loads = f.loads.length === 1 ? `the dlt load that wrote the window after the recovery's delete (${loadColumn} ${f.loads[0]})` : `the dlt loads that wrote the window after the recovery's delete (${loadColumn} ${f.loads.join(', ')})`;
      return `${f.rows === 1 ? '1 row' : `${f.rows} rows`} of ${table} on ${f.day} (${sides[f.day]}) ${f.rows === 1 ? 'belongs' : 'belong'} to ${loads}: the reload wrote them, whether or not the day is still loading`;
    })
    .join('; ');
}
