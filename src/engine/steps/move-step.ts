// The move step kind: move a file or directory aside (or back), never overwriting anything.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { fileAt, fileChange, regularFileAt, shownFile, type FileAsPlanned, type FileSeen } from '../../disk/file-identity.js';
import { linkTargetOf, pointAtTheFile } from '../../disk/symbolic-link.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { moveWithoutOverwriting } from './move-without-overwriting.js';
import { knownGone } from '../../disk/known-gone.js';
import { movedIdentity, notTheMovedFile } from '../../disk/moved-file-identity.js';
import { renamedBeside } from './kept-rows-gone.js';
import { folderWriteProblem } from '../../duckdb/write-access.js';
import { readOnlyFix, readOnlySaid } from '../../disk/read-only-file-system.js';
import { companionSaid, companionSuffix, companionSuffixes } from '../../duckdb/companion-files.js';
import { tablesOutside, type TablesOutside } from '../../duckdb/tables-outside.js';
import { sniffFileFormat } from '../../duckdb/file-format.js';
import { plural } from '../../plural.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('move'),
  from: template,
  to: template,
  /** What to do when `from` does not exist: fail the run, or record the step as skipped. */
  ifMissing: z.enum(['fail', 'skip']).default('fail'),
  /** What to do when `to` is taken: add a timestamp suffix (moving aside), or fail (putting back). Never overwrite. */
  ifTaken: z.enum(['suffix', 'fail']).default('suffix'),
  /** Refuse the plan when `from` is a symbolic link (the database: the file would stay, and be rebuilt beside the link). */
  refuseLink: z.boolean().default(false),
  /**
   * The id of an earlier move step whose file this one's write-ahead log is (`to` is that step's `to` plus .wal, or
   * .wal.checkpoint for the log a checkpoint writes to): the log goes beside wherever that step put the file, a
   * timestamped name included, never beside another file.
   */
  follows: z.string().optional(),
  /**
   * What the recovery's move recorded of what it moved to `from` (`{{recovery.<move>.moved?}}`), for a move that puts
   * it back: another file there since (a text file copied over the kept database, say) is refused before the plan is
   * proposed and right before it moves. Empty (a recovery from before the bot recorded it): not checked, and said so.
   */
  movedAs: template.optional(),
  /**
   * For a move that puts a write-ahead log back beside a file it leaves in place (a rollback of path W): that file, which
   * DuckDB replays the log into at its next open. Found written after the recovery ended when the plan is made (a load
   * since), the plan says so, with when: those writes stay in it, behind a log that no longer fits it.
   */
  replayedInto: template.optional(),
  /**
   * For the move of a DuckDB file a rebuild replaces (path A): the schemas the rebuild makes again (`*` stands for any
   * characters: sqlmesh__*). The plan names each table and view of the file outside them, read from its catalog as the
   * plan is made: after the move, those are only in the file moved aside.
   */
  rebuiltSchemas: z.array(z.string().min(1)).min(1).optional(),
});

/**
 * `asPlanned`: what was at `from` when the plan was made (a file, or nothing); a directory is not pinned.
 * `absentWhenPlanned`: nothing was there, for a log left unpinned (it comes and goes with its database's writes).
 */
export type MoveStep = z.output<typeof schema> &
  ResolvedCommon & { asPlanned?: FileSeen; absentWhenPlanned?: true; replayedIntoAsPlanned?: FileAsPlanned; outsideRebuilt?: TablesOutside | NotDuckdb };

/** A file of another format at the database's path (text, SQLite): none of DuckDB's, so no tables to list; what it looks like. */
type NotDuckdb = { notDuckdb: string };

/**
 * Why what is at `from` is not what the plan was made on (a healthy file put in place of the broken one, a log that
 * appeared), or undefined: the approver approved moving that file, not whatever is there now.
 */
function changedSincePlanned(step: MoveStep): string | undefined {
  const change = step.asPlanned && fileChange(step.asPlanned, fileAt(step.from));
  // A recovery is made on a verdict about the file as it was: it is diagnosed again first. A rollback is asked for again.
  return change && `${step.from} changed since the plan was made (${change}): nothing was moved. Propose a plan on what is there now (for a recovery, diagnose again first: its verdict was about the file as it was)`;
}

/** Why what is at `from` is not what the recovery moved there, said as a refusal: nothing moves. */
function notWhatWasMoved(step: MoveStep): string | undefined {
  const another = step.movedAs ? notTheMovedFile(step.from, step.movedAs) : undefined;
  return (
    another &&
    `${another}. Nothing was moved: putting it back at ${step.to} would put another file in the database's place and call it the one the recovery set aside. Put what the recovery moved back at ${step.from} and ask again, or put things right by hand`
  );
}

/** The approver's warning when the recovery recorded nothing to check the file by (it ran before the bot recorded one). */
function movedUnchecked(step: MoveStep): string | undefined {
  if (step.movedAs !== '' || (step.asPlanned !== undefined && 'absent' in step.asPlanned)) return undefined;
  return `The recovery recorded nothing of what it moved to ${step.from} (it ran before the bot recorded it), so this plan could not check that what is there now is what it set aside`;
}

/** How many of the objects outside the rebuilt schemas the plan's warning names; its move's step names them all. */
const namesInWarning = 10;

/**
 * Every object outside the schemas a rebuild makes again, as the move's step lists them (a line of its own each, so a
 * plan cut to fit Slack's message is whole in the file it attaches); those past namesKept counted, with how to list them.
 */
function outsideListed(step: MoveStep, to: string): string {
  const outside = step.outsideRebuilt;
  // In the diagnosis' words ("not a DuckDB database file: it looks like a text file"), never DuckDB's error on opening it.
  if (outside && 'notDuckdb' in outside) return `\n-- not a DuckDB database file: it looks like ${outside.notDuckdb}, so it holds no tables to list, and none the rebuild would not bring back`;
  if (!outside || 'unlisted' in outside || outside.count === 0) return '';
  const unkept = outside.count - outside.names.length;
  const rest = unkept > 0 ? [`-- … and ${unkept} more, not kept in the plan: list them in ${to} afterwards (duckdb_tables(), duckdb_views())`] : [];
  return ['', `-- outside the schemas the rebuild makes again, after this only in ${to} (${outside.count}):`, ...outside.names.map((name) => `--   ${name}`), ...rest].join('\n');
}

/** What a file of another format than DuckDB's looks like ("a text file"); undefined for a DuckDB file (damaged or not), or one that cannot be read. */
function otherFormat(file: string): string | undefined {
  try {
    const format = sniffFileFormat(file);
    return format.duckdb ? undefined : format.looksLike;
  } catch {
    return undefined;
  }
}

/** The approver's warning that the tables outside the schemas a rebuild makes again stay only in the file moved aside. */
function leftOnlyAside(step: MoveStep): string | undefined {
  const outside = step.outsideRebuilt;
  if (!outside || !step.rebuiltSchemas || 'notDuckdb' in outside) return undefined;
  const rebuilt = step.rebuiltSchemas.join(', ');
  if ('unlisted' in outside) {
    return `The tables of ${step.from} could not be listed as this plan was made (${outside.unlisted}): any outside the schemas the rebuild makes again (${rebuilt}) will be only in the file this plan moves aside, ${step.to}.`;
  }
  const { names, count, others } = outside;
  if (count === 0) return undefined;
  // The warning is one line of the plan's header: the first few, and where every one is named.
  const shown = names.slice(0, namesInWarning);
  const more = count > shown.length ? [`… and ${count - shown.length} more, every one named in this plan's step "${step.title}"`] : [];
  const what = others ? plural(count, 'macro, sequence or type', 'tables, views, macros, sequences and types') : plural(count, 'table or view', 'tables and views');
  return (
    `${what} of ${step.from} ${count === 1 ? 'is' : 'are'} outside the schemas the rebuild makes again (${rebuilt}), so it will not bring ${count === 1 ? 'it' : 'them'} back: ` +
    `${[...shown, ...more].join(', ')}. After this plan ${count === 1 ? 'it is' : 'they are'} only in the file it moves aside, ${step.to}: copy what is still needed out of it afterwards.`
  );
}

/** What is at `target` now, as a refusal says it beside the file it would have moved there. */
function whatIsAt(target: string): string {
  const seen = fileAt(target);
  if (seen === undefined) return fs.existsSync(target) ? `${target} is there (not a regular file)` : `${target} cannot be looked at`;
  return 'absent' in seen ? `nothing is at ${target} either` : `${target} is a file (${shownFile(seen)})`;
}

/**
 * Why a move that must have its file (ifMissing: fail, a rollback putting one back) cannot: nothing was at `from` when
 * the plan was made. Run, its plan's earlier steps would move what is at `to` aside and then stop here, leaving nothing
 * in its place (the rebuilt database moved aside, the broken one gone elsewhere): refused before anything moves. One
 * there since is what changedSincePlanned says.
 */
function nothingToPutBack(step: MoveStep): string | undefined {
  if (step.ifMissing !== 'fail' || step.asPlanned === undefined || !('absent' in step.asPlanned)) return undefined;
  // Its write-ahead logs share its name and more: they went beside it, and are not it renamed.
  const renamed = renamedBeside(path.dirname(step.from), path.basename(step.from)).filter((name) => !companionSuffixes.some((suffix) => name === `${path.basename(step.from)}${suffix}`));
  const near = renamed.length > 0 ? `; ${path.dirname(step.from)} holds ${renamed.join(', ')}, which may be it under another name` : '';
  return `nothing is at ${step.from}, which it moves to ${step.to} (moved or removed since it was put there?)${near}; ${whatIsAt(step.to)}. Nothing was moved: put what belongs at ${step.from} back there and ask again, or leave things as they are`;
}

/**
 * Why nothing can be moved out of `from`'s folder or into `to`'s (a read-only file system, a folder's mode): its plan
 * would stop at this move, after a teammate approved and, for a later step, with earlier ones done. Only asked when
 * something is there to move.
 */
function folderRefusal(step: MoveStep): string | undefined {
  if (knownGone(step.from)) return undefined;
  const problem = [...new Set([path.dirname(step.from), path.dirname(step.to)])].map(folderWriteProblem).find(Boolean);
  return (
    problem &&
    `${problem}, so ${step.from} cannot be moved: nothing was moved. Put that right first (a file system the kernel remounted read-only after errors wants its disk checked and a read-write remount; a folder's mode or owner, chmod or chown for this user), then ask again`
  );
}

/**
 * Why a move went to a timestamped name: the planned one was taken, or a name beside it (a database's log, a log's
 * database or other log), since a file and its logs are only ever put where all their names are free.
 */
function whyNotPlanned(planned: string): string {
  if (fs.existsSync(planned)) return `${planned} was taken`;
  const base = planned.slice(0, planned.length - companionSuffix(planned).length);
  const log = companionSuffixes.map((suffix) => `${base}${suffix}`).find((name) => name !== planned && fs.existsSync(name));
  if (log) return `${log} was there, ${companionSaid(log)}`;
  return base !== planned && fs.existsSync(base) ? `${base} was there, another file this log would be replayed into` : `${planned} was taken`;
}

/** Where the followed step put its file, plus this log's suffix (.wal, .wal.checkpoint); undefined when it moved nothing (no file there, say). */
function besideFollowed(step: MoveStep, ctx: StepRunContext): string | undefined {
  const followed = step.follows ? ctx.earlier?.get(step.follows) : undefined;
  return followed?.status === 'ok' && typeof followed.outputs.to === 'string' ? `${followed.outputs.to}${companionSuffix(step.to)}` : undefined;
}

/**
 * A symbolic link is moved as a link: the file behind it would stay where it is, and a rebuild through the path would
 * land beside the link, on another volume maybe. The operator points the bot at the file itself instead.
 */
export function linkRefusal(from: string): string | undefined {
  const target = linkTargetOf(from);
  if (!target) return undefined;
  const then = pointAtTheFile(target);
  return `${from} is a symbolic link to ${target}: moving it would move the link and leave the file where it is. ${then[0]?.toUpperCase()}${then.slice(1)}`;
}

export async function runMoveStep(step: MoveStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  // Checked again as it runs, not only as the plan starts: a path's earlier steps (a backup read in full) take time.
  const changed = changedSincePlanned(step) ?? notWhatWasMoved(step);
  if (changed) return { status: 'failed', summary: changed, durationMs: elapsedSince(started), outputs: {}, untouched: true };
  if (!fs.existsSync(step.from)) {
    return {
      status: step.ifMissing === 'skip' ? 'skipped' : 'failed',
      summary: `${step.from} does not exist${step.ifMissing === 'skip' ? ': nothing to move' : ''}`,
      durationMs: elapsedSince(started),
      outputs: {},
      untouched: true,
    };
  }
  // Beside the file it belongs to, exactly: that name was free with its .wal when the file went there.
  const beside = besideFollowed(step, ctx);
  const [planned, ifTaken] = beside ? [beside, 'fail' as const] : [step.to, step.ifTaken];
  // The file already under the name it goes to (a move half done: linked there, its old name not removed): the move is
  // finished by removing the old name, which loses nothing.
  if (sameFile(step.from, planned)) {
    ctx.intent?.({ action: 'move', from: step.from, to: planned });
    fs.unlinkSync(step.from);
    return { status: 'ok', summary: `moved ${step.from} → ${planned} (it was under both names, a move half done: its old name removed)`, durationMs: elapsedSince(started), outputs: { from: step.from, to: planned, ...movedOutput(planned) } };
  }
  if (ifTaken === 'fail' && fs.existsSync(planned)) {
    return { status: 'failed', summary: `refusing to move ${step.from} onto ${planned}: that name is taken`, durationMs: elapsedSince(started), outputs: {}, untouched: true };
  }
  let to: string;
  try {
    to = moveWithoutOverwriting(step.from, planned, ifTaken, ctx.clock(), (target) => ctx.intent?.({ action: 'move', from: step.from, to: target }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const linkedTo = (error as { linkedTo?: string }).linkedTo;
    const why = linkedTo
      ? `it is now at ${linkedTo} too (${(error as Error).message}): the old name could not be removed; look at both before acting`
      : code === 'EXDEV' ? 'the destination is on another volume; move it by hand'
        : code === 'EEXIST' ? `${planned} appeared meanwhile and is never overwritten`
          : code === 'ENOENT' && fs.existsSync(step.from) ? `the folder ${path.dirname(planned)} does not exist (nothing moved)`
            // Remounted read-only since the plan's check of the folder (the kernel does so after disk errors).
            : code === 'EROFS' ? `${readOnlySaid(path.dirname(planned))}, so nothing was moved: ${readOnlyFix}, then ask again`
              : (error as Error).message;
    // Refused by the link or rename itself (another volume, a name that appeared, no such folder): the file did not move.
    const untouched = linkedTo === undefined && fs.existsSync(step.from) ? { untouched: true as const } : {};
    // Linked at its new name, its old one left (half done): where it is, as a move done records it, for its rollback to put back (partWay).
    const halfDone = linkedTo === undefined ? {} : { from: step.from, to: linkedTo, ...movedOutput(linkedTo) };
    return { status: 'failed', summary: `could not move ${step.from}: ${why}`, durationMs: elapsedSince(started), outputs: halfDone, ...untouched };
  }
  return {
    status: 'ok',
    summary: `moved ${step.from} → ${to}${beside && to !== step.to ? ` (beside ${beside.slice(0, beside.length - companionSuffix(beside).length)}, where ${step.follows} put its file)` : to !== step.to ? ` (${whyNotPlanned(step.to)})` : ''}`,
    durationMs: elapsedSince(started),
    outputs: { from: step.from, to, ...movedOutput(to) },
  };
}

/** Whether both names are one regular file (a hard link of it). */
function sameFile(one: string, other: string): boolean {
  try {
    const [a, b] = [fs.lstatSync(one), fs.lstatSync(other)];
    return a.isFile() && b.isFile() && a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** What was moved, recorded so a rollback putting it back can tell it from another file there by then. */
function movedOutput(to: string): { moved?: string } {
  const moved = movedIdentity(to);
  return moved ? { moved } : {};
}

export const moveStepKind = defineStepKind({
  kind: 'move',
  schema,
  statuses: ['ok', 'skipped', 'failed'],
  // Only a file moved has where it went; a move half done too (partWay).
  outputs: {
    from: { shape: 'text', unsetWhen: ['skipped', 'failed'] },
    to: { shape: 'text', unsetWhen: ['skipped', 'failed'] },
    moved: { shape: 'text', unsetWhen: ['skipped', 'failed'] },
  },
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => [
    ...(step.mutates ? [] : [{ at: ['mutates'], message: 'a move step mutates: set mutates: true' }]),
    ...(step.destructive ? [] : [{ at: ['destructive'], message: 'moving a file is destructive: set destructive: true' }]),
    ...(step.from === step.to ? [{ at: ['to'], message: 'to is the same as from: the move would go nowhere (a rollback puts back from where the recovery moved it: {{recovery.<step>.to}})' }] : []),
  ],
  references: (step, { earlier }) => {
    if (step.follows === undefined) return [];
    const followed = earlier.find((other) => other.id === step.follows);
    if (followed?.kind !== 'move') return [{ at: ['follows'], message: `follows names ${step.follows}, which is no earlier move step of the same plan` }];
    return companionSuffix(step.to) ? [] : [{ at: ['to'], message: `a step that follows ${step.follows} moves its write-ahead log: to must end in .wal (or .wal.checkpoint, the log a checkpoint writes to), as it will` }];
  },
  templates: (step) => [
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
    ...(step.movedAs === undefined ? [] : [{ at: ['movedAs'], template: step.movedAs, as: 'text' as const }]),
    ...(step.replayedInto === undefined ? [] : [{ at: ['replayedInto'], template: step.replayedInto, as: 'text' as const }]),
  ],
  resolve: (step, tools): MoveStep => {
    const from = tools.inRoot(step.from);
    const to = tools.inRoot(step.to);
    // Templates that differ can still name one file ({{recovery.move_db.from}} is the database path): a plan that would
    // "move" a file onto itself is the runbook's mistake, said before anyone approves it.
    if (path.resolve(from) === path.resolve(to)) {
      throw new UserError(`step "${step.id}" would move ${from} onto its own name (from "${step.from}" and to "${step.to}" both come out as it): the runbook is wrong there; nothing was proposed`);
    }
    const asPlanned = fileAt(from);
    const movedAs = step.movedAs === undefined ? {} : { movedAs: tools.text(step.movedAs) };
    const replayedInto = step.replayedInto === undefined ? undefined : tools.inRoot(step.replayedInto);
    const replayedIntoAsPlanned = replayedInto === undefined ? undefined : regularFileAt(replayedInto);
    return { ...step, from, to, ...movedAs, ...(asPlanned ? { asPlanned } : {}), ...(replayedInto ? { replayedInto } : {}), ...(replayedIntoAsPlanned ? { replayedIntoAsPlanned } : {}) } as MoveStep;
  },
  describe: (step, { rel, showArg }) =>
    `mv ${showArg(rel(step.from))} ${showArg(rel(step.to))}  (${
      step.follows
        ? `beside the file ${step.follows} moves: if that one gets a timestamp suffix, so does this, before ${companionSuffix(step.to)}`
        : step.ifTaken === 'fail'
          ? 'fails if the name is taken'
          : 'a taken name gets a timestamp suffix'
    }; never overwrites)${
      // Said so the approver does not weigh a destructive move that will do nothing (a file there by then stops the plan).
      step.ifMissing !== 'skip'
        ? ''
        : step.asPlanned !== undefined && 'absent' in step.asPlanned
          ? `\n-- nothing is at ${rel(step.from)} as the plan is made: nothing to move`
          : step.absentWhenPlanned
            ? `\n-- nothing is at ${rel(step.from)} as the plan is made: nothing to move, unless the database's next write makes one, which moves with it`
            : ''
    }${outsideListed(step, rel(step.to))}`,
  // A link or rename refused moved nothing (untouched). One whose old name could not be removed after the link has the
  // file under both names, whole: it records where, as a move done does (sets), so its rollback's put-back is offered
  // and built, and finishes by removing the new name (sameFile).
  partWay: { statuses: ['failed'], changed: (outputs) => typeof outputs.to === 'string', sets: ['from', 'to', 'moved'] },
  stoppedPartWay: (_step, result) => {
    const { from, to } = result.outputs ?? {};
    if (typeof to !== 'string') return undefined;
    return `it stopped half-way: the file is whole under both names, ${String(from)} and ${to} (one file, linked: removing either name loses nothing); putting it back removes ${to}, finishing the move removes ${String(from)}`;
  },
  // Moving a link, a file other than the one the plan was made on, one that is not there to put back, or one in a folder
  // this process cannot write: nothing runs.
  refusal: (step) => (step.refuseLink ? linkRefusal(step.from) : undefined) ?? changedSincePlanned(step) ?? nothingToPutBack(step) ?? notWhatWasMoved(step) ?? folderRefusal(step),
  readWhenPlanned: async (step, { target }) => {
    if (!step.rebuiltSchemas || !step.asPlanned || 'absent' in step.asPlanned) return step;
    // Only the database file itself is read, as the bot opens it: another file is no target of its.
    const local = target('local');
    if (path.resolve(local.label) !== path.resolve(step.from)) return step;
    // An empty file (0 bytes, a failed copy or a full disk) holds no table: nothing to list, and nothing a rebuild loses.
    if (step.asPlanned.bytes === 0) return { ...step, outsideRebuilt: { names: [], count: 0 } };
    const notDuckdb = otherFormat(step.from);
    if (notDuckdb) return { ...step, outsideRebuilt: { notDuckdb } };
    return { ...step, outsideRebuilt: await tablesOutside(local, step.rebuiltSchemas) };
  },
  // A move puts a file back (movedAs) or sets the database aside to be rebuilt (rebuiltSchemas), never both.
  planWarning: (step) => movedUnchecked(step) ?? leftOnlyAside(step),
  run: runMoveStep,
});
