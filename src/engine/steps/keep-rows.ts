// Rows kept before they are deleted: copied into a new Parquet file and counted back, the file moved aside when the count is off.
import type { TargetSession } from '../../database/target.js';
import { moveWithoutOverwriting } from './move-without-overwriting.js';
import { firstNumber, sqlString } from './step-database.js';

export interface KeptRows {
  /** The rows the file holds. */
  kept: number;
  /** The rows there should be: `expected` when given, else the rows the COPY wrote. */
  expected: number;
  /** Where the file went when the counts differ (kept for inspection, never removed); then nothing may be deleted. */
  aside?: string;
}

export async function keepRows(
  session: TargetSession,
  rows: { table: string; where: string; params: readonly string[]; to: string; expected?: number },
  now: Date,
): Promise<KeptRows> {
  const written = firstNumber(await session.run(`COPY (SELECT * FROM ${rows.table} WHERE ${rows.where}) TO ${sqlString(rows.to)} (FORMAT parquet)`, [...rows.params]));
  const kept = firstNumber(await session.run(`SELECT count(*) FROM read_parquet(${sqlString(rows.to)})`));
  const expected = rows.expected ?? written;
  if (written === expected && kept === expected) return { kept, expected };
  return { kept, expected, aside: moveWithoutOverwriting(rows.to, `${rows.to}.count-mismatch`, 'suffix', now) };
}
