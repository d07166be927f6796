// Each mart's newest date in a DuckDB file, read in the probe's own open: what a plan shows of a backup beside the database.
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier } from '../runbook/template.js';
import { probeAnswerWithinMs } from './probe-answer-time.js';
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
 * How long the marts' reads are given, all together, inside a probe: half its time to answer (probe-answer-time.ts), so
 * marts merely slow to read are said so and the probe still answers, never taken as storage that does not answer.
 */
export const newestReadWithinMs = probeAnswerWithinMs / 2;

/** The marts' reads' time: how long it is, as said, and whether it has run out (asked before each mart and each task). */
export interface ReadTime {
  withinMs: number;
  over: () => boolean;
}

/** `withinMs` from now. */
export function readTimeFromNow(withinMs: number): ReadTime {
  const deadline = performance.now() + withinMs;
  return { withinMs, over: () => performance.now() >= deadline };
}

/**
 * One read each; a mart that fails (not there, a damaged block) is said so and the others are read still. Only the date
 * column is read, every block of it: DuckDB answers a bare max() from the statistics its catalog keeps, without reading
 * a block, so a backup cut short before a mart's data would still show its newest day; hashing each value makes it read
 * them. A mart's other columns are not read (its full read is the plan's first step), but a mart that is a view reads
 * what its date column is computed from, raw tables included. Past `withinMs` for all marts together the read under way
 * is interrupted and it and those after it are said as not read, which is no sign of damage.
 */
export async function newestDays(connection: DuckDBConnection, marts: readonly MartDate[], time: ReadTime = readTimeFromNow(newestReadWithinMs)): Promise<NewestDay[]> {
  const { withinMs, over: late } = time;
  const days: NewestDay[] = [];
  for (const { table, dateColumn } of marts) {
    if (late()) {
      days.push({ table, problem: `not read: the time the check gives all marts together, ${withinMs / 1000} s, ran out before it` });
      continue;
    }
    const column = quoteIdentifier(dateColumn);
    try {
      const [row] = await readAllHere(connection, `SELECT CAST(max(${column}) AS VARCHAR), bit_xor(hash(${column})) FROM ${quoteIdentifier(table)}`, late);
      const value = row?.[0];
      days.push(value === null || value === undefined ? { table, problem: 'no rows' } : { table, newest: String(value) });
    } catch (error) {
      const message = (error as Error).message.split('\n')[0] ?? '';
      days.push({ table, problem: late() && /interrupt/i.test(message) ? `not read within ${withinMs / 1000} s, the time the check gives all marts together (a large mart, or a busy host): the plan's first step reads it in full` : message });
    }
  }
  return days;
}

/** "ebird.fct_daily_bird_observations 2026-12-03, noaa.fct_daily_weather (no rows)", as a plan says them. */
export function newestDaysSaid(days: readonly NewestDay[]): string {
  return days.map((day) => (day.newest !== undefined ? `${day.table} ${day.newest}` : `${day.table} (${day.problem})`)).join(', ');
}
