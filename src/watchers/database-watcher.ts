// Database-file watcher: the local DuckDB file opened read-only as scenario 1's diagnosis opens it; gone, damaged or unopenable is an outage.
import fs from 'node:fs';
import type { OpenResult, OpenStatus } from '../duckdb/probe.js';
import type { Finding, Watcher } from './finding.js';
import { fileLook } from './file-look.js';

export interface DatabaseWatcherOptions {
  file: string;
  enabled: boolean;
  /** Why it does not apply: the stack's database is MotherDuck's, not this file. */
  notLocal?: string;
  /** A plan changing the database right now: then the file is left alone and nothing is judged. */
  busy?: () => string | undefined;
  /** The latest plan on this file, when it stopped part-way (a rebuild that failed after the file was moved aside). */
  leftPartWay?: () => { short: string; line: string } | undefined;
  /** The diagnosis' own probe (on the reader thread in the bot). */
  probe: (file: string) => Promise<OpenResult>;
}

/** What each way of failing to open means for the stack: every Dagster run that reads or writes the file fails. */
const headlines: Record<Exclude<OpenStatus, 'ok' | 'locked'>, string> = {
  missing: 'The database file is missing',
  'dangling-link': 'The database file is a link to nothing',
  'not-a-file': 'The database path is not a file',
  'wal-not-a-file': "The database's write-ahead log path is not a file",
  'empty-file': 'The database file is empty',
  'not-duckdb': 'The database file is not a DuckDB file',
  corrupt: 'The database file is damaged',
  'wal-damaged': "The database's write-ahead log fails to replay",
  unreadable: 'DuckDB cannot open the database file',
};

function nothingThere(file: string): OpenResult | undefined {
  try {
    fs.lstatSync(file);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { status: 'missing', message: `${file} does not exist` } : undefined;
  }
}

export function databaseWatcher(options: DatabaseWatcherOptions): Watcher {
  let lastOpened: string | undefined;
  return {
    id: 'database',
    title: 'Database file',
    off: !options.enabled ? 'turned off (DATABOX_WATCH_DATABASE=false)' : options.notLocal,
    async check(): Promise<Finding> {
      const base = { watcher: 'database' as const, scenario: 'duckdb' as const };
      const busy = options.busy?.();
      if (busy) return { ...base, details: [], state: 'unknown', summary: `not checked while ${busy} is changing the database` };
      // A process that opens the file to write while a read-only open holds it is refused: the stack's runs are spared
      // an open when nothing about the file changed since it last opened.
      const before = fileLook(options.file);
      if (before !== undefined && before === lastOpened) return { ...base, details: [], state: 'healthy', summary: `${options.file} opens read-only (unchanged since it last did)` };
      // Nothing at the path at all is told without the probe, which would start DuckDB's reader thread to say so.
      const opened = nothingThere(options.file) ?? (await options.probe(options.file));
      // A plan that began while the probe waited its turn may have moved the file: nothing is judged on that.
      const began = options.busy?.();
      if (began) return { ...base, details: [], state: 'unknown', summary: `not judged: ${began} began changing the database meanwhile` };
      lastOpened = opened.status === 'ok' ? before : undefined;
      if (opened.status === 'ok') return { ...base, details: [], state: 'healthy', summary: `${options.file} opens read-only` };
      // A writer holding the file is the stack at work, not a fault: nothing is judged until it lets go.
      if (opened.status === 'locked') return { ...base, details: [opened.message], state: 'unknown', summary: `${options.file} is held by another process${opened.holderPid ? ` (PID ${opened.holderPid})` : ''}: not judged while it is` };
      // A recovery that stopped half-way may be why (the file moved aside, the rebuild failed): said, so nobody starts another.
      const left = options.leftPartWay?.();
      return {
        ...base,
        details: [opened.message, ...(left ? [left.line] : [])],
        state: 'problem',
        problem: opened.status,
        // Unreadable says why in its own words (permissions, a DuckDB version): the headline alone names no cause.
        summary: `${headlines[opened.status]}: ${options.file}${opened.status === 'unreadable' ? ` (${opened.message.split('\n')[0]})` : ''}${left ? `. ${left.short}` : ''}`,
      };
    },
  };
}
