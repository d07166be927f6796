// Days that lost rows next to a recovered window: which of the files the recovery kept rows in hold rows of them, to put them back from.
import fs from 'node:fs';
import path from 'node:path';
import type { TargetSession } from '../../database/target.js';
import { rowsSaid } from '../../plural.js';
import { sourceDaySql } from './source-day-sql.js';
import { sqlString } from './step-database.js';

/** A kept file's rows on one of the days. */
export interface KeptRowsOn {
  file: string;
  day: string;
  rows: number;
}

/**
 * The table's kept files in `folder` (`<table>.<from>_<to>.<time>.parquet`, as the recoveries keep them; a rollback's
 * `before-rollback` files are the recovery's own rows, not what was there before it) and their rows on `days`, by
 * source_day as the days were counted. None when the folder is not there (nothing was kept).
 */
export async function keptRowsOn(session: TargetSession, kept: { folder: string; table: string; dateColumn: string; timeZone?: string }, days: readonly string[]): Promise<KeptRowsOn[]> {
  if (!fs.existsSync(kept.folder)) return [];
  const files = fs
    .readdirSync(kept.folder)
    .filter((name) => name.startsWith(`${kept.table}.`) && name.endsWith('.parquet') && !name.includes('.before-rollback-'))
    .sort()
    .map((name) => path.join(kept.folder, name));
  const found: KeptRowsOn[] = [];
  const day = sourceDaySql(kept.dateColumn, kept.timeZone);
  for (const file of files) {
    const { rows } = await session.run(
      `SELECT CAST(${day} AS VARCHAR), count(*) FROM read_parquet(${sqlString(file)})
        WHERE CAST(${day} AS VARCHAR) IN (${days.map(sqlString).join(', ')}) GROUP BY 1 ORDER BY 1`,
    );
    found.push(...rows.map((row) => ({ file, day: String(row[0]), rows: Number(row[1]) })));
  }
  return found;
}

/** What to put the lost rows of `days` back from: the kept files holding rows of them, or that none does and why. */
export function keptRowsSaid(table: string, days: readonly string[], kept: readonly KeptRowsOn[], folder: string | undefined): string {
  if (kept.length > 0) {
    return `The recovery kept rows of those days before deleting them: ${kept.map((k) => `${rowsSaid(k.rows)} of ${k.day} in ${k.file}`).join('; ')}. Put the missing ones back from there (the Roll back button puts the kept rows back), then diagnose again.`;
  }
  const where = folder ? ` (none of the files it kept in ${folder} holds rows of ${days.join(' or ')})` : '';
  return `The recovery did not delete them${where}: its DELETE takes the window's days only; the reload (a replace load, say) or another writer removed them from ${table}. Reload those days or put them back from a backup, then diagnose again.`;
}
