// The named snapshots the engine took during a recovery that its rollback does not restore (scenario 2 on MotherDuck puts
// the kept rows back instead): named in the rollback's plan as a last resort, with the writes going back to one undoes;
// one whose name a cleanup removed is said as released, when and by which run, never offered by a name it no longer has.
import { databaseIdentifier, snapshotNameLiteral } from '../database/sql-literal.js';
import type { DatabaseTarget, TargetSession } from '../database/target.js';
import type { ReleasedSnapshot } from '../engine/released-snapshots.js';
import { writesSinceNamedSnapshot, writesSinceSnapshotId, type Written } from '../engine/steps/snapshot-history-step.js';
import type { ResolvedStep } from '../engine/types.js';
import { firstLine } from '../excerpt.js';
import type { Run } from './state.js';

export interface SnapshotNotRestored {
  name: string;
  database: string;
  /** The title of the recovery step it was taken before (the DELETE). */
  before: string;
  /** Its name removed by a cleanup of the incident (path C): which run, when (`at`, ISO), and its id and time. */
  released?: ReleasedSnapshot & { at?: string };
}

/**
 * Each named snapshot a step of the recovery took that no step of its rollback names, so none restores; `released`: the
 * names a cleanup removed (released-snapshots.ts), with when that cleanup ended.
 */
export function snapshotsNotRestored(
  recovery: Pick<Run, 'steps' | 'results'>,
  rollbackSteps: readonly ResolvedStep[],
  released: Readonly<Record<string, ReleasedSnapshot & { at?: string }>> = {},
): SnapshotNotRestored[] {
  const rollback = JSON.stringify(rollbackSteps);
  return recovery.steps.flatMap((step, index) => {
    if (step.kind !== 'named-snapshot') return [];
    const outputs = recovery.results.find((r) => r.stepId === step.id && r.status === 'ok')?.outputs;
    const name = outputs?.snapshot;
    if (typeof name !== 'string' || name === '' || rollback.includes(name)) return [];
    const gone = released[name];
    return [{ name, database: String(outputs?.database ?? ''), before: recovery.steps[index + 1]?.title ?? step.title, ...(gone ? { released: gone } : {}) }];
  });
}

/** "the 3 writes … since it was taken", from a count made now; the reason when none could be made. */
function writesSaid(written: Written | undefined | Error, database: string): string {
  if (written instanceof Error) return `every write made to ${database} since it was taken (not counted: ${firstLine(written.message)})`;
  if (!written) return `every write made to ${database} since it was taken (MotherDuck no longer lists it by that name, so they were not counted)`;
  if (written.count === 0 && !written.atLeast) return `nothing: no write was made to ${database} since it was taken, as counted now`;
  const s = written.count === 1 && !written.atLeast ? '' : 's';
  const what = s ? "whatever they were (another source's loads, say)" : "whatever it was (another source's load, say)";
  return `${written.atLeast ? 'at least ' : ''}the ${written.count} write${s} (automatic snapshot${s}) made to ${database} since it was taken, as counted now, ${what}`;
}

/**
 * A snapshot whose name a cleanup removed: no longer a last resort by name. While the retention keeps it, its id still
 * restores it (`written`: the writes since it, counted by its id); once discarded, nothing does.
 */
function releasedSaid(snapshot: SnapshotNotRestored, released: ReleasedSnapshot & { at?: string }, written: Written | undefined | Error): string {
  const when = released.at ? ` at ${released.at.slice(0, 19).replace('T', ' ')} UTC` : '';
  const gone =
    `This rollback does not restore the snapshot the bot took of ${snapshot.database} before "${snapshot.before}", and it is no longer a named snapshot: ` +
    `the cleanup ${released.run} released it${when}, removing its name '${snapshot.name}', so no rollback or statement can restore it by that name.`;
  if (written === undefined) return `${gone} The retention has since discarded it (id ${released.id}, taken ${released.created} UTC): MotherDuck can no longer restore it.`;
  const restore = `ALTER DATABASE ${databaseIdentifier(snapshot.database)} SET SNAPSHOT TO (SNAPSHOT_ID '${released.id}')`;
  return (
    `${gone} The snapshot itself (id ${released.id}, taken ${released.created} UTC) is kept only as long as the retention keeps automatic snapshots; ` +
    `until then, going back to it by its id (by hand, ${restore}) would also undo ${writesSaid(written, snapshot.database)}.`
  );
}

/**
 * The later snapshots of a recovery (path A's before its restate, taken after its DELETE and reload): each keeps the
 * database as the recovery's earlier steps had already changed it, so going back to one would not undo the recovery.
 */
function laterSnapshotsSaid(first: SnapshotNotRestored, later: readonly SnapshotNotRestored[]): string {
  const each = later.map((s) => `'${s.name}' before "${s.before}"${s.released ? ` (its name since released by the cleanup ${s.released.run})` : ''}`);
  const one = later.length === 1;
  return (
    `The recovery's later snapshot${one ? '' : 's'}, ${each.join(', ')}, ${one ? 'is' : 'are'} no last resort for this rollback: ` +
    `taken after "${first.before}" had run, ${one ? 'it keeps' : 'each keeps'} ${first.database} as the recovery had already changed it, so going back to ${one ? 'it' : 'one'} would not undo the recovery, as going back to the one above would.`
  );
}

/** The recovery's first snapshot, the last resort: going back to it by hand undoes every write since, which this rollback leaves as they are. */
async function lastResortSaid(snapshot: SnapshotNotRestored, target: DatabaseTarget): Promise<string> {
  const { released } = snapshot;
  // Not counted (MotherDuck not answering): said so, and the plan is still proposed; the rollback does not depend on it.
  const read = (count: (session: TargetSession) => Promise<Written | undefined>) =>
    target
      .open({ writable: false })
      .then((session) => count(session).finally(() => session.close()))
      .catch((error: Error) => error);
  if (released) return releasedSaid(snapshot, released, await read((session) => writesSinceSnapshotId(session, snapshot.database, released.id)));
  const written = await read((session) => writesSinceNamedSnapshot(session, snapshot.database, snapshot.name));
  const restore = `ALTER DATABASE ${databaseIdentifier(snapshot.database)} SET SNAPSHOT TO (SNAPSHOT_NAME ${snapshotNameLiteral(snapshot.name)})`;
  return (
    `This rollback does not restore the named snapshot '${snapshot.name}' the bot took of ${snapshot.database} before "${snapshot.before}": it puts back only what its steps say, and every other write to ${snapshot.database} stays as it is. ` +
    `The snapshot keeps all of ${snapshot.database} as it was then, a last resort should this rollback not do; going back to it (by hand, ${restore}) would also undo ${writesSaid(written, snapshot.database)}.`
  );
}

/**
 * The plan's words on the snapshots this rollback leaves alone: the recovery's first, which keeps the whole database as
 * it was before the recovery changed it, as the last resort; any later one as no last resort.
 */
export async function snapshotsNotRestoredSaid(snapshots: readonly SnapshotNotRestored[], target: DatabaseTarget): Promise<string | undefined> {
  const [first, ...later] = snapshots;
  if (!first) return undefined;
  const said = await lastResortSaid(first, target);
  return later.length > 0 ? `${said} ${laterSnapshotsSaid(first, later)}` : said;
}
