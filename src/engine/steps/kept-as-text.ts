// What a keep copies into its Parquet file: the table's columns as they are, those Parquet would change as their text.
import type { TableColumn } from './kept-exactly.js';
import { parquetChanges } from './parquet-changes.js';

/** A column name as SQL reads it, whatever it holds. */
const column = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The select list of a keep's COPY. Parquet stores a HUGEINT as a DOUBLE, a TIME WITH TIME ZONE in UTC and an INTERVAL
 * in milliseconds; their text casts back to the very value (a nested one too: a TIMETZ[]), so they are kept as text.
 * Putting them back needs no cast of its own: DuckDB casts the text to the column's type as it inserts by name, and when
 * it compares or joins the text with the column.
 */
export function keptColumns(columns: readonly TableColumn[]): string {
  const asText = parquetChanges(columns).map((c) => `CAST(${column(c.name)} AS VARCHAR) AS ${column(c.name)}`);
  return asText.length === 0 ? '*' : `* REPLACE (${asText.join(', ')})`;
}
