// The snapshot-history step kind: a MotherDuck database's 20 newest snapshots, its retention, and whether a moment `at`
// can still be restored (the runbook's scenario 3 diagnosis, with created_ts where the runbook's query says created_at).
import { z } from 'zod';
import { foldDatabaseName, foldedNameSql, formatUtcTimestamp, parseUtcTimestamp } from '../../database/sql-literal.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import { textTable } from '../../text-table.js';
import type { StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('snapshot-history'),
  database: template,
  /** The moment to restore (UTC "YYYY-MM-DD HH:MM:SS"); empty: list only. */
  at: z.string().default(''),
  limit: z.number().int().min(1).max(100).default(20),
});

export type SnapshotHistoryStep = z.output<typeof schema> & ResolvedCommon;

/** $1 is the database name folded (foldDatabaseName): md_information_schema lists it as created, Databox or databox. */
export function snapshotHistorySql(step: Pick<SnapshotHistoryStep, 'limit'>): Record<'snapshots' | 'retention' | 'oldestKept' | 'atOrBefore', string> {
  const snapshotOf = `${foldedNameSql('database_name')} = $1`;
  return {
    snapshots: `SELECT snapshot_id, snapshot_name, created_ts, user_name
  FROM md_information_schema.database_snapshots
 WHERE ${snapshotOf}
 ORDER BY created_ts DESC
 LIMIT ${step.limit}`,
    retention: `SELECT CAST(historical_snapshot_retention AS VARCHAR), epoch(historical_snapshot_retention)
  FROM md_information_schema.databases
 WHERE ${foldedNameSql('name')} = $1`,
    oldestKept: `SELECT min(created_ts)
  FROM md_information_schema.database_snapshots
 WHERE ${snapshotOf}
   AND (snapshot_name IS NULL
        OR created_ts = (SELECT max(created_ts) FROM md_information_schema.database_snapshots WHERE ${snapshotOf}))`,
    atOrBefore: `SELECT snapshot_id, snapshot_name, created_ts, user_name
  FROM md_information_schema.database_snapshots
 WHERE ${snapshotOf} AND created_ts <= CAST($2 AS TIMESTAMP)
 ORDER BY created_ts DESC
 LIMIT 50`,
  };
}

type Row = [string, string | null, string, string];

async function runSnapshotHistory(step: SnapshotHistoryStep, ctx: Parameters<typeof withStepDatabase>[0]): Promise<StepResult> {
  return withStepDatabase(ctx, { target: 'motherduck', writable: false, timeoutMs: step.timeoutMs }, async (session, fail, started) => {
    const sql = snapshotHistorySql(step);
    const folded = foldDatabaseName(step.database);
    const rows = (await session.run(sql.snapshots, [folded])).rows.map((r) => [String(r[0]), r[1] === null ? null : String(r[1]), String(r[2]).slice(0, 19), String(r[3] ?? '')] as Row);
    const retentionRow = (await session.run(sql.retention, [folded])).rows[0];
    if (!retentionRow) return fail(`MotherDuck has no database named ${step.database} (md_information_schema.databases)`);
    const retentionSeconds = Number(retentionRow[1]);
    // DuckDB writes an empty interval as 00:00:00.
    const retention = retentionSeconds === 0 ? '0 days' : String(retentionRow[0]);
    const now = ctx.clock();
    // MotherDuck keeps an automatic snapshot for the retention after a newer one replaced it, so the oldest automatic
    // snapshot still listed (or the active one, which may be named) is the oldest moment SNAPSHOT_TIME can reach.
    const oldestKept = (await session.run(sql.oldestKept, [folded])).rows[0]?.[0];
    const restorableFrom = oldestKept === null || oldestKept === undefined ? '' : String(oldestKept).slice(0, 19);
    const table = textTable(['snapshot_id', 'name', 'created_ts (UTC)', 'user'], rows.map(([id, name, created, user]) => [id, name ?? '(automatic)', created, user]));
    const named = rows.filter((r) => r[1] !== null);
    const base = {
      snapshots: rows.map(([id, name, created, user]) => ({ id, name, created, user })),
      retention,
      retentionDays: Math.round((retentionSeconds / 86_400) * 100) / 100,
      restorableFrom,
      newest: rows[0]?.[2] ?? '',
    };
    const kept = restorableFrom
      ? `automatic snapshots from ${restorableFrom} UTC on can be restored (each is kept ${retention} after a newer one replaces it)`
      : 'no automatic snapshot is kept';
    const done = (status: string, summary: string, extra: Record<string, unknown> = {}): StepResult => ({
      status,
      summary,
      output: `${table}\nretention: ${retention}: ${kept}; named snapshots are kept until unnamed`,
      durationMs: elapsedSince(started),
      outputs: { ...base, namedOlder: '', snapshotAt: '', ...extra },
    });
    const listed = `${rows.length} snapshot${rows.length === 1 ? '' : 's'} (${named.length} named), retention ${retention}`;
    if (rows.length === 0 || (retentionSeconds === 0 && named.length === 0)) {
      return done('no-snapshots', `no snapshot can restore ${step.database}: ${listed} — the plan has no point-in-time restore, or its retention is 0`);
    }
    if (!step.at) return done('ok', `${listed}; newest ${base.newest} UTC${restorableFrom ? `; restorable from ${restorableFrom} UTC on` : ''}`);
    const at = parseUtcTimestamp(step.at);
    if (!at) return fail(`at=${step.at} is not a UTC timestamp "YYYY-MM-DD HH:MM:SS"`);
    // Read again when a plan runs, not only when it was proposed: no snapshot can be from a moment still to come.
    if (at.getTime() > now.getTime()) return fail(`at=${step.at} is in the future (it is ${formatUtcTimestamp(now)} UTC): no snapshot can be from then`);
    const before = (await session.run(sql.atOrBefore, [folded, step.at])).rows.map((r) => [String(r[0]), r[1] === null ? null : String(r[1]), String(r[2]).slice(0, 19)] as const);
    const namedOlder = before.filter((r) => r[1] !== null).map((r) => `'${r[1]}' (${r[2]})`);
    const picked = before[0];
    if (!restorableFrom || step.at < restorableFrom || !picked) {
      // Within the retention yet before every snapshot kept: the database has none from then (it may not have existed).
      const withinRetention = retentionSeconds > 0 && now.getTime() - at.getTime() <= retentionSeconds * 1000;
      const why = withinRetention && restorableFrom ? `is before the oldest snapshot ${step.database} has (${restorableFrom} UTC), though within the retention (${retention})` : `is older than the retention (${retention})`;
      return done(
        'too-old',
        `${step.at} ${why}: ${restorableFrom ? `the oldest moment still restorable is ${restorableFrom} UTC` : 'no automatic snapshot is kept'}, so no path can reach it. ` +
          (namedOlder.length > 0 ? `Named snapshots from before it: ${namedOlder.join(', ')}` : 'No named snapshot is older either'),
        { namedOlder: namedOlder.join(', ') },
      );
    }
    return done('restorable', `${step.at} can be restored: SNAPSHOT_TIME picks the snapshot of ${picked[2]} UTC${picked[1] ? ` ('${picked[1]}')` : ''}; ${listed}`, {
      snapshotAt: picked[2],
      namedOlder: namedOlder.join(', '),
    });
  });
}

export const snapshotHistoryStepKind = defineStepKind({
  kind: 'snapshot-history',
  schema,
  statuses: ['ok', 'restorable', 'too-old', 'no-snapshots', 'unreachable'],
  outputs: ['snapshots', 'retention', 'retentionDays', 'restorableFrom', 'newest', 'namedOlder', 'snapshotAt', 'problem'],
  defaultTimeoutMs: 60_000,
  templates: (step) => [
    { at: ['database'], template: step.database, as: 'text' },
    { at: ['at'], template: step.at, as: 'text' },
  ],
  resolve: (step, tools) => ({ ...step, database: tools.text(step.database), at: tools.text(step.at) }),
  describe: (step) => {
    const sql = snapshotHistorySql(step);
    const folded = foldDatabaseName(step.database);
    return (
      `${sql.snapshots}\n-- bound: $1 = '${folded}'\n${sql.retention}\n-- bound: $1 = '${folded}'\n${sql.oldestKept}\n-- bound: $1 = '${folded}'` +
      (step.at ? `\n${sql.atOrBefore}\n-- bound: $1 = '${folded}', $2 = '${step.at}'` : '')
    );
  },
  run: runSnapshotHistory,
});
