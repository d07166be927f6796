// Each mart's newest date in a DuckDB file, read in the probe's own open: what a plan shows of a backup beside the database.
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier } from '../runbook/template.js';
import { readAllHere } from './read-here.js';

/** A mart and the date column its newest day is read from. */
export interface MartDate {
  table: string;
  dateColumn: string;
}

/** A mart's newest date (YYYY-MM-DD, or an ISO time), or why it has none: empty, not there, not readable. */
export interface NewestDay {
  table: string;
  newest?: string;
  problem?: string;
}

/**
 * One read each; a mart that fails (not there, a damaged block) is said so and the others are read still. Each mart is
 * read in full, every column of every row hashed: DuckDB answers a bare max() from the statistics its catalog keeps,
 * without reading a block, so a backup cut short before its marts' data would still show each one's newest day. Marts
 * are small; the raw tables are read in full by the plan's first step, not here.
 */
export async function newestDays(connection: DuckDBConnection, marts: readonly MartDate[]): Promise<NewestDay[]> {
  const days: NewestDay[] = [];
  for (const { table, dateColumn } of marts) {
    try {
      const [row] = await readAllHere(connection, `SELECT CAST(max(${quoteIdentifier(dateColumn)}) AS VARCHAR), bit_xor(hash(mart)) FROM ${quoteIdentifier(table)} AS mart`);
      const value = row?.[0];
      days.push(value === null || value === undefined ? { table, problem: 'no rows' } : { table, newest: String(value) });
    } catch (error) {
      days.push({ table, problem: (error as Error).message.split('\n')[0] });
    }
  }
  return days;
}

/** "ebird.fct_daily_bird_observations 2026-12-03, noaa.fct_daily_weather (no rows)", as a plan says them. */
export function newestDaysSaid(days: readonly NewestDay[]): string {
  return days.map((day) => (day.newest !== undefined ? `${day.table} ${day.newest}` : `${day.table} (${day.problem})`)).join(', ');
}
