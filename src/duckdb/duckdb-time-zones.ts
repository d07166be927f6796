// The time zones DuckDB's ICU knows (pg_timezone_names()), which source_day reads a source's days in: a runbook's zone is checked against them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRootOf } from '../project-root.js';

const require = createRequire(import.meta.url);

/**
 * Prints the names as JSON, from an in-memory DuckDB. Run in a child process: the runbooks load synchronously (and
 * a plan's SQL is rendered so), while DuckDB's API is asynchronous.
 */
const listScript = `const { DuckDBInstance } = require(process.argv[1]);
(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll('SELECT name FROM pg_timezone_names()');
  process.stdout.write(JSON.stringify(reader.getRowsJson().map((row) => row[0])));
})().catch((error) => { process.stderr.write(String(error?.message ?? error)); process.exit(1); });`;

/** The bot's folder's node_modules/.cache (npm tools keep theirs there: `npm ci` empties it, and it is no state). */
const cacheDir = path.join(projectRootOf(path.join(path.resolve(import.meta.dirname, '..'), path.basename(import.meta.filename))), 'node_modules', '.cache', 'databox-bot', 'duckdb-time-zones');

/** Names as DuckDB matches them: ASCII letters in either case ('america/new_york' is America/New_York there), nothing else folded. */
export function foldTimeZoneName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** The DuckDB this bot runs: its package pins the native library, whose ICU holds the zones. */
function duckdbVersion(): string {
  return (JSON.parse(fs.readFileSync(require.resolve('@duckdb/node-api/package.json'), 'utf8')) as { version: string }).version;
}

/** The names read from DuckDB; kept on disk per DuckDB version, since starting DuckDB in a child takes a third of a second. */
function readNames(): string[] {
  const file = path.join(cacheDir, `${duckdbVersion()}.json`);
  try {
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (Array.isArray(kept) && kept.length > 0 && kept.every((name) => typeof name === 'string')) return kept;
  } catch {
    // Not kept yet, or unreadable: asked again.
  }
  // With no secret and no NODE_OPTIONS of the bot's (an --inspect-brk would hold it): it needs nothing but Node and DuckDB.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC' };
  const names = JSON.parse(execFileSync(process.execPath, ['-e', listScript, require.resolve('@duckdb/node-api')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000, env })) as string[];
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify(names));
    fs.renameSync(partial, file);
  } catch {
    // A folder this user may not write: asked again by the next process.
  }
  return names;
}

let known: ReadonlySet<string> | null | undefined;

/**
 * DuckDB's zone names, folded (foldTimeZoneName), read once per process. Null when DuckDB could not be started to
 * list them: then nothing the bot does in DuckDB runs either, and zones are checked against Node's alone.
 */
export function duckdbTimeZones(): ReadonlySet<string> | null {
  if (known === undefined) {
    try {
      known = new Set(readNames().map(foldTimeZoneName));
    } catch {
      known = null;
    }
  }
  return known;
}
