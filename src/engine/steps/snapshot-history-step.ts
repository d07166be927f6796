// The snapshot-history step kind: a MotherDuck database's 20 newest snapshots, its retention, and whether a moment `at`
// can still be restored, or whether the database has a named snapshot `snapshot` (the runbook's scenario 3 diagnosis,
// with created_ts where the runbook's query says created_at).
import { z } from 'zod';
import { databaseIdentifier, foldDatabaseName, foldedNameSql, formatUtcTimestamp, parseUtcTimestamp, snapshotNameLiteral } from '../../database/sql-literal.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import { didYouMean } from '../../runbook/did-you-mean.js';
import { valueProblem } from '../../commands/parse.js';
import { describeCharacter } from '../../commands/unusual-characters.js';
import { UserError } from '../../errors.js';
import { foldRows, textTable } from '../../text-table.js';
import { stepExcerptChars } from '../../excerpt.js';
import type { TargetSession } from '../../database/target.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, unsetAlike, type ResolvedCommon } from './define-step-kind.js';
import { exactSnapshotTime, firstWholeSecondFrom, justBeforeNewestWrite, snapshotTimeLabels } from './snapshot-times.js';
import { withStepDatabase } from './step-database.js';
import type { ReleasedSnapshot } from '../released-snapshots.js';
import type { TakenSnapshot } from '../taken-snapshots.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('snapshot-history'),
  database: template,
  /** The moment to restore (UTC "YYYY-MM-DD HH:MM:SS"); empty: list only. */
  at: z.string().default(''),
  /** A named snapshot of the database to find (its name as MotherDuck lists it); exclusive with `at`. */
  snapshot: z.string().default(''),
  limit: z.number().int().min(1).max(100).default(20),
  /**
   * In a plan: a write made after the plan was made (an automatic snapshot newer than the newest then) stops it, status
   * `changed`. With `at` or `snapshot`, going back would undo it, and the approval counted only those before; with
   * neither (the swap, which puts a clone in the database's place), the plan would replace it unseen.
   */
  stopsOnLaterWrites: z.boolean().default(false),
});

export type SnapshotHistoryStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** In a plan: the writes since `at` (or since the named snapshot) when the plan was made, which going back undoes. */
    writesWhenPlanned?: Written;
    /** The named snapshot `snapshot`, when a cleanup of this incident removed its name: which one, and its id and time. */
    released?: ReleasedSnapshot;
    /** The named snapshot `snapshot`, when the engine took it before a recovery's step of this incident: which, and when it started. */
    taken?: TakenSnapshot;
  };

/** Writes (automatic snapshots) since a time; atLeast: some are past the retention, no longer listed. */
export interface Written {
  count: number;
  atLeast: boolean;
  /** In a plan going back: the moment it goes back to (`at`, or the named snapshot's created_ts), UTC as MotherDuck gives it. */
  since?: string;
  /** With stopsOnLaterWrites: the newest write then (its created_ts), or the time counted from when there is none since. */
  newest?: string;
}

/** $1 is the database name folded (foldDatabaseName): md_information_schema lists it as created, Databox or databox. */
export function snapshotHistorySql(step: Pick<SnapshotHistoryStep, 'limit'>): Record<'snapshots' | 'retention' | 'oldestKept' | 'atOrBefore' | 'writesAfter' | 'newestWrite' | 'named' | 'allNamed' | 'byId' | 'otherDatabases', string> {
  const named = `${foldedNameSql('database_name')} = $1`;
  const live = `(SELECT uuid FROM md_information_schema.databases WHERE ${foldedNameSql('name')} = $1)`;
  // A database dropped and made again under its name (a load after an accidental DROP) is another database_id: only
  // the live one's snapshots are its history, which SNAPSHOT_TIME on it can reach. Named ones are looked up by name.
  const snapshotOf = `${named} AND CAST(database_id AS VARCHAR) IN ${live}`;
  return {
    otherDatabases: `SELECT count(*), max(created_ts)
  FROM md_information_schema.database_snapshots
 WHERE ${named} AND CAST(database_id AS VARCHAR) NOT IN ${live}`,
    snapshots: `SELECT snapshot_id, snapshot_name, created_ts, user_name
  FROM md_information_schema.database_snapshots
 WHERE ${snapshotOf}
 ORDER BY created_ts DESC
 LIMIT ${step.limit}`,
    retention: `SELECT CAST(historical_snapshot_retention AS VARCHAR), epoch(historical_snapshot_retention), created_ts
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
    // Each write makes an automatic snapshot; a named one is taken of a state already there, and going back keeps it.
    writesAfter: `SELECT count(*)
  FROM md_information_schema.database_snapshots
 WHERE ${snapshotOf} AND snapshot_name IS NULL AND created_ts > CAST($2 AS TIMESTAMP)`,
    newestWrite: `SELECT max(created_ts)
  FROM md_information_schema.database_snapshots
 WHERE ${snapshotOf} AND snapshot_name IS NULL`,
    named: `SELECT snapshot_id, snapshot_name, created_ts, user_name
  FROM md_information_schema.database_snapshots
 WHERE ${named} AND snapshot_name = $2
 ORDER BY created_ts DESC
 LIMIT 1`,
    allNamed: `SELECT snapshot_id, snapshot_name, created_ts, user_name
  FROM md_information_schema.database_snapshots
 WHERE ${named} AND snapshot_name IS NOT NULL
 ORDER BY created_ts DESC
 LIMIT 100`,
    byId: `SELECT snapshot_id, snapshot_name, created_ts, user_name
  FROM md_information_schema.database_snapshots
 WHERE ${named} AND CAST(snapshot_id AS VARCHAR) = $2`,
  };
}

type Row = [string, string | null, string, string];

const readRow = (r: unknown[]): Row => [String(r[0]), r[1] === null ? null : String(r[1]), exactSnapshotTime(r[2]), String(r[3] ?? '')];

/** How many writes (automatic snapshots) the database has had since `time`: all of them are undone by going back to it. */
export async function writesSince(session: TargetSession, database: string, time: string): Promise<number> {
  return Number((await session.run(snapshotHistorySql({ limit: 1 }).writesAfter, [foldDatabaseName(database), time])).rows[0]?.[0] ?? 0);
}

/** The writes since a named snapshot taken at `created`: those between it and the oldest automatic snapshot kept have gone with the retention. */
async function writesSinceNamed(session: TargetSession, database: string, created: string): Promise<Written> {
  const count = await writesSince(session, database, created);
  const oldestKept = (await session.run(snapshotHistorySql({ limit: 1 }).oldestKept, [foldDatabaseName(database)])).rows[0]?.[0];
  return { count, atLeast: oldestKept !== null && oldestKept !== undefined && created < exactSnapshotTime(oldestKept) };
}

/**
 * The writes made to `database` since its named snapshot `name` was taken (going back to it undoes them), or undefined
 * when MotherDuck lists no snapshot of that name.
 */
export async function writesSinceNamedSnapshot(session: TargetSession, database: string, name: string): Promise<Written | undefined> {
  const found = (await session.run(snapshotHistorySql({ limit: 1 }).named, [foldDatabaseName(database), name])).rows.map(readRow)[0];
  return found ? writesSinceNamed(session, database, found[2]) : undefined;
}

/**
 * The writes made to `database` since its snapshot of id `id` was taken (one whose name a cleanup removed), or undefined
 * when MotherDuck no longer lists it: the retention has discarded it.
 */
export async function writesSinceSnapshotId(session: TargetSession, database: string, id: string): Promise<Written | undefined> {
  const found = (await session.run(snapshotHistorySql({ limit: 1 }).byId, [foldDatabaseName(database), id])).rows.map(readRow)[0];
  return found ? writesSinceNamed(session, database, found[2]) : undefined;
}

/** The writes counted when the plan was made, with the newest of them (or `since`, none being newer): what a later write is told by. */
async function writtenWhenPlanned(session: TargetSession, database: string, since: string, written: Written): Promise<Written> {
  const newest = (await session.run(snapshotHistorySql({ limit: 1 }).newestWrite, [foldDatabaseName(database)])).rows[0]?.[0];
  const newestTime = newest === null || newest === undefined ? '' : exactSnapshotTime(newest);
  // Exact times compare as text; a write older than `since` is not one going back undoes.
  return { ...written, newest: newestTime > since ? newestTime : since };
}

/**
 * Why a plan stops: writes made to the database after it was made, which going back would undo unseen by its approval;
 * undefined when there are none, or the step does not hold its plan to them.
 */
async function writtenAfterPlan(step: SnapshotHistoryStep, session: TargetSession): Promise<string | undefined> {
  const newest = step.stopsOnLaterWrites ? step.writesWhenPlanned?.newest : undefined;
  if (!newest) return undefined;
  const later = await writesSince(session, step.database, newest);
  if (later === 0) return undefined;
  const s = later === 1 ? '' : 's';
  const them = later === 1 ? 'it' : 'them';
  const goesBack = Boolean(step.at || step.snapshot);
  const undone = goesBack ? `Going back would undo ${them} too` : `The plan would put another state in place of ${them}`;
  const again = goesBack ? 'it counts the writes it undoes' : 'it holds itself to the writes made by then';
  return (
    `${step.database} changed after this plan was made: ${later} write${s} (automatic snapshot${s}) since ${newest} UTC, the newest it counted. ${undone}, and the approval did not see ${them}: ` +
    `nothing after this check ran. Propose the plan again, and ${again} (stop what writes to ${step.database} first, or it changes again)`
  );
}

/**
 * "3 writes (automatic snapshots) since <since> are undone by going back, good or bad"; '' for none. `atLeast`: some
 * writes since are past the retention, no longer listed, so the count is a floor.
 */
export function writesUndone(count: number, since: string, atLeast = false): string {
  if (count === 0) return '';
  const s = count === 1 && !atLeast ? '' : 's';
  const counted = atLeast ? `at least ${count} write${s} (automatic snapshot${s}: older ones are past the retention, no longer listed)` : `${count} write${s} (automatic snapshot${s})`;
  return `${counted} since ${since} ${count === 1 && !atLeast ? 'is' : 'are'} undone by going back, good or bad`;
}

/**
 * A moment given as at=, shown back the first time: in UTC, and said to be read as UTC, since a local time typed
 * without its zone is taken as UTC too and names another moment (a zone other than UTC is refused when typed).
 */
export const momentReadAsUtc = (moment: string) => `${moment} UTC (read as UTC, as every moment given to the bot is)`;

/**
 * The oldest moment that can be restored, as the summary gives it ("restorable from … on"): the oldest automatic
 * snapshot kept, to the whole second at or after it, and why when that snapshot was made a fraction into the second
 * before (a moment typed to that second is before it). Ends inside an open parenthesis, for the retention to follow.
 */
function oldestSaid(restorableFrom: string): string {
  const typed = firstWholeSecondFrom(restorableFrom);
  if (typed === restorableFrom) return `moments from ${typed} UTC on can be restored (`;
  return `moments from ${typed} UTC on can be restored (the oldest automatic snapshot kept was made at ${restorableFrom} UTC, so a moment typed to the second reaches it from the next whole second on; `;
}

/** A named snapshot the engine took right before a step of an incident's plan (resolve.ts): `<db>_bot_<incident>_<step>_<time>`. */
const takenBeforeStep = /_bot_dbx_\d{8}_[0-9a-f]{4}_(.+)_\d{8}T\d{6}Z$/;

/**
 * MotherDuck's user_name in DATABASE_SNAPSHOTS is "the user who owns the database corresponding to the snapshot", not
 * who took it: the column and the verdict say owner, so nobody is sent to ask the wrong person.
 */
const ownerColumn = 'database owner';

function ownerSaid(database: string, user: string): string {
  return user ? `; ${database}'s owner: ${user}, MotherDuck's user_name, not necessarily who took it` : '';
}

/**
 * Of a snapshot the bot named: its created_ts is MotherDuck's clock when the step ran, the time in its name the bot's
 * when the plan was made (the name is in the plan's SQL, which the approval covers), so they may differ by much.
 */
function clockNote(name: string): string {
  return takenBeforeStep.test(name) ? ` by MotherDuck's clock, when the step it was taken before ran (the time in its name is when its plan was made, by the bot's clock)` : '';
}

/**
 * Going back to the snapshot the engine took before a step (a rollback of the swap) undoes that step's own write too,
 * first among those counted: said, with how many came after it (writes made since, a nightly load's say).
 */
function ownWriteSaid(snapshot: string | undefined, count: number): string {
  const step = snapshot ? takenBeforeStep.exec(snapshot)?.[1] : undefined;
  if (!step) return '';
  const after = count - 1;
  return `: the first is the bot's own step "${step}", which the snapshot was taken right before, so ${after === 0 ? 'none came' : `${after} write${after === 1 ? '' : 's'} came`} after it`;
}

/**
 * A plan's step that counted the writes going back to its moment undoes (path A's or path N's guard), ready to count
 * them again for the plan that goes back there after it (the swap of their clone): its count dropped, held as that
 * plan is. Undefined for any other step.
 */
export function toCountAgainGoingBack(step: ResolvedStep): SnapshotHistoryStep | undefined {
  if (step.kind !== 'snapshot-history' || !step.writesWhenPlanned || (!step.at && !step.snapshot)) return undefined;
  return { ...step, writesWhenPlanned: undefined, stopsOnLaterWrites: true };
}

/** Finds the named snapshot `step.snapshot` of the database: named-found with its time and name, or no-such-snapshot naming those there are. */
async function findNamedSnapshot(
  step: SnapshotHistoryStep,
  session: TargetSession,
  started: number,
  retention: string,
): Promise<StepResult> {
  const sql = snapshotHistorySql(step);
  const folded = foldDatabaseName(step.database);
  const found = (await session.run(sql.named, [folded, step.snapshot])).rows.map(readRow)[0];
  // Every named snapshot of the database, not only those among the newest 20: the operator picks one of them.
  const named = (await session.run(sql.allNamed, [folded])).rows.map(readRow);
  const shown = snapshotTimeLabels(named.map((r) => r[2]));
  const list = named.map((r) => `'${r[1]}' (${shown(r[2])} UTC)`).join(', ');
  const table = textTable(['snapshot_id', 'name', 'created_ts (UTC)', ownerColumn], named.map(([id, name, created, user]) => [id, name, shown(created), user]));
  const result = (status: string, summary: string, extra: Record<string, unknown>): StepResult => ({
    status,
    summary,
    output: `${table}
retention: ${retention}; named snapshots are kept until unnamed, whatever the retention`,
    durationMs: elapsedSince(started),
    outputs: { snapshots: named.map(([id, name, created, user]) => ({ id, name, created, user })), retention, named: list, snapshotName: '', snapshotAt: '', snapshotId: '', writesSince: 0, ...extra },
  });
  if (found) {
    const [id, name, created, user] = found;
    const later = await writtenAfterPlan(step, session);
    if (later) return result('changed', later, {});
    const writes = await writesSinceNamed(session, step.database, created);
    const lost = writes.count > 0 ? `; ${writesUndone(writes.count, 'it was taken', writes.atLeast)} (none of them is in it)` : '';
    return result('named-found', `'${name}' is a named snapshot of ${step.database}, taken ${shown(created)} UTC${clockNote(name ?? '')} (id ${id}${ownerSaid(step.database, user)})${lost}`, {
      snapshotName: name,
      snapshotAt: created,
      snapshotId: id,
      writesSince: writes.count,
    });
  }
  if (step.released) return result('no-such-snapshot', await releasedByCleanup(step, step.released, session, retention), {});
  if (step.taken) return result('no-such-snapshot', goneByHand(step, step.taken, retention, list), {});
  const hint = didYouMean(step.snapshot, named.map((r) => r[1] as string));
  // A name that cannot be typed back (an invisible character in it, a quote): said, with the way out, or the did-you-mean
  // and the refusal of what it suggests would send the operator round in circles.
  const untypable = named.flatMap(([, name]) => {
    const why = name === null ? undefined : whyNotTypable(name);
    // Quoted as SQL takes it (a double quote doubled), and shown as JSON, where a line break or a direction mark in it is seen.
    const renamed = `ALTER SNAPSHOT ${databaseIdentifier(step.database)}."${name?.replace(/"/g, '""')}" SET snapshot_name = '<new name>'`;
    return why ? [`${JSON.stringify(name)} cannot be given as snapshot= (${why}): rename it first, by hand (${renamed}), then diagnose again with the new name`] : [];
  });
  return result(
    'no-such-snapshot',
    `${step.database} has no named snapshot '${step.snapshot}'${hint}; ` + (named.length > 0 ? `its named snapshots: ${list}` : 'it has no named snapshot at all') + untypable.map((u) => `. ${u}`).join(''),
    {},
  );
}

/**
 * A name a cleanup of this incident removed: said with the run that did, and, while the retention still keeps the
 * snapshot, how it is restored without its name (a "no such name, these are the names" would hide both).
 */
async function releasedByCleanup(step: SnapshotHistoryStep, released: ReleasedSnapshot, session: TargetSession, retention: string): Promise<string> {
  const gone = `'${step.snapshot}' is no longer a named snapshot of ${step.database}: the cleanup ${released.run} removed its name`;
  const kept = (await session.run(snapshotHistorySql(step).byId, [foldDatabaseName(step.database), released.id])).rows.map(readRow)[0];
  if (!kept) return `${gone}, and the retention (${retention}) has since discarded the snapshot (id ${released.id}, taken ${released.created} UTC${clockNote(step.snapshot)}): MotherDuck can no longer restore it`;
  // Its created_ts as MotherDuck lists it now, to the microsecond (a cleanup by an older build kept it to the second only):
  // SNAPSHOT_TIME picks the newest snapshot at or before the time given, so a time cut to its second picks an older one.
  const created = kept[2];
  return (
    `${gone}. The snapshot itself (id ${released.id}, taken ${created} UTC${clockNote(step.snapshot)}) is kept only as long as the retention (${retention}) keeps automatic snapshots; ` +
    `until then it is restorable by its id, ALTER DATABASE ${databaseIdentifier(step.database)} SET SNAPSHOT TO (SNAPSHOT_ID '${released.id}'), or by its time, at="${created}"`
  );
}

/**
 * A name the bot took that no cleanup removed, gone all the same (removed or renamed by hand): MotherDuck keeps no trace
 * of which, so the way back is said by the time the recovery started, which the journal keeps, while the retention
 * keeps that moment (a "no such name" alone would leave the operator without one).
 */
function goneByHand(step: SnapshotHistoryStep, taken: TakenSnapshot, retention: string, named: string): string {
  return (
    `'${step.snapshot}' is no longer a named snapshot of ${step.database}, and no cleanup of this incident removed its name: it was removed or renamed by hand. ` +
    `The bot took it in ${taken.run}, right before its step "${taken.before}"; ${taken.run} started at ${taken.startedAt} UTC (its journal), so ${step.database} as it was before it is the moment at="${taken.startedAt}". ` +
    `While the retention (${retention}) keeps that moment, diagnose it, ${taken.diagnose}, and restore it by time on the path its verdict offers` +
    (named ? `. Renamed, it is among ${step.database}'s named snapshots: ${named}` : `; ${step.database} has no named snapshot now`)
  );
}

/** What the command grammar or the SQL renderer refuses in a snapshot's name, or undefined when it can be typed as snapshot=. */
function whyNotTypable(name: string): string | undefined {
  if (valueProblem('snapshot', name) || name.includes('"')) return 'it holds a character a command refuses in any value: ` $ ; | & < > ", a line break or a control character';
  if (renders(name)) return undefined;
  // The character the renderer refuses, where it is (a zero-width space after "pre"), rather than its "type it again".
  let at = 0;
  for (const character of name) {
    if (!renders(character)) return `it holds ${describeCharacter(character)}${at > 0 ? ` after "${name.slice(Math.max(0, at - 12), at)}"` : ' at the start'}`;
    at += character.length;
  }
  return 'the SQL renderer refuses it';
}

function renders(name: string): boolean {
  try {
    snapshotNameLiteral(name);
    return true;
  } catch (error) {
    if (error instanceof UserError) return false;
    throw error;
  }
}

async function runSnapshotHistory(step: SnapshotHistoryStep, ctx: Parameters<typeof withStepDatabase>[0]): Promise<StepResult> {
  const seen: { otherDatabases?: string } = {};
  const result = await readSnapshotHistory(step, ctx, seen);
  if (result.status === 'unreachable' && result.outputs.problem === 'no-database') return { ...result, status: 'dropped', summary: droppedSaid(step.database, result.summary) };
  if (result.status === 'recreated') return { ...result, summary: `${result.summary}; ${seen.otherDatabases}. ${nameFreedSaid(step.database)}` };
  return seen.otherDatabases && !step.snapshot ? { ...result, summary: `${result.summary}; ${seen.otherDatabases}` } : result;
}

/** Snapshots under the database's name that are another database_id's (one dropped before this one was made): said, with the way to it. */
async function otherDatabasesSaid(session: TargetSession, database: string): Promise<string | undefined> {
  const [count, newest] = (await session.run(snapshotHistorySql({ limit: 1 }).otherDatabases, [foldDatabaseName(database)])).rows[0] ?? [];
  const n = Number(count ?? 0);
  if (n === 0) return undefined;
  const them = n === 1 ? '1 snapshot under the name ' + database + ' belongs' : `${n} snapshots under the name ${database} belong`;
  return (
    `${them} to a ${database} dropped earlier (another database_id, newest ${exactSnapshotTime(newest)} UTC), not to this one, which was made since: this one's history starts when it was made, and SNAPSHOT_TIME on it cannot reach the dropped one's. ` +
    `UNDROP DATABASE ${databaseIdentifier(database)} brings that one back only once the name is free (rename this one first, by hand, with what loaded into it) and while the drop is within its retention`
  );
}

/**
 * How the dropped database comes back when a database made since holds its name, with statements MotherDuck documents
 * (its SQL reference has no RENAME for a database): what was loaded since is kept as a zero-copy clone first.
 */
function nameFreedSaid(database: string): string {
  const aside = databaseIdentifier(`${database}_reloaded`);
  const name = databaseIdentifier(database);
  return (
    `By hand in MotherDuck, once what loads into ${database} is stopped (a load would make it again): CREATE DATABASE ${aside} FROM ${name} keeps what was loaded since (a zero-copy clone), ` +
    `DROP DATABASE ${name} frees the name, then UNDROP DATABASE ${name} and ATTACH 'md:${database}' in that session; diagnose again to restore a moment within the undropped one's history. ` +
    `UNDROP works only while the drop is within the dropped database's retention (SNAPSHOT_RETENTION_DAYS: Business 0–90 days, Lite 1 day)`
  );
}

/**
 * MotherDuck has no database of that name: a name mistyped in the setting, or the database dropped (a symptom the
 * runbook names). UNDROP DATABASE brings a dropped one back, with its snapshot history, while the drop is within its
 * retention (MotherDuck's UNDROP DATABASE reference); the bot has no plan that runs it.
 */
function droppedSaid(database: string, answered: string): string {
  return (
    `${answered}. If it was dropped (an accidental DROP DATABASE), UNDROP DATABASE ${databaseIdentifier(database)} brings it back with its snapshot history, ` +
    `as long as the drop is within its retention (SNAPSHOT_RETENTION_DAYS: Business 0–90 days, Lite 1 day); run it by hand in MotherDuck, then ATTACH 'md:${database}' in that session, and diagnose again. ` +
    `While ${database} is not there, no snapshot of it can be listed or restored, so nothing else is offered`
  );
}

async function readSnapshotHistory(step: SnapshotHistoryStep, ctx: Parameters<typeof withStepDatabase>[0], seen: { otherDatabases?: string }): Promise<StepResult> {
  return withStepDatabase(ctx, { target: 'motherduck', writable: false, timeoutMs: step.timeoutMs }, async (session, fail, started) => {
    const sql = snapshotHistorySql(step);
    const folded = foldDatabaseName(step.database);
    seen.otherDatabases = await otherDatabasesSaid(session, step.database);
    const rows = (await session.run(sql.snapshots, [folded])).rows.map(readRow);
    const retentionRow = (await session.run(sql.retention, [folded])).rows[0];
    if (!retentionRow) return fail(`MotherDuck has no database named ${step.database} (md_information_schema.databases)`);
    const retentionSeconds = Number(retentionRow[1]);
    // DuckDB writes an empty interval as 00:00:00.
    const retention = retentionSeconds === 0 ? '0 days' : String(retentionRow[0]);
    if (step.snapshot) return findNamedSnapshot(step, session, started, retention);
    const now = ctx.clock();
    // MotherDuck keeps an automatic snapshot for the retention after a newer one replaced it, so the oldest automatic
    // snapshot still listed (or the active one, which may be named) is the oldest moment SNAPSHOT_TIME can reach.
    const oldestKept = (await session.run(sql.oldestKept, [folded])).rows[0]?.[0];
    const restorableFrom = oldestKept === null || oldestKept === undefined ? '' : exactSnapshotTime(oldestKept);
    const named = rows.filter((r) => r[1] !== null);
    const newest = rows[0]?.[2] ?? '';
    const base = {
      snapshots: rows.map(([id, name, created, user]) => ({ id, name, created, user })),
      retention,
      retentionDays: Math.round((retentionSeconds / 86_400) * 100) / 100,
      restorableFrom,
      newest,
    };
    // Retention 0: an automatic snapshot goes as soon as a newer one replaces it, so the one listed is the state now.
    const noHistory = retentionSeconds === 0;
    const done = (status: string, summary: string, shown: (time: string) => string, extra: Record<string, unknown> = {}): StepResult => {
      const table = textTable(['snapshot_id', 'name', 'created_ts (UTC)', ownerColumn], rows.map(([id, name, created, user]) => [id, name ?? '(automatic)', shown(created), user]));
      const kept = noHistory
        ? `no point-in-time history is kept (each automatic snapshot goes as soon as a newer one replaces it${newest ? `; the newest, of ${shown(newest)} UTC, is the database as it is now` : ''})`
        : restorableFrom
          ? `${oldestSaid(restorableFrom)}each automatic snapshot is kept ${retention} after a newer one replaces it)`
          : 'no automatic snapshot is kept';
      const notes = `\nretention: ${retention}: ${kept}; named snapshots are kept until unnamed`;
      // Too many to show whole, the run's message keeps the two newest, the oldest, the named ones and those either side
      // of the one picked, which a cut through the middle would hide.
      const picked = rows.findIndex((r) => r[2] === extra.snapshotAt);
      const keep = rows.map((r, i) => i < 2 || i === rows.length - 1 || r[1] !== null || (picked !== -1 && Math.abs(i - picked) <= 1));
      // The stretch left out is said in the last column, which pads no other.
      const folded = () =>
        textTable(['snapshot_id', 'name', 'created_ts (UTC)', ownerColumn], foldRows(rows.map(([id, name, created, user]) => [id, name ?? '(automatic)', shown(created), user]), keep, (first, last) => ['…', '', '', `${last - first + 1} more, ${shown(rows[last]?.[2] ?? '')} … ${shown(rows[first]?.[2] ?? '')}`]));
      return {
        status,
        summary,
        output: `${table}${notes}`,
        ...(table.length + notes.length > stepExcerptChars ? { shown: `${folded()}${notes}` } : {}),
        durationMs: elapsedSince(started),
        outputs: { ...base, namedOlder: '', named: '', snapshotAt: '', writesSince: 0, ...extra },
      };
    };
    const listed = `${rows.length} snapshot${rows.length === 1 ? '' : 's'} (${named.length} named), retention ${retention}`;
    const namedList = (list: readonly (readonly [string, string | null, string, ...unknown[]])[], shown: (time: string) => string) => list.map((r) => `'${r[1]}' (${shown(r[2])} UTC)`).join(', ');
    // Held to the newest write with no moment to judge (the swap): a later write stops it whatever the history says.
    if (!step.at) {
      const later = await writtenAfterPlan(step, session);
      if (later) return done('changed', later, snapshotTimeLabels(rows.map((r) => r[2])));
    }
    // A moment before the database there now was made is the dropped one's (a load made it again after a DROP): no
    // snapshot of this one reaches it, and UNDROP, not a restore, is the way back to it (runSnapshotHistory says how).
    const madeAt = retentionRow[2] === null || retentionRow[2] === undefined ? '' : exactSnapshotTime(retentionRow[2]);
    if (seen.otherDatabases && madeAt && parseUtcTimestamp(step.at) && step.at < madeAt) {
      return done('recreated', `${momentReadAsUtc(step.at)} is before the ${step.database} there now was made (${madeAt} UTC): no snapshot of it reaches that moment, only the ${step.database} dropped earlier held it`, snapshotTimeLabels(rows.map((r) => r[2])));
    }
    if (rows.length === 0) {
      return done('no-snapshots', `no snapshot can restore ${step.database}: MotherDuck lists none (retention ${retention}), so its plan has no point-in-time restore`, snapshotTimeLabels([]));
    }
    if (noHistory) {
      const shown = snapshotTimeLabels(rows.map((r) => r[2]));
      const history = `snapshot retention is 0 days, so MotherDuck keeps no point-in-time history: each automatic snapshot goes as soon as a newer one replaces it, and the newest (${shown(newest)} UTC) is the database as it is now`;
      if (named.length === 0) return done('no-snapshots', `no snapshot can restore ${step.database}: its ${history}; it has no named snapshot either`, shown);
      const names = namedList(named, shown);
      return done('named-only', `${step.at ? `${momentReadAsUtc(step.at)} cannot be restored: ` : ''}${step.database}'s ${history}. No moment can be restored by time, only a named snapshot as a whole: ${names}`, shown, { named: names });
    }
    if (!step.at) {
      const shown = snapshotTimeLabels([...rows.map((r) => r[2]), restorableFrom]);
      // A moment to diagnose, for an operator who has none yet: the bad write is often the newest. Not in a plan's
      // guard (the swap's), which lists the history only to hold the plan to its newest write.
      const automatic = rows.filter((r) => r[1] === null).map((r) => String(r[2]));
      const before = step.stopsOnLaterWrites ? undefined : justBeforeNewestWrite(automatic, restorableFrom);
      const beforeSaid = before ? `; just before the newest write (${shown(automatic[0] as string)} UTC), should it be the bad one: at="${before}"` : '';
      return done('ok', `${listed}; newest ${shown(newest)} UTC${restorableFrom ? `; restorable from ${firstWholeSecondFrom(restorableFrom)} UTC on` : ''}${beforeSaid}`, shown);
    }
    const at = parseUtcTimestamp(step.at);
    if (!at) return fail(`at=${step.at} is not a UTC timestamp "YYYY-MM-DD HH:MM:SS"`);
    // Read again when a plan runs, not only when it was proposed: no snapshot can be from a moment still to come.
    if (at.getTime() > now.getTime()) return fail(`at=${step.at} is in the future (it is ${formatUtcTimestamp(now)} UTC): no snapshot can be from then`);
    const before = (await session.run(sql.atOrBefore, [folded, step.at])).rows.map((r) => [String(r[0]), r[1] === null ? null : String(r[1]), exactSnapshotTime(r[2])] as const);
    // `at` is among the times told apart: a snapshot made a fraction of a second after it is shown to be after it.
    const shown = snapshotTimeLabels([...rows.map((r) => r[2]), ...before.map((r) => r[2]), restorableFrom, step.at]);
    const namedOlder = namedList(before.filter((r) => r[1] !== null), shown);
    const picked = before[0];
    // A quiet database whose last write (the damage, say) is older than the retention keeps only the snapshot of that
    // write: every moment SNAPSHOT_TIME can reach gives the database as it is now, so neither a later nor an earlier `at` helps.
    const newestWrite = rows.find((r) => r[1] === null)?.[2] ?? newest;
    if (restorableFrom && restorableFrom === newestWrite) {
      const allNamed = (await session.run(sql.allNamed, [folded])).rows.map(readRow);
      const onlyNow =
        `${momentReadAsUtc(step.at)} cannot be restored to any state but the database as it is now: the only automatic snapshot ${step.database} still keeps is of ` +
        `${shown(restorableFrom)} UTC, its newest write (each older one is kept only ${retention} after a newer one replaced it, and has gone), ` +
        'so every moment SNAPSHOT_TIME can reach gives the state now. No state from before the damage can be reached by time, whatever `at`';
      if (allNamed.length === 0) return done('only-now-no-named', `${onlyNow}; ${step.database} has no named snapshot either`, shown);
      const names = namedList(allNamed, snapshotTimeLabels(allNamed.map((r) => r[2])));
      return done('only-now', `${onlyNow}. Named snapshots, kept whatever the retention: ${names}`, shown, { named: names });
    }
    // Exact times compare as text: '… 08:00:00' sorts before '… 08:00:00.500000'.
    if (!restorableFrom || step.at < restorableFrom || !picked) {
      // Within the retention yet before every snapshot kept: the database has none from then (it may not have existed).
      const withinRetention = now.getTime() - at.getTime() <= retentionSeconds * 1000;
      const why = withinRetention && restorableFrom ? `is before the oldest snapshot ${step.database} has (${shown(restorableFrom)} UTC), though within the retention (${retention})` : `is older than the retention (${retention})`;
      const reach = `${momentReadAsUtc(step.at)} ${why}: ${restorableFrom ? `the oldest moment still restorable is ${firstWholeSecondFrom(restorableFrom)} UTC` : 'no automatic snapshot is kept'}, so no path can reach it. `;
      // Any named snapshot, newer ones too (one taken after the moment but before the damage will do): without one, only a later moment is left.
      const anyNamed = named.length > 0 || (await session.run(sql.allNamed, [folded])).rows.length > 0;
      if (!anyNamed) return done('too-old-no-named', `${reach}${step.database} has no named snapshot to go back to instead`, shown);
      return done('too-old', reach + (namedOlder ? `Named snapshots from before it: ${namedOlder}` : 'No named snapshot is older; a newer one taken before the damage may do'), shown, { namedOlder });
    }
    const later = await writtenAfterPlan(step, session);
    if (later) return done('changed', later, shown, { snapshotAt: picked[2], namedOlder });
    const writes = await writesSince(session, step.database, step.at);
    const undone = writes > 0 ? `; ${writesUndone(writes, `${step.at} UTC`)}` : '';
    return done('restorable', `${momentReadAsUtc(step.at)} can be restored: SNAPSHOT_TIME picks the snapshot of ${shown(picked[2])} UTC${picked[1] ? ` ('${picked[1]}')` : ''}; ${listed}${undone}`, shown, {
      snapshotAt: picked[2],
      namedOlder,
      writesSince: writes,
    });
  });
}

/** The plan's line on what stops it: any write after the newest it counted (stopsOnLaterWrites). */
function laterWritesLine(step: SnapshotHistoryStep): string {
  const newest = step.stopsOnLaterWrites ? step.writesWhenPlanned?.newest : undefined;
  if (!newest) return '';
  return `\n${snapshotHistorySql(step).writesAfter}\n-- bound: $1 = '${foldDatabaseName(step.database)}', $2 = '${newest}' (the newest write when this plan was made): any write since stops it before anything changes`;
}

export const snapshotHistoryStepKind = defineStepKind({
  kind: 'snapshot-history',
  describesSql: true,
  schema,
  // Asked for a named snapshot, the step answers only whether it is there.
  // dropped: MotherDuck has no database of that name (unreachable otherwise).
  // recreated: `at` is before the database there now was made, and a dropped one of that name has snapshots.
  // changed: with stopsOnLaterWrites, written to after the plan was made.
  statuses: (step) => [
    ...(step.snapshot
      ? (['named-found', 'no-such-snapshot', 'unreachable', 'dropped'] as const)
      : (['ok', 'restorable', 'too-old', 'too-old-no-named', 'only-now', 'only-now-no-named', 'no-snapshots', 'named-only', 'recreated', 'unreachable', 'dropped'] as const)),
    ...(step.stopsOnLaterWrites ? (['changed'] as const) : []),
  ],
  // Could not see: MotherDuck not reached.
  unseeingStatuses: ['unreachable'],
  // MotherDuck unreachable, the step says only its problem.
  outputs: (step) =>
    unsetAlike(
      step.snapshot
        ? { snapshots: 'list', retention: 'text', named: 'text', snapshotName: 'text', snapshotAt: 'text', snapshotId: 'text', writesSince: 'text' }
        : { snapshots: 'list', retention: 'text', retentionDays: 'text', restorableFrom: 'text', newest: 'text', namedOlder: 'text', named: 'text', snapshotAt: 'text', writesSince: 'text' },
      ['unreachable', 'dropped'],
      { problem: { shape: 'text', onlyWhen: ['unreachable', 'dropped'] } },
    ),
  defaultTimeoutMs: 60_000,
  rules: (step) => [
    ...(step.at && step.snapshot ? [{ at: ['snapshot'], message: 'give `at` (a moment to judge) or `snapshot` (a named snapshot to find), not both: use one step for each' }] : []),
  ],
  // Only a plan is made before it runs: a diagnosis' or validation's step has nothing to hold the writes to.
  references: (step, { phase }) =>
    step.stopsOnLaterWrites && !/^(recovery path|rollback of path) /.test(phase) ? [{ at: ['stopsOnLaterWrites'], message: `stopsOnLaterWrites holds a plan to the writes counted when it was made, and ${phase} steps are in no plan: leave it out` }] : [],
  templates: (step) => [
    { at: ['database'], template: step.database, as: 'text' },
    { at: ['at'], template: step.at, as: 'text' },
    { at: ['snapshot'], template: step.snapshot, as: 'text' },
  ],
  resolve: (step, tools): SnapshotHistoryStep => {
    const snapshot = tools.text(step.snapshot);
    const released = (tools.values.released_snapshots as Record<string, ReleasedSnapshot> | undefined)?.[snapshot];
    const taken = (tools.values.taken_snapshots as Record<string, TakenSnapshot> | undefined)?.[snapshot];
    return { ...step, database: tools.text(step.database), at: tools.text(step.at), snapshot, ...(snapshot && released ? { released } : {}), ...(snapshot && taken ? { taken } : {}) } as SnapshotHistoryStep;
  },
  describe: (step) => {
    const sql = snapshotHistorySql(step);
    const folded = foldDatabaseName(step.database);
    const head = `${sql.snapshots}\n-- bound: $1 = '${folded}'\n${sql.retention}\n-- bound: $1 = '${folded}'`;
    // The name is shown as the literal renderer writes it: a name with quotes in it reads unambiguously.
    if (step.snapshot) {
      const byId = step.released ? `\n${sql.byId}\n-- bound: $1 = '${folded}', $2 = '${step.released.id}' (its id: the cleanup ${step.released.run} removed its name)` : '';
      return `${head}\n${sql.named}\n-- bound: $1 = '${folded}', $2 = ${snapshotNameLiteral(step.snapshot)}\n${sql.allNamed}\n-- bound: $1 = '${folded}'\n${sql.writesAfter}\n-- bound: $1 = '${folded}', $2 = the snapshot's created_ts\n${sql.oldestKept}\n-- bound: $1 = '${folded}'${byId}${laterWritesLine(step)}`;
    }
    return (
      `${head}\n${sql.otherDatabases}\n-- bound: $1 = '${folded}'\n${sql.oldestKept}\n-- bound: $1 = '${folded}'` +
      (step.at ? `\n${sql.atOrBefore}\n-- bound: $1 = '${folded}', $2 = '${step.at}'\n${sql.writesAfter}\n-- bound: $1 = '${folded}', $2 = '${step.at}'` : '') +
      laterWritesLine(step)
    );
  },
  readWhenPlanned: async (step, { target }) => {
    if (!step.at && !step.snapshot && !step.stopsOnLaterWrites) return step;
    const session = await target('motherduck')
      .open({ writable: false })
      .catch((error: Error) => Promise.reject(new UserError(`cannot count the writes made to ${step.database}: ${error.message.split('\n')[0]}; nothing was proposed`)));
    try {
      const held = (since: string, written: Written) => (step.stopsOnLaterWrites ? writtenWhenPlanned(session, step.database, since, written) : written);
      // Neither: nothing is counted as undone, but the plan is held to the newest write there is (none: nothing to hold to).
      if (!step.at && !step.snapshot) return { ...step, writesWhenPlanned: await held('', { count: 0, atLeast: false }) };
      if (step.at) return { ...step, writesWhenPlanned: await held(step.at, { count: await writesSince(session, step.database, step.at), atLeast: false, since: step.at }) };
      const found = (await session.run(snapshotHistorySql(step).named, [foldDatabaseName(step.database), step.snapshot])).rows.map(readRow)[0];
      // Not there: the step itself refuses the plan, saying which named snapshots there are.
      return found ? { ...step, writesWhenPlanned: await held(found[2], { ...(await writesSinceNamed(session, step.database, found[2])), since: found[2] }) } : step;
    } finally {
      await session.close();
    }
  },
  planWarning: (step) => {
    const written = step.writesWhenPlanned;
    if (!written || written.count === 0) return undefined;
    const s = written.count === 1 && !written.atLeast ? '' : 's';
    const floor = written.atLeast ? ['at least ', ' (older ones are past the retention, no longer listed)'] : ['', ''];
    const moment = step.at ? momentReadAsUtc(step.at) : `snapshot '${step.snapshot}'`;
    const writes = `${floor[0]}${written.count} write${s} (automatic snapshot${s}) made to ${step.database} since, good or bad${floor[1]}${ownWriteSaid(step.snapshot, written.count)}`;
    // Held to its count, the plan goes back itself (path B, a rollback); otherwise it only reads the moment (path A's
    // or path N's clone), and approving it undoes nothing: the plan that puts the moment in place does, and counts again.
    if (step.stopsOnLaterWrites) return `Going back to ${moment} undoes ${writes}; counted as this plan was made.`;
    return `This plan changes nothing in ${step.database}: it is the plan after it, approved on its own, that puts ${step.database} back to ${moment}, undoing ${writes}; counted as this plan was made, and counted again when that plan is made.`;
  },
  run: runSnapshotHistory,
});
