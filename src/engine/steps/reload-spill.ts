// The rows a recovery's reload wrote just outside the window it put back (a source in local time, in UTC), told by their dlt load: a rollback of the window takes them out too.
import type { TargetSession } from '../../database/target.js';
import { plural } from '../../plural.js';
import { dayAfter, dayBefore } from './iso-days.js';
import type { ReloadRowsOn } from './reload-rows-outside.js';
import { sourceDaySql } from './source-day-sql.js';
import { sqlString } from './step-database.js';
import { columnsOf } from './table-exists.js';

/** The column dlt writes each row's load into. */
const loadColumn = '_dlt_load_id';

/** Where the window's days are read from (`dateColumn` as SQL renders it) and where the rows found are kept. */
export interface SpillSettings {
  dateColumn: string;
  /** The source's IANA time zone its days are read in, or empty (sourceDaySql). */
  timeZone?: string;
  from: string;
  to: string;
  keepTo: string;
}

/** The reload's rows on the day before and the day after the window: the WHERE picking them (values inlined), and each day's. */
export interface Spill {
  where: string;
  days: ReloadRowsOn[];
  rows: number;
}

/** Whether `table` has dlt's load column, by which the reload's rows are told from the others. */
export async function hasLoadColumn(session: TargetSession, table: string): Promise<boolean> {
  return (await columnsOf(session, table)).includes(loadColumn);
}

async function parquetColumns(session: TargetSession, file: string): Promise<string[]> {
  return (await session.run(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).rows.map((row) => String(row[0]));
}

/** The table, the window's WHERE with its bound values, and the kept rows' Parquet file. */
export interface ReloadWindow {
  table: string;
  where: string;
  params: readonly string[];
  keptFile: string;
}

/**
 * The dlt loads whose rows are in the window now and not among the kept rows: path A deleted the window before its
 * reload, so they are the reload's (or a later load's that wrote the window too). None where the table or the kept file
 * has no _dlt_load_id (the loads cannot be told).
 */
export async function reloadLoads(session: TargetSession, window: ReloadWindow): Promise<string[]> {
  if (!(await hasLoadColumn(session, window.table)) || !(await parquetColumns(session, window.keptFile)).includes(loadColumn)) return [];
  const { rows } = await session.run(
    `SELECT DISTINCT CAST(${loadColumn} AS VARCHAR) FROM ${window.table} WHERE (${window.where}) AND ${loadColumn} IS NOT NULL
     EXCEPT SELECT CAST(${loadColumn} AS VARCHAR) FROM read_parquet(${sqlString(window.keptFile)}) WHERE ${loadColumn} IS NOT NULL`,
    [...window.params],
  );
  return rows.map((row) => String(row[0]));
}

/**
 * Read before the window is touched: the rows of its reload's loads (reloadLoads) on the day before and the day after
 * it. None where the loads cannot be told, or those loads wrote nothing there.
 */
export async function reloadSpill(session: TargetSession, window: ReloadWindow, settings: SpillSettings): Promise<Spill | undefined> {
  const loads = await reloadLoads(session, window);
  if (loads.length === 0) return undefined;
  const days = [dayBefore(settings.from), dayAfter(settings.to)];
  const day = sourceDaySql(settings.dateColumn, settings.timeZone);
  const where = `${day} IN (${days.map((d) => `DATE ${sqlString(d)}`).join(', ')}) AND CAST(${loadColumn} AS VARCHAR) IN (${loads.map((l) => sqlString(l)).join(', ')})`;
  const { rows } = await session.run(`SELECT CAST(${day} AS VARCHAR), CAST(${loadColumn} AS VARCHAR), count(*) FROM ${window.table} WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`);
  const byDay = new Map<string, ReloadRowsOn>();
  for (const [day, load, n] of rows) {
    const on = byDay.get(String(day)) ?? { day: String(day), rows: 0, loads: [] };
    byDay.set(String(day), { ...on, rows: on.rows + Number(n), loads: [...on.loads, String(load)] });
  }
  const found = [...byDay.values()];
  const total = found.reduce((sum, on) => sum + on.rows, 0);
  return total > 0 ? { where, days: found, rows: total } : undefined;
}

/** "2026-04-19 (the day after the window): 415 rows of dlt load 1800000000.1" for each day. */
export function spillDaysSaid(spill: Pick<Spill, 'days'>, settings: Pick<SpillSettings, 'from' | 'to'>): string {
  return spill.days
    .map((on) => {
      const side = on.day < settings.from ? 'the day before the window' : 'the day after the window';
      return `${on.day} (${side}): ${plural(on.rows, 'row', 'rows')} of dlt ${on.loads.length === 1 ? 'load' : 'loads'} ${on.loads.join(', ')} (${loadColumn})`;
    })
    .join('; ');
}
