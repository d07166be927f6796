// The duckdb-open step kind: open a DuckDB file read-only and run SELECT 1, telling busy, missing, corrupt and unreadable apart.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { duckdbApi } from '../../duckdb/duckdb-api.js';
import { notALog, walBeside, walHasDuckdbHeader } from '../../duckdb/wal.js';
import { fileAt, type FileSeen } from '../../disk/file-identity.js';
import { linkTargetOf, pointAtTheFile } from '../../disk/symbolic-link.js';
import { probeOpenOffThread as probeOpen } from '../../duckdb/off-thread.js';
import { otherLockHolders } from '../../duckdb/lock-holders.js';
import { heldByAnother, isDamage, ownReadersNote, type OpenResult, type OpenStatus } from '../../duckdb/probe.js';
import { endsEarly } from '../../duckdb/ends-early.js';
import { writeProblem } from '../../duckdb/write-access.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, everyStatus, type ResolvedCommon } from './define-step-kind.js';
import { hasSchema } from '../../duckdb/schema-names.js';
import { newestDaysSaid, type NewestDay } from '../../duckdb/newest-days.js';
import { martSla } from '../../marts/slas.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('duckdb-open'),
  path: template,
  /**
   * Also check that this process could write the file and its folder (a diagnosis: every Dagster run writes): one that
   * opens but cannot be written ends "read-only". Guards leave it off, since moving a file aside needs only its folder.
   */
  checkWritable: z.boolean().default(false),
  /**
   * Whether another process holding the file open read-only (a notebook) makes it busy: so for the stack's database,
   * which every run writes and a recovery would move from under it; not for a backup, which is only read and copied.
   */
  readersBlock: z.boolean().default(true),
  /**
   * The schemas the stack keeps its raw data in: a file that opens with none of its tables in any of them (another
   * project's) ends "no-expected-schemas", which its catalog tells at once, before anything reads it in full.
   */
  expectSchemas: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a schema name: letters, digits and _')).default([]),
  /**
   * The file a recovery moves aside (the stack's database, not a backup only read and copied): read through a symbolic
   * link, that is said with what to do, since a recovery refuses to move a link.
   */
  movedByRecovery: z.boolean().default(false),
  /**
   * Marts whose newest date is read in the same open, when it opens (a guard of path B: the backup's, and the database's
   * beside it): said in its summary and its `newest` output, for the plan to show before anyone approves it.
   */
  newestOf: z.array(martSla).default([]),
  /**
   * The setting the path comes from (DATABOX_DATABASE_PATH): when the file is missing and other DuckDB files sit in its
   * folder, its `beside` output asks whether that setting is right, naming them, before anything is rebuilt.
   */
  pathSetting: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'a setting\'s name, such as DATABOX_DATABASE_PATH').optional(),
});

export type DuckdbOpenStep = z.output<typeof schema> & ResolvedCommon;

/**
 * Where the file is missing, the other DuckDB files in its folder, as a sentence for a verdict's advice: a setting that
 * names the wrong file (databox.duckdb where the stack writes ops.duckdb) would otherwise lead only to a full rebuild.
 */
function otherDatabasesBeside(file: string, setting: string | undefined): string {
  const folder = path.dirname(file);
  let names: string[];
  try {
    names = fs.readdirSync(folder).filter((name) => name.endsWith('.duckdb') && name !== path.basename(file)).sort();
  } catch {
    return '';
  }
  if (names.length === 0) return '';
  const shown = names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
  const listed = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
  const which = setting ?? 'the path';
  return `Is ${which} right? ${listed} ${names.length === 1 ? 'exists' : 'exist'} beside it, in ${folder}: if that is the stack's database, set ${which} to it and diagnose again, before any rebuild.`;
}

/** The database and its write-ahead log as found (a log removed by hand since changes what opens as much as the file). */
function filesSeen(file: string): Record<string, FileSeen> | undefined {
  const found = Object.entries({ [file]: fileAt(file), [`${file}.wal`]: fileAt(`${file}.wal`) }).filter((entry): entry is [string, FileSeen] => entry[1] !== undefined);
  return found.length > 0 ? Object.fromEntries(found) : undefined;
}

export async function runDuckdbOpenStep(step: DuckdbOpenStep): Promise<StepResult> {
  const started = performance.now();
  // What the verdict is about, before it is opened: a recovery proposed on it checks it still moves this very file.
  const seen = filesSeen(step.path);
  // A plan journaled before newestOf existed has none.
  const probed = await probeOpen(step.path, (step.newestOf ?? []).map(({ table, dateColumn }) => ({ table, dateColumn })));
  // Another process's read-only open, which a read-only probe goes through beside it (lock-holders.ts); databox-bot's
  // own, another diagnosis say, is only said beside what was read.
  const holders = probed.status === 'ok' && step.readersBlock ? otherLockHolders(step.path) : [];
  const opened = heldByAnother(step.path, holders) ?? withNote(probed, ownReadersNote(step.path, holders));
  const foreign = notTheStacks(step.expectSchemas, opened.status === 'ok' ? opened.schemas : undefined);
  if (foreign) return { status: 'no-expected-schemas', summary: foreign, output: opened.message, durationMs: elapsedSince(started), outputs: { log: '', holderPid: 'unknown', heldAs: '', message: foreign, looksLike: '', linkTarget: '', withoutLog: '', beside: '', versionAdvice: '' }, ...(seen ? { seen } : {}) };
  const martsDamaged = opened.status === 'ok' ? damagedMartsSaid(step.path, opened.newest ?? []) : undefined;
  if (martsDamaged) {
    return {
      status: 'corrupt',
      summary: `opens read-only and SELECT 1 succeeds, but ${martsDamaged}`,
      output: `${opened.message}\n${martsDamaged}`,
      durationMs: elapsedSince(started),
      outputs: { log: '', holderPid: 'unknown', heldAs: '', message: martsDamaged, looksLike: '', linkTarget: opened.linkTarget ?? '', withoutLog: '', newest: newestDaysSaid(opened.newest ?? []), beside: '', versionAdvice: '' },
      ...(seen ? { seen } : {}),
    };
  }
  const cannotWrite = step.checkWritable && opened.status === 'ok' ? writeProblem(step.path) : undefined;
  if (cannotWrite) {
    return {
      status: 'read-only',
      summary: `opens read-only and SELECT 1 succeeds, but ${cannotWrite}`,
      output: `${opened.message}\n${cannotWrite}`,
      durationMs: elapsedSince(started),
      outputs: { log: '', holderPid: 'unknown', heldAs: '', message: cannotWrite, looksLike: '', linkTarget: opened.linkTarget ?? '', withoutLog: '', beside: '', versionAdvice: '' },
      ...(seen ? { seen } : {}),
    };
  }
  const unreadableReason = opened.status === 'unreadable' ? notDamageReason(opened.message, (await duckdbApi()).version()) : '';
  const summaries: Record<OpenStatus, string> = {
    ok: `opens read-only; SELECT 1 succeeds${opened.newest ? `; the newest day of each mart: ${newestDaysSaid(opened.newest)}` : ''}`,
    missing: `${step.path} does not exist`,
    'dangling-link': `${step.path} is a symbolic link to ${opened.linkTarget ?? 'a path'}, which does not exist: nothing may create the database through it`,
    // What is there (a directory, a FIFO), and that nothing is done to it: a guard's refusal says this as its reason.
    'not-a-file': `something other than a file is at the path: ${opened.message}. Nothing opens, moves or rebuilds it; look at what is there (a folder made by mistake, a mount), put it right by hand, then diagnose again`,
    'wal-not-a-file': `something other than a file is at the write-ahead log's path: ${opened.message}. Nothing opens the database until that is put right by hand; then diagnose again`,
    'empty-file': `${step.path} is empty (0 bytes)`,
    'not-duckdb': `not a DuckDB database file: it looks like ${opened.looksLike ?? 'another format'}`,
    locked: `busy: held ${opened.heldReadOnly ? 'open read-only ' : ''}by ${opened.holder ? `${opened.holder} ` : ''}PID ${opened.holderPid ?? 'unknown'}`,
    // The operator's words first when the file is cut short: DuckDB's own names only the offset it could not read.
    corrupt: `does not open: ${opened.endsEarly ? `${opened.endsEarly}. DuckDB: ${opened.message}` : opened.message}`,
    'wal-damaged': `does not open: its write-ahead log fails to replay, but the file alone opens as of its last checkpoint: ${opened.message.split('\n')[0]}${opened.foreignLog ? `. The log is possibly another database's: ${opened.foreignLog}, which the file's own log never does` : ''}`,
    unreadable: `does not open, but not because it is damaged: ${unreadableReason}`,
  };
  const log = opened.status === 'ok' ? logReplayed(step.path, seen) : opened.status === 'missing' ? logAlone(step.path, seen) : '';
  // Said before any path is chosen: every recovery moves the file, and is refused through a link.
  const linked = step.movedByRecovery ? linkTargetOf(step.path) : undefined;
  const throughLink = linked ? ` (${throughLinkSaid(linked)})` : '';
  return {
    status: opened.status,
    summary: `${summaries[opened.status]}${throughLink}`,
    output: opened.message,
    durationMs: elapsedSince(started),
    outputs: {
      // A sentence of its own, for a verdict's advice ("… audit passes. {{steps.open.log?}}").
      log: log && `${log[0]?.toUpperCase()}${log.slice(1)}.`,
      holderPid: opened.holderPid ?? 'unknown',
      heldAs: opened.heldReadOnly ? 'a process that opened it read-only (a notebook, a BI tool, a script): DuckDB refuses every write while it is open' : writerGuess(opened.holder),
      // In one line for a verdict's advice; DuckDB's whole text is the step's output.
      message: opened.status === 'unreadable' ? unreadableReason : opened.message,
      looksLike: opened.looksLike ?? '',
      linkTarget: opened.linkTarget ?? '',
      withoutLog: opened.status === 'wal-damaged' ? withoutLog(opened.foreignLog) : '',
      newest: opened.newest ? newestDaysSaid(opened.newest) : '',
      beside: opened.status === 'missing' ? otherDatabasesBeside(step.path, step.pathSetting) : '',
      versionAdvice: opened.status === 'unreadable' ? versionAdvice(opened.message) : '',
    },
    ...(seen ? { seen } : {}),
  };
}

/**
 * The marts whose newest day failed to read for damage (a backup cut short opens and answers SELECT 1, its catalog being
 * in its first blocks), as "2 of 4 marts fail to read: …": found by a guard, the plan is refused before a teammate is
 * asked to approve what its full read would stop anyway. Undefined when none did.
 */
function damagedMartsSaid(file: string, days: readonly NewestDay[]): string | undefined {
  const damaged = days.filter((day) => day.problem !== undefined && isDamage(day.problem));
  const [first] = damaged;
  if (!first) return undefined;
  const early = endsEarly(file, damaged.map((day) => day.problem as string));
  const names = damaged.map((day) => day.table).join(', ');
  return `${damaged.length} of ${days.length} marts fail to read: ${names} (${first.table}: ${first.problem})${early ? `; ${early}` : ''}`;
}

/** An open that went through, its message followed by a line said beside it. */
function withNote(opened: OpenResult, note: string | undefined): OpenResult {
  return note ? { ...opened, message: `${opened.message}\n${note}` } : opened;
}

/**
 * What the database lacks once its log that fails to replay is moved aside, for a verdict's advice ("as of its last
 * checkpoint, {{steps.open.withoutLog}}"): another database's log held none of its writes, so no load is to run again.
 */
function withoutLog(foreignLog: string | undefined): string {
  return foreignLog
    ? "and if the log is another database's, as DuckDB's error suggests, it held none of this one's writes: no load needs running again for it"
    : 'without the writes only the log held (the latest loads: run them again)';
}

/**
 * Why a file that is not damaged does not open, in one line: DuckDB's first; for a storage version, whose it is and
 * which DuckDB reads here (DuckDB follows it with paragraphs on its storage policy); for an encrypted file, the key.
 */
function notDamageReason(message: string, duckdbVersion: string): string {
  const [first = message, second = ''] = message.split('\n').map((line) => line.trim());
  // Not permissions, memory or a version: the key DuckDB asks for, which nothing gives the bot.
  if (/encrypted database/i.test(first)) {
    return `${/[.!?]$/.test(first) ? first : `${first}.`} The file is encrypted, and DuckDB opens it only with its encryption key (ATTACH '…' (ENCRYPTION_KEY '…')), which the bot is not given: if this is not the stack's own file, something else put it here (set DATABOX_DATABASE_PATH to the stack's file); if the stack encrypts its database, the bot cannot diagnose it, so check it with the stack's key by hand.`;
  }
  if (!namesStorageVersion(first)) return /[.!?]$/.test(first) ? first : `${first}.`;
  const writtenBy = /created with DuckDB version/i.test(second) ? ` ${second}` : '';
  return `${first}${writtenBy} The bot reads with DuckDB ${duckdbVersion}.`;
}

/**
 * What to do about a file another DuckDB wrote, for the Unreadable verdict's advice ({{steps.open.versionAdvice?}}):
 * only when DuckDB's first line names a storage version, so a permission or an encryption key is not followed by it.
 */
function versionAdvice(message: string): string {
  const [first = message] = message.split('\n');
  if (!namesStorageVersion(first)) return '';
  return 'DuckDB names a storage version another DuckDB wrote: open the file with the DuckDB the stack runs (`uv run python -c "import duckdb; print(duckdb.__version__)"` says which), and give the bot a @duckdb/node-api that reads it.';
}

const namesStorageVersion = (line: string) => /version number|storage version/i.test(line);

/**
 * A write-ahead log beside a file that opened: DuckDB replayed it into what this read saw, whether it is the file's own
 * (writes not yet checkpointed) or another database's (a copy put in place by hand leaves the old file's log, which
 * DuckDB replays without asking whose it is, and the next write merges in for good). A file there that does not begin
 * as DuckDB's logs do (random bytes) DuckDB skips without a word: said as read past, not replayed. Said, so a verdict
 * is not taken on it unseen; empty when there is none.
 */
function logReplayed(file: string, seen: Record<string, FileSeen> | undefined): string {
  const wal = walBeside(file);
  if (!wal) return '';
  const written = seen?.[wal.file];
  const when = written && 'modifiedAt' in written ? `, written ${written.modifiedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  if (!walHasDuckdbHeader(wal.file)) {
    return (
      `a file is at its write-ahead log's path, ${wal.file} (${wal.bytes} bytes${when}), that does not begin as a DuckDB write-ahead log does, so DuckDB read nothing from it: ` +
      "what was read is the file as of its last checkpoint. Whatever that file holds, DuckDB can read none of it into the database, and the stack's next checkpoint deletes it: copy it aside first if anyone wants to look at it"
    );
  }
  return (
    `its write-ahead log ${wal.file} (${wal.bytes} bytes${when}) was replayed into what was read: most often the file's own writes not yet checkpointed (a writer stopped or killed), ` +
    "which must stay with it; only if this file was put in place by hand is it another file's log, which the stack's next write would merge in for good"
  );
}

/**
 * A write-ahead log at the path of a database that is not there: the database was at this path, and the log holds its
 * last writes, which no backup or rebuild has. DuckDB replays it into any file created beside it (a Dagster run, a tool
 * pointed at the path). Said, so it is kept out of harm's way; empty when there is none. A file there that does not
 * begin as a log does holds no writes DuckDB can read, and is said as what it is: a database created beside it reads
 * nothing from it, and deletes it at its first checkpoint.
 */
function logAlone(file: string, seen: Record<string, FileSeen> | undefined): string {
  const wal = walBeside(file);
  if (!wal) return '';
  const written = seen?.[wal.file];
  const when = written && 'modifiedAt' in written ? `, written ${written.modifiedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  if (!walHasDuckdbHeader(wal.file)) {
    const what = notALog(wal.file);
    // Said last, without its full stop: the step makes the whole a sentence.
    const database = what.database ? `. If it is the stack's database under the log's name, move it to ${file} by hand and diagnose again, before any rebuild` : '';
    return (
      `a file is at its write-ahead log's path, ${wal.file} (${wal.bytes} bytes${when}), that does not begin as a DuckDB write-ahead log does${what.said}, so it holds none of the database's writes: DuckDB reads nothing from it, ` +
      `but a database created here deletes it at its first checkpoint, so let nothing create one here before it is moved: paths A and B move it aside first, kept${database}`
    );
  }
  return (
    `its write-ahead log ${wal.file} (${wal.bytes} bytes${when}) is there alone: the database was at this path, and the log holds its last writes. ` +
    'DuckDB replays a log into any file created beside it, so let nothing create the database here before it is moved: paths A and B move it aside first, kept'
  );
}

/** Why a file that opened is not the stack's: none of its tables is in a schema the stack expects; undefined when one is. */
function notTheStacks(expectSchemas: readonly string[], schemas: readonly string[] | undefined): string | undefined {
  if (expectSchemas.length === 0 || !schemas || expectSchemas.some((schema) => hasSchema(schemas, schema))) return undefined;
  const wanted = expectSchemas.join(', ');
  return schemas.length === 0
    ? `opens read-only, but holds no table: none in ${wanted}, where the stack keeps its raw data`
    : `opens read-only, but none of its tables is in ${wanted}, the schemas the stack expects; its tables are in ${schemas.join(', ')}: another project's file?`;
}

/** Who holds the file for writing, as far as its program tells: Dagster's jobs and dlt's loads run in Python. */
export function writerGuess(holder: string | undefined): string {
  if (!holder) return 'most likely a running Dagster job';
  if (/dagster/i.test(holder)) return `a Dagster process (${holder})`;
  if (/python|\buv\b|dlt/i.test(holder)) return `${holder}, a Python process: most likely a running Dagster job or dlt load`;
  return `${holder}, which is not Dagster (its jobs run in Python): a script or a tool that holds it open`;
}

export const duckdbOpenStepKind = defineStepKind({
  kind: 'duckdb-open',
  schema,
  statuses: (step) => [
    ...everyStatus<OpenStatus>({ ok: true, missing: true, 'dangling-link': true, 'not-a-file': true, 'wal-not-a-file': true, 'empty-file': true, 'not-duckdb': true, locked: true, corrupt: true, 'wal-damaged': true, unreadable: true }),
    ...(step.checkWritable ? ['read-only'] : []),
    ...(step.expectSchemas.length > 0 ? ['no-expected-schemas'] : []),
  ],
  // Could not see: a file it could not open for a reason that is not damage.
  unseeingStatuses: ['unreadable'],
  inUseStatuses: { locked: 'another process holds the file (a running job or load)' },
  // Each set whatever the status, empty where it says nothing ({{steps.open.log?}}); who holds the file is said only
  // when one does (locked): elsewhere it reads "unknown", so a text reading it is refused for any other status.
  outputs: {
    holderPid: { shape: 'text', onlyWhen: ['locked'] },
    heldAs: { shape: 'text', onlyWhen: ['locked'] },
    message: 'text',
    looksLike: 'text',
    linkTarget: 'text',
    log: 'text',
    withoutLog: 'text',
    newest: 'text',
    beside: 'text',
    versionAdvice: 'text',
  },
  defaultTimeoutMs: 30_000,
  templates: (step) => [{ at: ['path'], template: step.path, as: 'text' }],
  resolve: (step, tools) => ({ ...step, path: tools.inRoot(step.path) }),
  describe: (step, { rel, showArg }) => `open ${showArg(rel(step.path))} read-only and run SELECT 1`,
  run: runDuckdbOpenStep,
});

/**
 * What reading through a link to `target` means for a recovery. Pointing DATABOX_DATABASE_PATH at the target is advice
 * only where the target is a file: at a directory (a link to a volume's folder, say), it would name the directory.
 */
function throughLinkSaid(target: string): string {
  let kind: string | undefined;
  try {
    const stats = fs.statSync(target);
    if (stats.isDirectory()) kind = 'a directory, not the database file: DATABOX_DATABASE_PATH names the file itself, in that directory or elsewhere';
    else if (!stats.isFile()) kind = 'not a regular file';
  } catch {
    // Gone since it was resolved: said as a link to it, as a file would be.
  }
  if (kind) return `a symbolic link to ${target}, ${kind}`;
  return `read through a symbolic link to ${target}: a recovery is refused through it, as moving it would move the link; to recover, ${pointAtTheFile(target)}`;
}
