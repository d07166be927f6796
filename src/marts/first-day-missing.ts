// The first day after a backfilled window that some mart has no row for: where what that window left to backfill begins.
import type { DatabaseTarget, TargetSession } from '../database/target.js';
import { withTimeout } from '../duckdb/open.js';
import { dayAfter } from '../engine/steps/iso-days.js';
import { quoteIdentifier } from '../runbook/template.js';
import type { MartSla } from './slas.js';

/**
 * Of the days after `after` through `upTo` (YYYY-MM-DD, inclusive), the first that some mart has no row for, and that
 * mart (the first of them read); null when every mart has every one of them. Newest dates alone cannot tell it: a schedule restarted after the first part of a
 * long backfill builds yesterday, and the marts look fresh over the weeks still empty between. Read-only.
 */
export async function firstDayMissing(target: DatabaseTarget, slas: readonly MartSla[], after: string, upTo: string, timeoutMs = 60_000): Promise<{ day: string | null; mart?: string } | { problem: string }> {
  let session: TargetSession;
  try {
    session = await target.open({ writable: false });
  } catch (error) {
    return { problem: `cannot open ${target.label} read-only: ${(error as Error).message.split('\n')[0]}` };
  }
  try {
    let first: string | null = null;
    let mart: string | undefined;
    for (const sla of slas) {
      const column = `TRY_CAST(${quoteIdentifier(sla.dateColumn)} AS DATE)`;
      const answer = await withTimeout(session, timeoutMs, () =>
        session.run(
          `SELECT DISTINCT CAST(${column} AS VARCHAR) FROM ${quoteIdentifier(sla.table)} WHERE ${column} > CAST($1 AS DATE) AND ${column} <= CAST($2 AS DATE)`,
          [after, upTo],
        ),
      );
      const has = new Set(answer.rows.map((row) => String(row[0])));
      // Only the days before the earliest found so far can make it earlier.
      for (let day = dayAfter(after); day <= upTo && (first === null || day < first); day = dayAfter(day)) {
        if (!has.has(day)) {
          first = day;
          mart = sla.table;
          break;
        }
      }
    }
    return { day: first, mart };
  } catch (error) {
    return { problem: (error as Error).message.split('\n')[0] as string };
  } finally {
    await session.close();
  }
}
