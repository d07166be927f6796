// The bot-snapshots step kind: the named snapshots the engine took of a MotherDuck database for this incident (before
// each destructive step), and (release: true, in an approved cleanup only) their names removed. MotherDuck has no DROP
// SNAPSHOT: ALTER SNAPSHOT <db>.<name> SET snapshot_name = '' is how its SQL reference lets a named snapshot go; it is then
// kept as long as the retention keeps automatic snapshots, and restorable by its id meanwhile.
import { z } from 'zod';
import { botSnapshotPrefix, databaseIdentifier, databaseNameLiteral, foldDatabaseName, foldedNameSql, snapshotNameLiteral } from '../../database/sql-literal.js';
import { UserError } from '../../errors.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { TargetSession } from '../../database/target.js';
import type { RollbackSnapshot } from '../rollback-snapshots.js';
import type { TakenSnapshot } from '../taken-snapshots.js';
import { exactSnapshotTime } from './snapshot-times.js';
import type { StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, unsetAlike, type ResolvedCommon } from './define-step-kind.js';
import { withStepDatabase } from './step-database.js';
import { beforeAnyChange, oneByOne, oneByOneChanged } from './one-by-one.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('bot-snapshots'),
  /** The MotherDuck database the engine's named snapshots are of (the one the stack reads). */
  database: template,
  release: z.boolean().default(false),
  /**
   * motherduck: always MotherDuck (scenario 3). backend: the database DATABOX_BACKEND names (scenario 2), which
   * may be the local DuckDB file: the bot takes no named snapshot of that, so there is nothing to list or release.
   */
  target: z.enum(['motherduck', 'backend']).default('motherduck'),
});

interface BotSnapshot {
  name: string;
  id: string;
  created: string;
}

export type BotSnapshotsStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** The start of their names: the database, "bot" and the incident (botSnapshotPrefix). */
    prefix: string;
    /** In a releasing plan: the ones there when it was made, the only ones it releases. */
    listedWhenPlanned?: BotSnapshot[];
    /** Those a rollback of this incident took before going back, by name: each holds what that rollback undid. */
    byRollbacks?: Record<string, RollbackSnapshot>;
    /** Those an offered rollback not yet run restores by name, with the recovery it undoes: releasing one disarms it. */
    neededByRollbacks?: Record<string, { run: string; title: string }>;
    /** With target: backend, when DATABOX_BACKEND is not MotherDuck: its value and that database's label (nothing to list or release). */
    notMotherDuck?: string;
  };

/** $1 the database folded, $2 the prefix: starts_with, not LIKE, where "_" would match any character. */
const listSql = `SELECT snapshot_name, CAST(snapshot_id AS VARCHAR), created_ts
  FROM md_information_schema.database_snapshots
 WHERE ${foldedNameSql('database_name')} = $1 AND starts_with(snapshot_name, $2)
 ORDER BY created_ts`;

/** The documented way to let a named snapshot go: its name removed (the selector <database>.<name>, the name quoted as an identifier). */
const releaseSql = (database: string, name: string) => `ALTER SNAPSHOT ${databaseIdentifier(database)}."${name.replace(/"/g, '""')}" SET snapshot_name = ''`;

async function botSnapshots(step: BotSnapshotsStep, session: TargetSession): Promise<BotSnapshot[]> {
  const rows = (await session.run(listSql, [foldDatabaseName(step.database), step.prefix])).rows;
  // To the microsecond: at= that time (SNAPSHOT_TIME) picks this snapshot, not one written earlier in its second.
  return rows.map(([name, id, created]) => ({ name: String(name), id: String(id), created: exactSnapshotTime(created) }));
}

/** "1 named snapshot", "2 named snapshots": for a button's label. */
const namedPhrase = (count: number) => `${count} named snapshot${count === 1 ? '' : 's'}`;

const said = (snapshots: readonly BotSnapshot[]) => snapshots.map((s) => `'${s.name}' (id ${s.id}, taken ${s.created} UTC)`).join(', ');

/** What removing the names costs: a rollback that restores one by name cannot, and the retention alone keeps them. */
const afterRelease = (database: string) =>
  `a rollback of this incident that restores one of them by name is refused from then on, naming this cleanup; each stays restorable by its id, ALTER DATABASE ${databaseIdentifier(database)} SET SNAPSHOT TO (SNAPSHOT_ID '<id>'), only as long as the retention keeps automatic snapshots`;

/** An offered rollback that restores `name` by its name, which this cleanup removes: said before anything else in the plan. */
const rollbackDisarmedSaid = (name: string, needed: { run: string; title: string }) =>
  `The rollback offered for plan ${needed.run} (${needed.title}) restores '${name}' by its name: this cleanup removes that name, and the rollback is refused after it. Roll back first if the recovery is not good (its validation failed, or the numbers are wrong); approve this only once nobody needs to go back.`;

/** Why a step on DATABOX_BACKEND's database finds no named snapshot there: the bot takes them of MotherDuck only. */
const noneOffMotherDuck = (label: string) => `DATABOX_BACKEND is ${label}, not MotherDuck: the bot takes named snapshots of MotherDuck only, so it took none for this incident`;

/**
 * A snapshot a rollback took before going back holds what it undid: the recovery's result and the writes after it, which
 * may be nowhere else. Said with the writes the rollback counted, when it counted them.
 */
function undoneSaid(database: string, name: string, taken: RollbackSnapshot): string {
  const s = taken.writes === 1 ? '' : 's';
  const counted = taken.writes === undefined ? `whatever was written to ${database} after ${taken.rollbackOf}` : `the ${taken.writes} write${s} (automatic snapshot${s}) made to ${database} since ${taken.rollbackOf}'s snapshot, ${taken.rollbackOf}'s own among them`;
  return (
    `'${name}' was taken by the rollback ${taken.run} right before it went back: it holds ${database} as that rollback found it, ${counted}, all of which the rollback undid. ` +
    `Rows written after ${taken.rollbackOf} may be in it and nowhere else: read them first (CREATE DATABASE <a new name> FROM ${databaseIdentifier(database)} (SNAPSHOT_NAME ${snapshotNameLiteral(name)})) and copy back what is needed.`
  );
}

export const botSnapshotsStepKind = defineStepKind({
  kind: 'bot-snapshots',
  describesSql: true,
  schema,
  // skipped: on DATABOX_BACKEND's database when that is not MotherDuck (target: backend), where nothing is listed.
  // failed: a release that stopped, its outputs saying which names it removed before (once it began removing them).
  statuses: (step) => [...(step.release ? ['ok', 'failed', 'unreachable'] : ['ok', 'leftovers', 'unreachable']), ...(step.target === 'backend' && !step.release ? ['skipped'] : [])],
  // Could not see: MotherDuck not reached.
  unseeingStatuses: ['unreachable'],
  // releasedSnapshots: each one released with its id and time, for a later refusal to restore it by name (released-snapshots.ts).
  outputs: (step) =>
    unsetAlike({ snapshots: 'list', released: 'list', releasedSnapshots: 'list', count: 'text', named: 'text' }, ['unreachable', 'failed'], {
      problem: { shape: 'text', onlyWhen: ['unreachable'] },
      // The snapshot whose name's removal went unanswered (a fault on this side, the connection gone): it may have lost it.
      ...(step.release ? { unanswered: { shape: 'text', onlyWhen: ['failed'] } } : {}),
    }),
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => (step.release && !(step.mutates && step.destructive) ? [{ at: ['release'], message: "removing a snapshot's name lets the retention discard it: set mutates: true and destructive: true" }] : []),
  templates: (step) => [{ at: ['database'], template: step.database, as: 'text' }],
  resolve: (step, tools): BotSnapshotsStep => {
    const incident = String(tools.values.incident_id ?? '');
    // Without an incident the prefix would be every incident's: the bot's snapshots are found per incident only.
    if (!incident) throw new UserError(`${step.id} finds the named snapshots the bot took for an incident: name the incident (incident=…)`);
    const database = tools.text(step.database);
    const prefix = botSnapshotPrefix(database, incident);
    const rollbacks = Object.entries((tools.values.rollback_snapshots ?? {}) as Record<string, RollbackSnapshot>).filter(([name]) => name.startsWith(prefix));
    const needed = Object.entries((tools.values.taken_snapshots ?? {}) as Record<string, TakenSnapshot>).flatMap(([name, taken]) =>
      name.startsWith(prefix) && taken.rollbackOpen ? [[name, { run: taken.run, title: taken.rollbackOpen.title }] as const] : [],
    );
    const backend = (tools.values.targets as { backend?: { name: string; label: string } } | undefined)?.backend;
    // The setting's value as it is written (local), then the database it names.
    const offMotherDuck = step.target === 'backend' && backend !== undefined && backend.name !== 'motherduck' ? { notMotherDuck: `${backend.name} (${backend.label})` } : {};
    return {
      ...step,
      database,
      prefix,
      ...offMotherDuck,
      ...(step.release && rollbacks.length > 0 ? { byRollbacks: Object.fromEntries(rollbacks) } : {}),
      ...(step.release && needed.length > 0 ? { neededByRollbacks: Object.fromEntries(needed) } : {}),
    } as BotSnapshotsStep;
  },
  describe: (step) => {
    if (step.notMotherDuck) return `-- nothing sent: ${noneOffMotherDuck(step.notMotherDuck)}`;
    const listed = listSql.replace('$1', databaseNameLiteral(step.database)).replace('$2', `'${step.prefix}'`);
    if (!step.release) return listed;
    const planned = step.listedWhenPlanned ?? [];
    const releases = planned.length > 0 ? planned.map((s) => `${releaseSql(step.database, s.name)} -- id ${s.id}, taken ${s.created} UTC`).join('\n') : '-- none when the plan was made: nothing to release';
    return `${listed}\n${releases}\n-- MotherDuck has no DROP SNAPSHOT: this removes each name, of those this plan lists only; ${afterRelease(step.database)}`;
  },
  // It changes no database's data, only snapshots' names: a named snapshot before it would be one more left behind.
  changesOtherDatabases: true,
  run: (step, ctx) => {
    if (step.notMotherDuck) {
      const none = noneOffMotherDuck(step.notMotherDuck);
      // A release is never proposed there (nothingWhenPlanned); a listing has nothing to look at.
      return Promise.resolve({ status: step.release ? 'ok' : 'skipped', summary: none, durationMs: 0, outputs: { snapshots: [], released: [], releasedSnapshots: [], count: 0, named: namedPhrase(0) } });
    }
    return withStepDatabase(ctx, { target: 'motherduck', writable: step.release, timeoutMs: step.timeoutMs }, async (session, _fail, started): Promise<StepResult> => {
      // A release that failed listing them removed no name.
      const existing = step.release ? await botSnapshots(step, session).catch(beforeAnyChange) : await botSnapshots(step, session);
      const names = existing.map((s) => s.name);
      const outputs = (released: BotSnapshot[]) => ({ snapshots: names, released: released.map((s) => s.name), releasedSnapshots: released, count: existing.length, named: namedPhrase(existing.length) });
      if (!step.release) {
        return {
          status: existing.length > 0 ? 'leftovers' : 'ok',
          summary: existing.length > 0 ? `named snapshots the bot took of ${step.database} for this incident, kept until their names are removed: ${said(existing)}` : `no named snapshot the bot took of ${step.database} for this incident is left`,
          durationMs: elapsedSince(started),
          outputs: outputs([]),
        };
      }
      // Only what the approver was shown: one taken since the plan was made (a rollback's) keeps its name.
      const shown = new Set((step.listedWhenPlanned ?? []).map((s) => s.name));
      // Each name is removed on its own: one that fails leaves those before it removed, kept in its outputs (releasedSnapshots), as
      // a rollback restoring one by that name is refused from them.
      const released = await oneByOne(existing.filter((s) => shown.has(s.name)), async (snapshot) => void (await session.run(releaseSql(step.database, snapshot.name))), {
        outputs,
        name: (snapshot) => snapshot.name,
        said: (done, snapshot, why) => `${done.length > 0 ? `removed the name${done.length === 1 ? '' : 's'} of ${done.map((s) => `'${s.name}'`).join(', ')}, then ` : ''}removing the name of '${snapshot.name}' failed: ${why}`,
      });
      const kept = existing.filter((s) => !shown.has(s.name));
      return {
        status: 'ok',
        summary:
          (released.length > 0 ? `removed the names of ${said(released)}: ${afterRelease(step.database)}` : `no named snapshot the bot took of ${step.database} for this incident was left to release`) +
          (kept.length > 0 ? `; taken after the plan was made, so left named: ${said(kept)}` : ''),
        durationMs: elapsedSince(started),
        outputs: outputs(released),
      };
    });
  },
  // A release stopped after removing some names (released), or whose answer to one was lost (unanswered), or that the
  // engine stopped waiting for (no outputs: it may have gone on), may have removed names; one that failed at the first did not.
  partWay: { statuses: ['failed', 'timeout'], changed: oneByOneChanged('released') },
  stoppedPartWay: (step, result) => {
    const { released, unanswered } = result.outputs ?? {};
    const again = "list the bot's snapshots again before releasing the rest";
    if (!Array.isArray(released)) return `it stopped before saying which names it removed: any of the bot's named snapshots of ${step.database} for this incident may have lost its name (each stays restorable by its id while the retention keeps it); ${again}`;
    const left = (step.listedWhenPlanned ?? []).map((s) => s.name).filter((name) => !released.includes(name) && name !== unanswered);
    const quoted = (names: readonly unknown[]) => names.map((name) => `'${String(name)}'`).join(', ');
    const parts = [
      ...(released.length > 0 ? [`the name${released.length === 1 ? '' : 's'} of ${quoted(released)} ${released.length === 1 ? 'was' : 'were'} removed (${released.length === 1 ? 'it stays' : 'each stays'} restorable by its id while the retention keeps it)`] : []),
      ...(typeof unanswered === 'string' ? [`whether '${unanswered}' lost its name is not known (the answer was lost)`] : []),
      ...(left.length > 0 ? [`${quoted(left)} ${left.length === 1 ? 'keeps its name' : 'keep their names'}`] : []),
    ];
    return `it stopped part-way: ${parts.join(', ')}; ${again}`;
  },
  nothingWhenPlanned: (step) => {
    if (!step.release || step.listedWhenPlanned?.length !== 0) return undefined;
    return step.notMotherDuck ? noneOffMotherDuck(step.notMotherDuck) : `no named snapshot the bot took of ${step.database} for this incident is left`;
  },
  readWhenPlanned: async (step, { target }) => {
    if (!step.release) return step;
    if (step.notMotherDuck) return { ...step, listedWhenPlanned: [] };
    const session = await target('motherduck')
      .open({ writable: false })
      .catch((error: Error) => Promise.reject(new UserError(`cannot list the named snapshots the bot took of ${step.database} to make the plan: ${error.message.split('\n')[0]}; nothing was proposed`)));
    try {
      return { ...step, listedWhenPlanned: await botSnapshots(step, session) };
    } finally {
      await session.close();
    }
  },
  planWarning: (step) => {
    const listed = step.listedWhenPlanned ?? [];
    if (listed.length === 0) return undefined;
    const undone = listed.flatMap((s) => {
      const taken = step.byRollbacks?.[s.name];
      return taken ? [undoneSaid(step.database, s.name, taken)] : [];
    });
    // First: the way back still offered that this cleanup takes away.
    const disarmed = listed.flatMap((s) => {
      const needed = step.neededByRollbacks?.[s.name];
      return needed ? [rollbackDisarmedSaid(s.name, needed)] : [];
    });
    return [...disarmed, `This cleanup removes the names of the named snapshot${listed.length === 1 ? '' : 's'} the bot took of ${step.database} for this incident, ${said(listed)}: ${afterRelease(step.database)}.`, ...undone].join(' ');
  },
});
