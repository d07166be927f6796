// What Parquet would not keep exactly (kept as text instead): the column types, read from a table as a plan is made, and how a plan and a keep say so.
import type { DatabaseTarget } from '../../database/target.js';
import type { TargetChoice } from './context.js';
import { tableColumns, type TableColumn } from './kept-exactly.js';
import type { KeptRows } from './keep-rows.js';

/** A column of a type Parquet stores another way, and how. */
export interface ParquetChange extends TableColumn {
  how: string;
}

/**
 * Measured on DuckDB 1.5.6 (COPY … (FORMAT parquet), read back, cast to the column's type): every other type came back
 * exactly, UNION, ENUM, BIT, BIGNUM and fixed-size arrays too once cast back. A type missing here is still caught when
 * the rows are kept (kept-exactly.ts). The types listed are kept as text (kept-as-text.ts), and the plan says so.
 */
const storedOtherwise: readonly { type: RegExp; how: string }[] = [
  { type: /\bU?HUGEINT\b/, how: 'stored as DOUBLE, exact only up to 2^53' },
  { type: /\bTIME WITH TIME ZONE\b/, how: 'stored in UTC, its offset lost' },
  { type: /\bINTERVAL\b/, how: 'stored in whole milliseconds, a negative one not at all' },
];

/** The columns whose type (or a type nested in it: a HUGEINT[]) Parquet stores another way. */
export function parquetChanges(columns: readonly TableColumn[]): ParquetChange[] {
  return columns.flatMap((c) => {
    // Quoted parts are names and ENUM values, not types: an ENUM('INTERVAL') is no interval.
    const type = c.type.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, '');
    const found = storedOtherwise.find((s) => s.type.test(type));
    return found ? [{ ...c, how: found.how }] : [];
  });
}

/**
 * The columns of `table` Parquet may change, read as the plan is made; none when they cannot be read then (the table
 * is not there yet, the database does not open): the rows are checked when they are kept all the same.
 */
export async function parquetChangesWhenPlanned(target: (choice: TargetChoice) => DatabaseTarget, choice: TargetChoice, table: string): Promise<ParquetChange[]> {
  try {
    const session = await target(choice).open({ writable: false });
    try {
      return parquetChanges(await tableColumns(session, table));
    } finally {
      await session.close();
    }
  } catch {
    return [];
  }
}

/** "big_count (HUGEINT: stored as DOUBLE, exact only up to 2^53), …" */
export const changesSaid = (changes: readonly ParquetChange[]) => changes.map((c) => `${c.name} (${c.type}: ${c.how})`).join(', ');

/** The plan's note for a step that keeps rows of `table` in a Parquet file: the columns kept there as text, and why. */
export function parquetChangesWarning(table: string, changes: readonly ParquetChange[] | undefined, step: string): string | undefined {
  if (!changes || changes.length === 0) return undefined;
  return (
    `Parquet would not keep every value of ${table.replace(/"/g, '')} exactly: ${changesSaid(changes)}. ` +
    `"${step}" keeps ${changes.length === 1 ? 'that column' : 'those columns'} in the file as text, which puts each value back as it was, and reads the file back and compares it with the table before anything is deleted.`
  );
}

/** The plan's line under a step that keeps rows: what is checked before anything is deleted. */
export const readBackLine = "-- then read back, each value cast to its column's type and compared as text with the table's rows: any difference stops the plan here";

/** "the file does not hold the 1200 rows of raw_ebird.observations exactly: …", for a keep whose file is not exact. */
export function notKeptExactlySaid(table: string, kept: number, notExact: NonNullable<KeptRows['notExact']>): string {
  const rows = `${notExact.rows} of the ${kept} row${kept === 1 ? '' : 's'}`;
  const columns =
    notExact.columns.length > 0
      ? `the values of ${notExact.columns.map((c) => `${c.name} (${c.type})`).join(', ')} do not read back as they are in the table, which Parquet cannot keep exactly`
      : 'they do not read back as they are in the table';
  return `the Parquet file does not hold the rows of ${table.replace(/"/g, '')} exactly: ${rows} kept differ, as ${columns}. Nothing was deleted: no row is deleted that was not kept exactly first`;
}
