// Rows kept before they are deleted: copied into a new Parquet file, counted and compared back, the file moved aside when it is not exact or cannot be checked.
import fs from 'node:fs';
import type { TargetSession } from '../../database/target.js';
import { firstLine } from '../../excerpt.js';
import { keptColumns } from './kept-as-text.js';
import { columnsDiffering, rowsDiffering, tableColumns, type TableColumn } from './kept-exactly.js';
import { moveWithoutOverwriting } from './move-without-overwriting.js';
import { ChangedNothing, firstNumber, inTransaction, sqlString } from './step-database.js';

export interface KeptRows {
  /** The rows the file holds. */
  kept: number;
  /** The rows there should be: `expected` when given, else the rows the COPY wrote. */
  expected: number;
  /** Where the file went when it is not exact (kept for inspection, never removed); then nothing may be deleted. */
  aside?: string;
  /**
   * Set when the counts match but the file, read back, does not hold the rows as the table has them: how many of the
   * table's rows are not in it as they are, and the columns whose values differ (none named when no one column alone does).
   */
  notExact?: { rows: number; columns: TableColumn[] };
}

export async function keepRows(
  session: TargetSession,
  rows: { table: string; where: string; params: readonly string[]; to: string; expected?: number },
  now: Date,
): Promise<KeptRows> {
  let copied = false;
  // One snapshot: the rows compared with the file are the rows the COPY wrote, whatever a load writes meanwhile.
  const outcome = await inTransaction<KeptRows & { suffix?: string }>(session, async () => {
    const columns = await tableColumns(session, rows.table);
    const written = firstNumber(await session.run(`COPY (SELECT ${keptColumns(columns)} FROM ${rows.table} WHERE ${rows.where}) TO ${sqlString(rows.to)} (FORMAT parquet)`, [...rows.params]));
    copied = true;
    const kept = firstNumber(await session.run(`SELECT count(*) FROM read_parquet(${sqlString(rows.to)})`));
    const expected = rows.expected ?? written;
    if (written !== expected || kept !== expected) return { commit: true, value: { kept, expected, suffix: 'count-mismatch' } };
    // No row is deleted that was not kept exactly: a type Parquet stores another way and not kept as text, and a file
    // whose rows cannot be put back as they were is no copy of them.
    const window = { table: rows.table, where: rows.where, params: rows.params, file: rows.to };
    const differing = await rowsDiffering(session, window, columns);
    if (differing.notKept === 0 && differing.notInTable === 0) return { commit: true, value: { kept, expected } };
    const notExact = { rows: differing.notKept, columns: await columnsDiffering(session, window, columns) };
    return { commit: true, value: { kept, expected, notExact, suffix: 'not-exact' } };
  }).catch((error: Error) => {
    // A COPY that failed part-way leaves what it wrote (DuckDB 1.5.6, out of memory): no file was there before the step.
    // One that wrote nothing (its file not opened: permission denied) kept nothing, and nothing was deleted either.
    throw copied || fs.existsSync(rows.to) ? notChecked(rows, error, copied, now) : notKept(rows, error);
  });
  const { suffix, ...kept } = outcome;
  if (!suffix) return kept;
  return { ...kept, aside: moveWithoutOverwriting(rows.to, `${rows.to}.${suffix}`, 'suffix', now) };
}

/** The rows could not be written to their file at all: the step changed nothing, and says so with the error. */
function notKept(rows: { table: string; to: string }, error: Error): ChangedNothing {
  return new ChangedNothing(`the rows of ${rows.table.replace(/"/g, '')} could not be kept in ${rows.to} (${shortened(error)}), and no file was written. Nothing was deleted or changed`, {});
}

const shortened = (error: Error) => {
  const why = firstLine(error.message);
  return why.length > 200 ? `${why.slice(0, 199)}…` : why;
};

/**
 * The file written (or part of it, by a COPY that failed), but the count or the comparison failed (out of memory, a
 * timeout's interrupt, any error): it is no checked copy, so it leaves its planned name, where it would pass for one,
 * and the step changed no data.
 */
function notChecked(rows: { table: string; to: string }, error: Error, copied: boolean, now: Date): ChangedNothing {
  const short = shortened(error);
  const table = rows.table.replace(/"/g, '');
  const said = copied ? `the rows of ${table} were kept in a Parquet file, but could not be checked against it (${short}). Nothing was deleted; the file` : `the rows of ${table} could not be kept in a Parquet file (${short}). Nothing was deleted; what was written of the file`;
  try {
    const aside = moveWithoutOverwriting(rows.to, `${rows.to}.unchecked`, 'suffix', now);
    return new ChangedNothing(`${said}, unchecked, is at ${aside}`, { file: aside });
  } catch (moveError) {
    return new ChangedNothing(`${said}, unchecked, is still at ${rows.to}: it could not be moved aside (${(moveError as Error).message})`, { file: rows.to });
  }
}
