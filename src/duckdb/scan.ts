// Reads every table of a DuckDB file in full, read-only and time-bounded, to find damaged blocks that SELECT 1 misses.
import { checkUnreadBlocks, type BlockCheck, type FailedBlock } from './block-checksums.js';
import { endsEarly } from './ends-early.js';
import { openDatabase } from './open.js';
import { keywordSet, keywordsSql, quotedName, shownName } from './quoted-name.js';
import { absentFile, isDamage, walNotAFile } from './probe.js';
import { readAllHere } from './read-here.js';
import { sqlSegments, type SqlSegment } from '../engine/steps/sql-segments.js';
import { formatDuration } from '../format-duration.js';
import { plural, rowsSaid } from '../plural.js';
import { answerWithin, storageAnswerMs } from './answer-within.js';
import { unboundViewsSaid } from './unbound-views.js';
import { bindStillOut, bindsStillOut, noteBindOut, type UnansweredBind } from './unanswered-binds.js';

export interface TableScan {
  table: string;
  rows: number;
  error?: string;
}

export interface ScanProgress {
  done: number;
  total: number;
  current?: string;
  rows: number;
}

/** What DuckDB read with, as the instance itself reports it: the caps an operator may raise when a full read is slow. */
export interface ScanSettings {
  threads: number;
  memoryLimit: string;
}

/**
 * A view, bound without reading (LIMIT 0). `stack`: one of SQLMesh's production views (a schema without "__", selecting
 * from its physical sqlmesh__ tables), what the stack's readers query; only those judge the file. `elsewhere`: it names
 * another catalog (a database attached at run time, or this file opened under another name), so it cannot bind here.
 */
export interface ViewCheck {
  view: string;
  stack: boolean;
  error?: string;
  elsewhere?: boolean;
  /** Its bind did not return in time: what it reads (another file, a mount) does not answer, which says nothing of this file. */
  unanswered?: boolean;
  /** What it reads, where its error names another view's read instead (not bound while that one is out): the operator checks both. */
  reads?: string;
}

/** Why a view that does not bind is not the verdict's to judge: the scan's summary and the healthy verdict say it alike. */
export function whyNotJudged(view: ViewCheck): string {
  if (view.unanswered) return 'what it reads is not this file, so not judged';
  return view.elsewhere ? 'it names another catalog, so it cannot be checked here' : "not one of SQLMesh's production views, so not judged";
}

/** A view judges the file when it is one of SQLMesh's production views and could be checked here. */
export function judged(view: ViewCheck): boolean {
  return view.stack && !view.elsewhere && !view.unanswered;
}

export interface ScanResult {
  /**
   * damaged and unopenable only on DuckDB's known signs of damage (unopenable too when something other than a file is at
   * the write-ahead log's path: nothing opens the file until that is put right); unreadable for any other failure (memory, a lock …);
   * empty when the file holds no table at all (a fresh file, or one a tool created at the wrong path); out-of-memory
   * when a read needed more than the cap it ran under; broken-views when every table reads but one of SQLMesh's
   * production views does not bind (its physical table gone, or changed under it). Other views are named, not judged.
   * missing when there is no file at the path (or a link to nothing): no read to take, later or ever. timeout when its
   * time limit ended the read; interrupted when its caller stopped it sooner (Ctrl-C at the terminal, the bot stopping).
   */
  status: 'ok' | 'empty' | 'damaged' | 'unclear-blocks' | 'timeout' | 'interrupted' | 'unopenable' | 'unreadable' | 'out-of-memory' | 'broken-views' | 'missing';
  tables: TableScan[];
  /** The file's views, each bound (not read) once every table has read. */
  views?: ViewCheck[];
  total: number;
  /** The schemas that hold the file's tables, sorted: what a file made by another project would give away. */
  schemas?: string[];
  /** Every table and view by schema and name, once every view was bound: what a mart the stack builds is looked for in. */
  relations?: { schema: string; name: string }[];
  message: string;
  settings?: ScanSettings;
  /** DuckDB's checksums of the blocks no table's rows are read from, once every table has read. */
  blocks?: BlockCheck;
  /** Views' binds on this thread still out when the scan answered (what they read does not answer), in any file. */
  bindsOut?: UnansweredBind[];
}

export interface ScanOptions {
  timeoutMs: number;
  /** How long the file's open, and each view's bind, is given to answer; by default as long as any read of the storage (answer-within.ts). */
  storageAnswerMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
}

export async function scanTables(filePath: string, options: ScanOptions): Promise<ScanResult> {
  // Told from a file that could not be read now (DuckDB says only "database does not exist", read-only).
  const absent = absentFile(filePath);
  if (absent) return { status: 'missing', tables: [], total: 0, message: absent.message };
  // Not a read to take again later: nothing opens the file until what is at the log's path is put right.
  const walThere = walNotAFile(filePath);
  if (walThere) return { status: 'unopenable', tables: [], total: 0, message: walThere };
  let database;
  try {
    // Its storage may hang between the diagnosis' probe and this open (a network mount going away): given as long as the probe.
    const opening = openDatabase(filePath, false);
    const answer = await answerWithin(opening, options.storageAnswerMs ?? storageAnswerMs, abortOf(options.signal));
    if (!answer.answered) {
      // What DuckDB waits in, nothing reaches: the open is left to return, and its instance closed then.
      opening.then((opened) => opened.close(), () => undefined);
      if (answer.stopped) return { status: 'interrupted', tables: [], total: 0, message: `stopped while opening the file: ${stopSaid(options.signal as AbortSignal)}` };
      return {
        status: 'unreadable',
        tables: [],
        total: 0,
        message: `opening ${filePath} did not answer within ${formatDuration(options.storageAnswerMs ?? storageAnswerMs)}: the storage under it does not answer (a hung network mount, say)`,
      };
    }
    database = answer.value;
  } catch (error) {
    const message = withoutTuningAdvice((error as Error).message);
    return { status: isDamage(message) ? 'unopenable' : isOutOfMemory(message) ? 'out-of-memory' : 'unreadable', tables: [], total: 0, message: withEndsEarly(filePath, message, [message]) };
  }
  const { connection } = database;
  let timedOut = false;
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  // Binds that have not returned hold their connection (and so the instance) until they do: closed after them.
  const binds: Promise<unknown>[] = [];
  // Why it stopped when it was not the time limit: Ctrl-C at the terminal, the bot stopping (the caller's words).
  let stoppedFor: string | undefined;
  const interrupt = () => {
    timedOut = true;
    stop();
    connection.interrupt();
  };
  const abort = () => {
    stoppedFor = stopSaid(options.signal as AbortSignal);
    interrupt();
  };
  /** "interrupted" when its caller stopped it (Ctrl-C, the bot stopping), not "timeout": its time limit was not reached. */
  const stoppedStatus = () => (stoppedFor === undefined ? 'timeout' : 'interrupted');
  /** `stopped after 10 min <what>`, or what stopped it sooner. */
  const stoppedSaid = (what: string) => (stoppedFor === undefined ? `stopped after ${formatDuration(options.timeoutMs)} ${what}` : `stopped ${what}: ${stoppedFor}`);
  const timer = setTimeout(interrupt, options.timeoutMs);
  options.signal?.addEventListener('abort', abort, { once: true });
  const tables: TableScan[] = [];
  let settings: ScanSettings | undefined;
  try {
    const [threads, memoryLimit] = (await readAllHere(connection, `SELECT current_setting('threads'), current_setting('memory_limit')`, () => timedOut))[0] ?? [];
    settings = { threads: Number(threads), memoryLimit: String(memoryLimit) };
    const listing = await readAllHere(
      connection,
      `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY schema_name, table_name`,
      () => timedOut,
    );
    const names = listing.map(([schema, table]) => ({ schema: String(schema), table: String(table) }));
    // The words a name cannot be bare as in this DuckDB (select, from …): shown quoted, as SQL needs them.
    const keywords = keywordSet(await readAllHere(connection, keywordsSql, () => timedOut));
    const schemas = [...new Set(names.map((n) => n.schema))];
    // "Read all 0 tables" would pass for healthy: an empty file is what a tool opening the wrong path leaves behind.
    if (names.length === 0) {
      const views = (await listViews(connection, keywords, () => timedOut)).map((v) => v.view);
      const also = views.length > 0 ? ` (only ${views.length} view${views.length === 1 ? '' : 's'}: ${views.slice(0, 5).join(', ')}${views.length > 5 ? ', …' : ''})` : '';
      return { status: 'empty', tables, total: 0, schemas, settings, message: `the file holds no tables${also}` };
    }
    let rowsSoFar = 0;
    for (const [index, { schema, table }] of names.entries()) {
      const qualified = shownName(schema, table, keywords);
      options.onProgress?.({ done: index, total: names.length, current: qualified, rows: rowsSoFar });
      if (timedOut) break;
      let rows = 0;
      try {
        // An aggregate over the whole row reads every column of every row group. Streaming chunks would be lighter,
        // but the node bindings end a stream early without an error when a block fails its checksum.
        const quoted = quotedName(schema, table);
        const [counted] = await readAllHere(connection, `SELECT count(*), bit_xor(hash(scanned)) FROM ${quoted} AS scanned`, () => timedOut);
        rows = Number(counted?.[0] ?? 0);
        tables.push({ table: qualified, rows });
      } catch (error) {
        if (timedOut) break;
        tables.push({ table: qualified, rows, error: withoutTuningAdvice((error as Error).message) });
      }
      rowsSoFar += rows;
    }
    options.onProgress?.({ done: tables.length, total: names.length, rows: rowsSoFar });
    const failed = tables.filter((t) => t.error);
    const damaged = failed.filter((t) => isDamage(t.error as string));
    if (damaged.length > 0) {
      return {
        status: 'damaged',
        tables,
        total: names.length,
        schemas,
        settings,
        // DuckDB's reason for the first, in its words (a checksum that does not match, in block at location …): the
        // evidence, not only the output a terminal cuts to a line.
        message: withEndsEarly(
          filePath,
          `${damaged.length} of ${names.length} tables fail to read: ${damaged.map((t) => t.table).join(', ')} (${damaged.length === 1 ? '' : `${damaged[0]?.table}: `}${(damaged[0]?.error as string).split('\n')[0]})`,
          damaged.map((t) => t.error as string),
        ),
      };
    }
    const outOfMemory = failed.find((t) => isOutOfMemory(t.error as string));
    if (outOfMemory) {
      return {
        status: 'out-of-memory',
        tables,
        total: names.length,
        schemas,
        settings,
        message: `DuckDB ran out of memory reading ${outOfMemory.table}${settings ? ` under the bot's cap (${settings.memoryLimit}, ${settings.threads} thread${settings.threads === 1 ? '' : 's'})` : ''}: ${(outOfMemory.error as string).split('\n')[0]}`,
      };
    }
    if (failed.length > 0) {
      // A permission or a lock, say: the file may be fine, and a verdict of damage would offer to move it aside.
      const first = failed[0] as TableScan;
      return {
        status: 'unreadable',
        tables,
        total: names.length,
        schemas,
        settings,
        message: `${failed.length} of ${names.length} tables could not be read, for a reason that is not damage: ${first.table}: ${(first.error as string).split('\n')[0]}`,
      };
    }
    if (timedOut) {
      return {
        status: stoppedStatus(),
        tables,
        total: names.length,
        schemas,
        settings,
        message: stoppedSaid(`with ${tables.length} of ${names.length} tables read, all readable so far`),
      };
    }
    const read = `read ${names.length === 1 ? 'the one table' : `all ${names.length} tables`} in full (${rowsSaid(rowsSoFar)})`;
    const blocks = await checkUnreadBlocks(filePath, connection, names, () => timedOut);
    if (timedOut) {
      return { status: stoppedStatus(), tables, blocks, total: names.length, schemas, settings, message: `${read}, but ${stoppedSaid('while checking the other blocks')}` };
    }
    if (blocks.failed.length > 0) {
      return { status: blocks.mayBeFree ? 'unclear-blocks' : 'damaged', tables, blocks, total: names.length, schemas, settings, message: `${read}, but ${failedBlocksSaid(blocks)}` };
    }
    const views: ViewCheck[] = [];
    const viewList = await listViews(connection, keywords, () => timedOut);
    const relations = [...names.map(({ schema, table }) => ({ schema, name: table })), ...viewList.map(({ schema, name }) => ({ schema, name }))];
    let viewConnection = connection;
    for (const { view, quoted, stack, reads, readsElsewhere } of viewList) {
      if (timedOut) break;
      // Bound again it would wait as the first did, and hold another of libuv's pool threads.
      const out = bindStillOut(filePath, view);
      if (out) {
        views.push({ view, stack, unanswered: true, error: `does not answer binding: it reads ${out.reads} (its bind started at ${new Date(out.since).toISOString().slice(11, 19)} UTC has not returned)` });
        continue;
      }
      // Each bind that does not answer keeps a pool thread, and libuv has 4 by default: were a second view over the same
      // hung storage bound, and a third, the pool would fill and every file read, fsync and DNS lookup of the process
      // with it. So while one bind is out, in any file, no other view that reads storage of its own is bound.
      const holding = readsElsewhere && bindsStillOut()[0];
      if (holding) {
        views.push({ view, stack, unanswered: true, error: `not bound: another view's read of ${holding.reads} has not answered`, reads });
        continue;
      }
      const since = Date.now();
      const bind = readAllHere(viewConnection, `SELECT * FROM ${quoted} LIMIT 0`, () => timedOut);
      try {
        const answer = await answerWithin(bind, options.storageAnswerMs ?? storageAnswerMs, stopped);
        if (answer.answered) {
          views.push({ view, stack });
          continue;
        }
        // What DuckDB waits in (opening a named pipe, a read from a hung mount) an interrupt may not reach: the bind is
        // left to return when it does, and the other views are bound on a connection of their own.
        viewConnection.interrupt();
        binds.push(bind.catch(() => undefined));
        noteBindOut({ file: filePath, view, reads, since }, bind.catch(() => undefined));
        if (answer.stopped) break;
        views.push({ view, stack, unanswered: true, error: `does not answer binding: it reads ${reads}` });
        // The open of a connection is pool work too: a stop, or the scan's own limit, ends the wait for it.
        const connecting = database.connect();
        const connected = await answerWithin(connecting, options.timeoutMs, stopped);
        if (!connected.answered) {
          binds.push(connecting.catch(() => undefined));
          break;
        }
        viewConnection = connected.value;
      } catch (error) {
        if (timedOut) break;
        const message = withoutTuningAdvice((error as Error).message).split('\n')[0] as string;
        views.push({ view, stack, error: message, elsewhere: /Catalog "[^"]*" does not exist/.test(message) });
      }
    }
    if (timedOut) {
      return { status: stoppedStatus(), tables, views, blocks, total: names.length, schemas, settings, message: `${read}, but ${stoppedSaid(`with ${plural(views.length, 'view', 'views')} checked`)}` };
    }
    const broken = views.filter((v) => judged(v) && v.error);
    if (broken.length > 0) {
      return {
        status: 'broken-views',
        tables,
        views,
        blocks,
        total: names.length,
        schemas,
        relations,
        settings,
        message: `${read}, but ${broken.length} of SQLMesh's ${views.filter((v) => v.stack).length} production views do not bind: ${broken.map((v) => `${v.view} (${v.error})`).join(', ')}`,
      };
    }
    const unbound = views.filter((v) => v.error);
    const others = unbound.length > 0 ? ` (${unboundViewsSaid(unbound).join('; ')})` : '';
    const viewsSaid = views.length > 0 ? `; ${views.length - unbound.length} of ${views.length} view${views.length === 1 ? '' : 's'} bound${others}` : '';
    return { status: 'ok', tables, views, blocks, total: names.length, schemas, relations, message: `${read}${viewsSaid}`, settings };
  } catch (error) {
    const message = withoutTuningAdvice((error as Error).message);
    const status = timedOut ? stoppedStatus() : isDamage(message) ? 'damaged' : isOutOfMemory(message) ? 'out-of-memory' : 'unreadable';
    return { status, tables, total: tables.length, message: withEndsEarly(filePath, message, [message]), settings };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
    const opened = database;
    if (binds.length === 0) opened.close();
    // This runs on the reader thread, where a rejection nothing handles ends the thread: a close that fails once the
    // binds have returned leaves only an instance this scan no longer uses, so it is let go.
    else void Promise.all(binds).then(() => opened.close()).catch(() => undefined);
  }
}

/** What stopped the scan before its time limit, in its caller's words (Ctrl-C at the terminal, the bot stopping). */
function stopSaid(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' ? reason : 'its run was stopped';
}

/** Resolves when `signal` aborts (at once if it has); never without one. */
function abortOf(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

const isOutOfMemory = (message: string) => /out of memory/i.test(message);

/** The scan's message, and that the file is cut short when DuckDB's errors read past its end. */
function withEndsEarly(filePath: string, message: string, errors: readonly string[]): string {
  const early = endsEarly(filePath, errors);
  return early ? `${message}; ${early}` : message;
}

/** Where a block that failed its checksum is, as DuckDB's own error names it ("block at location …"). */
export function failedBlockSaid({ block, offset, missing }: FailedBlock): string {
  return `block ${block} at location ${offset}${missing ? ' (the file ends before it)' : ''}`;
}

/**
 * Blocks that hold no table's rows and fail their checksum: an index or DuckDB's metadata, which a write or a key lookup
 * reaches. A free block is never read, and one left half-written by a checkpoint cut short fails too: when the failed
 * blocks could all be free ones, that is said, and the status is not damage (scan: unclear-blocks).
 */
function failedBlocksSaid({ failed, freeBlocks, pastEnd, mayBeFree }: BlockCheck): string {
  const shown = failed.slice(0, 5).map(failedBlockSaid).join(', ');
  const which = `${shown}${failed.length > 5 ? `, and ${failed.length - 5} more` : ''}`;
  const one = failed.length === 1;
  const head = `${failed.length} block${one ? '' : 's'} that hold${one ? 's' : ''} no table's rows fail${one ? 's' : ''} DuckDB's checksum: ${which}.`;
  const free = freeBlocks - pastEnd;
  if (mayBeFree) {
    return `${head} The file has ${free} free block${free === 1 ? '' : 's'} besides, which DuckDB never reads and a checkpoint cut short (a crash, a power cut) leaves half-written, so ${one ? 'it' : 'they'} may be among them; if ${one ? 'it is' : 'they are'} an index's or DuckDB's metadata, a write or a key lookup that reaches ${one ? 'it' : 'them'} fails`;
  }
  return `${head} ${one ? 'It is' : 'They are'} an index or DuckDB's own metadata, which a write or a key lookup reaches${free > 0 ? ` (more than the file's ${free} free block${free === 1 ? '' : 's'}, which DuckDB never reads)` : ''}`;
}

/**
 * The file's own views (not DuckDB's catalog views): as shown, quoted for a query, and whether it is one of SQLMesh's
 * production views (a dev environment's schema ends in __<env>; SQLMesh's physical schemas start with sqlmesh__).
 */
async function listViews(
  connection: Parameters<typeof readAllHere>[0],
  keywords: ReadonlySet<string>,
  stopped: () => boolean,
): Promise<{ schema: string; name: string; view: string; quoted: string; stack: boolean; reads: string; readsElsewhere: boolean }[]> {
  const rows = await readAllHere(
    connection,
    `SELECT schema_name, view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND NOT temporary ORDER BY schema_name, view_name`,
    stopped,
  );
  return rows.map(([schema, view, sql]) => {
    const segments = sqlSegments(String(sql));
    return {
      schema: String(schema),
      name: String(view),
      view: shownName(String(schema), String(view), keywords),
      quoted: quotedName(String(schema), String(view)),
      // What it selects from, not what a string literal or a comment in it says.
      stack: !String(schema).includes('__') && /\bsqlmesh__/i.test(segments.filter((s) => s.kind === 'code' || s.kind === 'identifier').map((s) => s.text).join(' ')),
      reads: readsSaid(segments),
      readsElsewhere: namesFile(segments),
    };
  });
}

/**
 * What a view reads besides the file's own tables, as its SQL names it: the string literals in it (read_csv('/mnt/x.csv'),
 * a URL), which is where a bind that does not answer waits. Said of a view whose bind did not return.
 */
function readsSaid(segments: readonly SqlSegment[]): string {
  const literals = [...new Set(segments.filter((s) => s.kind === 'string' && s.text.startsWith("'")).map((s) => s.text.slice(1, -1).replaceAll("''", "'")))];
  if (literals.length === 0) return 'something that does not answer (its SQL names no file)';
  return literals.length === 1 ? (literals[0] as string) : literals.join(', ');
}

/**
 * Whether a view's SQL names a file or URL (a string literal with a slash or a file extension: '/mnt/x.csv', 's3://b/k',
 * 'x.parquet'): storage besides this file's, which may not answer. Its other literals ('active', DATE '2026-03-01') do not.
 */
function namesFile(segments: readonly SqlSegment[]): boolean {
  return segments.some((s) => s.kind === 'string' && s.text.startsWith("'") && /[/\\]|\.[a-z][a-z0-9]{0,7}'$/i.test(s.text));
}

/**
 * DuckDB's error without the advice it appends for its own shell ("SET threads=X", "SET memory_limit=…"): the bot's
 * reads take their caps from its environment, which the verdict names instead.
 */
function withoutTuningAdvice(message: string): string {
  return message.split(/\n\s*Possible solutions:/)[0]?.trimEnd() ?? message;
}
