// Each mart's newest date against its SLA, read read-only from the configured database (the DuckDB file, or MotherDuck).
import type { DatabaseTarget, TargetSession } from '../database/target.js';
import { withTimeout } from '../duckdb/open.js';
import { formatDuration } from '../format-duration.js';
import { quoteIdentifier } from '../runbook/template.js';
import type { MartSla } from './slas.js';

export interface MartFreshness {
  table: string;
  /** The newest date (YYYY-MM-DD or an ISO time), null when the table is empty. */
  newest: string | null;
  /** How far behind now that is, in ms; null when it could not be read. */
  lagMs: number | null;
  maxLagMs: number;
  status: 'fresh' | 'stale' | 'empty' | 'unreadable';
  problem?: string;
  /** Set when it is stale for not reaching this date (a validation's window end), whatever its SLA. */
  through?: string;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * When the data a newest value stands for ends: a time is that time; a date stands for its whole day, so it ends at the
 * next midnight, UTC. A daily mart whose newest day is yesterday is then not behind at all at midnight, where counting
 * from the day's start would put it a day behind all the time and past a 36 h SLA every afternoon.
 */
function newestMs(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(date ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) return null;
  return date ? ms + dayMs : ms;
}

/** Reads max(dateColumn) of every mart; a table that cannot be read is reported as such, never as fresh. */
export async function checkMartFreshness(target: DatabaseTarget, slas: readonly MartSla[], now: Date, timeoutMs = 60_000, through?: string): Promise<MartFreshness[]> {
  let session: TargetSession;
  try {
    session = await target.open({ writable: false });
  } catch (error) {
    const problem = `cannot open ${target.label} read-only: ${(error as Error).message.split('\n')[0]}`;
    return slas.map((sla) => ({ table: sla.table, newest: null, lagMs: null, maxLagMs: sla.maxLag, status: 'unreadable', problem }));
  }
  try {
    const results: MartFreshness[] = [];
    for (const sla of slas) {
      try {
        const answer = await withTimeout(session, timeoutMs, () =>
          // A row dated after today (mis-dated) would make a mart that stopped loading look fresh: left out. TRY_CAST: one
          // value that is no date leaves its row out, where a CAST would fail the whole check.
          session.run(
            `SELECT CAST(max(${quoteIdentifier(sla.dateColumn)}) FILTER (WHERE TRY_CAST(${quoteIdentifier(sla.dateColumn)} AS DATE) <= CAST($1 AS DATE)) AS VARCHAR) AS newest FROM ${quoteIdentifier(sla.table)}`,
            [now.toISOString().slice(0, 10)],
          ),
        );
        const value = answer.rows[0]?.[0] ?? null;
        const ms = newestMs(value);
        if (value === null) {
          results.push({ table: sla.table, newest: null, lagMs: null, maxLagMs: sla.maxLag, status: 'empty' });
        } else if (ms === null) {
          results.push({ table: sla.table, newest: String(value), lagMs: null, maxLagMs: sla.maxLag, status: 'unreadable', problem: `"${String(value)}" in ${sla.dateColumn} is not a date` });
        } else {
          const lagMs = Math.max(0, now.getTime() - ms);
          // Compared as dates: a timestamp column's newest value counts for its day.
          const short = through !== undefined && String(value).slice(0, 10) < through;
          results.push({ table: sla.table, newest: String(value), lagMs, maxLagMs: sla.maxLag, status: lagMs > sla.maxLag || short ? 'stale' : 'fresh', ...(short ? { through } : {}) });
        }
      } catch (error) {
        results.push({ table: sla.table, newest: null, lagMs: null, maxLagMs: sla.maxLag, status: 'unreadable', problem: (error as Error).message.split('\n')[0] });
      }
    }
    return results;
  } finally {
    await session.close();
  }
}

/**
 * The same readings judged again at `now`: how far behind each newest date is grows with the clock alone, so a database
 * unchanged since it was read need not be opened again to say it.
 */
export function freshnessAt(readings: readonly MartFreshness[], now: Date): MartFreshness[] {
  return readings.map((r) => {
    const ms = r.status === 'fresh' || r.status === 'stale' ? newestMs(r.newest) : null;
    if (ms === null) return r;
    const lagMs = Math.max(0, now.getTime() - ms);
    return { ...r, lagMs, status: lagMs > r.maxLagMs || r.through !== undefined ? 'stale' : 'fresh' };
  });
}

/** One line per mart: "ebird.fct_daily_bird_observations: newest 2026-04-17, 4 days 9 h behind (SLA 36 h)". */
export function describeFreshness(f: MartFreshness): string {
  const sla = `SLA ${formatDuration(f.maxLagMs)}`;
  switch (f.status) {
    case 'fresh':
    case 'stale':
      return `${f.table}: newest ${f.newest}, ${formatDuration(f.lagMs ?? 0)} behind (${sla})${f.through ? `, not yet through ${f.through}` : f.status === 'stale' ? ', past its SLA' : ''}`;
    case 'empty':
      return `${f.table}: no rows (${sla})`;
    case 'unreadable':
      return `${f.table}: could not be read: ${f.problem ?? 'unknown error'}`;
  }
}

/** The marts that could not be read, for a summary: one cause shared by all (a database that cannot be opened) is said once. */
export function describeUnreadable(unreadable: readonly MartFreshness[]): string {
  const causes = new Set(unreadable.map((r) => r.problem));
  if (unreadable.length > 1 && causes.size === 1) return `${unreadable.map((r) => r.table).join(', ')}: ${unreadable[0]?.problem ?? 'unknown error'}`;
  return unreadable.map((r) => `${r.table}: ${r.problem ?? 'unknown error'}`).join('; ');
}
