// Whether a Parquet file holds a table's rows exactly: read back, cast to the table's own column types, compared as text.
import type { TargetSession } from '../../database/target.js';
import { sqlString } from './step-database.js';

export interface TableColumn {
  name: string;
  /** As DuckDB names it (DESCRIBE): HUGEINT, TIME WITH TIME ZONE, STRUCT(a INTEGER) … */
  type: string;
}

/** The rows compared: the table's that `where` (with its bound values) picks, and the file they were kept in. */
export interface KeptWindow {
  table: string;
  where: string;
  params: readonly string[];
  file: string;
}

/** The rows one side has that the other has not, each counted as often as it is missing. */
export interface RowsDiffering {
  /** Rows of the table not in the file as they are in the table. */
  notKept: number;
  /** Rows of the file, read back, that are not in the table. */
  notInTable: number;
}

/** A column name as SQL reads it, whatever it holds. */
const column = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The table's columns and their types, as DuckDB names them. */
export async function tableColumns(session: TargetSession, table: string): Promise<TableColumn[]> {
  const described = await session.run(`DESCRIBE SELECT * FROM ${table}`);
  const [name, type] = ['column_name', 'column_type'].map((c) => described.columns.indexOf(c));
  return described.rows.map((row) => ({ name: String(row[name ?? 0]), type: String(row[type ?? 1]) }));
}

/**
 * The table's rows and the file's compared both ways, as EXCEPT ALL both ways does, in one pass: each row counted +1
 * on the table's side and -1 on the file's, by its text; a row whose count is not 0 is one a side has more of. Two
 * EXCEPT ALLs took over twice as long on 3 million rows (each builds its own hash table). Each value of the file is cast
 * back to the table's type (TRY_CAST: one it does not fit, a 2^127 - 1 that came back as a DOUBLE, is NULL, so a
 * difference, not an error) and both are compared as text: DuckDB compares a HUGEINT with the DOUBLE Parquet stored it
 * as as a DOUBLE, and would call 12345678901234567000 and the 12345678901234567168 read back equal.
 */
export async function rowsDiffering(session: TargetSession, kept: KeptWindow, columns: readonly TableColumn[]): Promise<RowsDiffering> {
  const tableSide = columns.map((c, i) => `CAST(${column(c.name)} AS VARCHAR) AS c${i}`).join(', ');
  const fileSide = columns.map((c, i) => `CAST(TRY_CAST(${column(c.name)} AS ${c.type}) AS VARCHAR) AS c${i}`).join(', ');
  const groups = columns.map((_, i) => `c${i}`).join(', ');
  const result = await session.run(
    `SELECT coalesce(sum(side) FILTER (WHERE side > 0), 0), coalesce(-sum(side) FILTER (WHERE side < 0), 0) FROM (
       SELECT ${groups}, sum(side) AS side FROM (
         SELECT ${tableSide}, 1 AS side FROM ${kept.table} WHERE ${kept.where}
         UNION ALL
         SELECT ${fileSide}, -1 AS side FROM read_parquet(${sqlString(kept.file)})
       ) GROUP BY ${groups} HAVING sum(side) <> 0)`,
    [...kept.params],
  );
  const [notKept, notInTable] = result.rows[0] ?? [];
  return { notKept: Number(notKept ?? 0), notInTable: Number(notInTable ?? 0) };
}

/** The columns whose values alone differ between the table's rows and the file's, compared as rowsDiffering does. */
export async function columnsDiffering(session: TargetSession, kept: KeptWindow, columns: readonly TableColumn[]): Promise<TableColumn[]> {
  const differing: TableColumn[] = [];
  for (const c of columns) {
    const { notKept, notInTable } = await rowsDiffering(session, kept, [c]);
    if (notKept > 0 || notInTable > 0) differing.push(c);
  }
  return differing;
}
