// Builds a throw-away databox checkout: real DuckDB files, SQLMesh state, and stand-in uv/task that record their calls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fromTemplate } from '../support/database-templates.js';

export const standinBin = path.resolve(import.meta.dirname, '../fixtures/bin');

export interface StandinCall {
  tool: string;
  args: string[];
  command: string;
  cwd: string;
  env: Record<string, string>;
  pid: number;
}

export interface Behaviour {
  exit?: number;
  stdout?: string;
  /** A recorded output under test/fixtures, such as dagster/cli/liveness-live.txt. */
  stdoutFile?: string;
  stderr?: string;
  sleepMs?: number;
  /** The sleep ends early once the test calls release(): held while the test looks, then no longer. */
  untilReleased?: boolean;
  echoEnv?: string;
  repeat?: { text: string; times: number };
  createDatabase?: string;
  /** The last day the marts of a created database hold (YYYY-MM-DD); default yesterday, UTC. */
  martsThrough?: string;
  /** The raw tables a created database gets (a full refresh that skipped a source); default every source's. */
  rawTables?: string[];
  createDirectory?: string;
  /** Statements run against the database, with params taken from `env:NAME`, `arg:--flag` (the value after it) or literally. */
  sql?: string[];
  params?: string[];
  database?: string;
}

export class Checkout {
  readonly root: string;
  readonly databasePath: string;
  readonly stateDir: string;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-checkout-'));
    this.databasePath = path.join(this.root, 'data', 'databox.duckdb');
    this.stateDir = path.join(this.root, 'var');
    fs.mkdirSync(path.join(this.root, 'data'));
    fs.mkdirSync(path.join(this.root, 'transforms', 'main', '.sqlmesh'), { recursive: true });
    fs.writeFileSync(path.join(this.root, 'transforms', 'main', '.sqlmesh', 'cache.json'), '{"original":true}');
    fs.writeFileSync(path.join(this.root, 'transforms', 'main', 'state_sync.db'), 'original state');
    fs.mkdirSync(path.join(this.root, '.standin'));
    this.behave({
      'task full-refresh': { stdout: 'dlt: loaded raw_ebird, raw_noaa, raw_usgs\nsqlmesh: rebuilt 12 models\n', createDatabase: 'data/databox.duckdb', createDirectory: 'transforms/main/.sqlmesh' },
    });
  }

  path(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  /** Sets how the stand-in tools answer, keyed by the command line ("uv run sqlmesh audit"). */
  behave(behaviours: Record<string, Behaviour>): void {
    const file = this.path('.standin', 'behaviour.json');
    const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Behaviour>) : {};
    // Written aside and renamed into place: a stand-in starting meanwhile reads the old behaviours or the new, never half.
    fs.writeFileSync(`${file}.new`, JSON.stringify({ ...current, ...behaviours }));
    fs.renameSync(`${file}.new`, file);
  }

  /** Ends the sleep of every stand-in run held untilReleased, now and from now on. */
  release(): void {
    fs.writeFileSync(this.path('.standin', 'released'), '');
  }

  calls(): StandinCall[] {
    const file = this.path('.standin', 'calls.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as StandinCall);
  }

  listData(): string[] {
    return fs.readdirSync(this.path('data')).sort();
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A real DuckDB database with raw and mart tables, like the one dlt and SQLMesh build. */
export function createHealthyDatabase(file: string, rowsPerTable = 50_000): Promise<void> {
  return fromTemplate(`healthy-${rowsPerTable}`, file, (at) => buildHealthyDatabase(at, rowsPerTable));
}

async function buildHealthyDatabase(file: string, rowsPerTable: number): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(`
    CREATE SCHEMA raw_ebird;
    CREATE TABLE raw_ebird.observations AS
      SELECT range AS id, DATE '2026-03-01' + CAST(range % 60 AS INTEGER) AS observation_date, md5(range::VARCHAR) AS species
      FROM range(${rowsPerTable});
    CREATE SCHEMA ebird;
    CREATE TABLE ebird.fct_daily_bird_observations AS
      SELECT observation_date AS day_date, COUNT(*) AS observations FROM raw_ebird.observations GROUP BY 1;
    CREATE SCHEMA raw_noaa;
    CREATE TABLE raw_noaa.daily_weather AS
      SELECT range AS id, md5(range::VARCHAR) || md5((range * 7)::VARCHAR) AS reading FROM range(${rowsPerTable});
    CREATE SCHEMA raw_usgs;
    CREATE TABLE raw_usgs.daily_values AS SELECT range AS id, range * 0.5 AS discharge FROM range(60);
    -- The other marts as views, as SQLMesh serves its models: a file without them is not a healthy one of the stack.
    CREATE SCHEMA noaa;
    CREATE VIEW noaa.fct_daily_weather AS
      SELECT DATE '2026-03-01' + CAST(id % 60 AS INTEGER) AS day_date, COUNT(*) AS readings FROM raw_noaa.daily_weather GROUP BY 1;
    CREATE SCHEMA usgs;
    CREATE VIEW usgs.fct_daily_streamflow AS SELECT DATE '2026-03-01' + CAST(id AS INTEGER) AS day_date, discharge FROM raw_usgs.daily_values;
    CREATE SCHEMA analytics;
    CREATE VIEW analytics.fct_species_environment_daily AS SELECT day_date, observations FROM ebird.fct_daily_bird_observations;
  `);
  connection.closeSync();
  instance.closeSync();
}

/** The stack's four marts, ending on `lastDay` (YYYY-MM-DD), written into `file` (replacing any there). */
export async function writeMartsThrough(file: string, lastDay: string, marts = stackMarts): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  for (const mart of marts) {
    // A view of createHealthyDatabase's in its place goes first: DuckDB does not replace a view with a table.
    const [schema, name] = mart.split('.');
    const views = await connection.runAndReadAll(`SELECT 1 FROM duckdb_views() WHERE schema_name = '${schema}' AND view_name = '${name}'`);
    if (views.getRows().length > 0) await connection.run(`DROP VIEW ${mart}`);
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${schema}; CREATE OR REPLACE TABLE ${mart} AS SELECT DATE '${lastDay}' - CAST(range AS INTEGER) AS day_date FROM range(30)`);
  }
  connection.closeSync();
  instance.closeSync();
}

export const stackMarts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];

/**
 * A DuckDB file whose main header survives (the "DUCK" magic and storage version) but whose database headers and
 * blocks are garbage: DuckDB itself reports the damage. (Text with no header at all is not a DuckDB file.)
 */
export function writeGarbage(file: string): void {
  const header = Buffer.alloc(4_096);
  header.write('DUCK', 8, 'latin1');
  header.writeBigUInt64LE(64n, 12);
  fs.writeFileSync(file, Buffer.concat([header, Buffer.from('this is not a duckdb file '.repeat(2_000))]));
}

/** A real database cut short, as a full disk or a killed copy leaves it. */
export async function createTruncatedDatabase(file: string): Promise<void> {
  await createHealthyDatabase(file);
  fs.truncateSync(file, Math.floor(fs.statSync(file).size * 0.6));
}

const fileHeaderBytes = 3 * 4_096;
const blockBytes = 262_144;

/**
 * A real database with the inside of one data block overwritten (its checksum left as it was): it opens and answers
 * SELECT 1, but reading the table that owns the block fails. Halfway through the file is raw_noaa.daily_weather.
 */
export function createDamagedDatabase(file: string): Promise<void> {
  return fromTemplate('damaged-table', file, buildDamagedDatabase);
}

async function buildDamagedDatabase(file: string): Promise<void> {
  await buildHealthyDatabase(file, 300_000);
  const block = Math.floor((fs.statSync(file).size * 0.5 - fileHeaderBytes) / blockBytes);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(8_192, 0x5a), 0, 8_192, fileHeaderBytes + block * blockBytes + 4_096);
  fs.closeSync(fd);
}

/**
 * A real database whose primary-key index has one block overwritten inside (its checksum left as it was): every table
 * reads in full, but a write or a key lookup that reaches the index fails. The index's blocks are the ones DuckDB lists
 * neither as a table's storage nor as its metadata. Resolves with the damaged block's number.
 */
export function createDatabaseWithDamagedIndex(file: string): Promise<number> {
  return fromTemplate('damaged-index', file, buildDatabaseWithDamagedIndex);
}

async function buildDatabaseWithDamagedIndex(file: string): Promise<number> {
  await buildHealthyDatabase(file, 20_000);
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(`
    CREATE TABLE raw_ebird.checklists (checklist_id VARCHAR PRIMARY KEY, observer VARCHAR);
    INSERT INTO raw_ebird.checklists SELECT 'S' || lpad(range::VARCHAR, 9, '0'), md5(range::VARCHAR) FROM range(400000);
    CHECKPOINT;
  `);
  const listed = async (sql: string) => new Set((await connection.runAndReadAll(sql)).getRows().map(([block]) => Number(block)));
  const tables = ['raw_ebird.observations', 'ebird.fct_daily_bird_observations', 'raw_noaa.daily_weather', 'raw_usgs.daily_values', 'raw_ebird.checklists'];
  const tableBlocks = await listed(tables.map((table) => `SELECT block_id FROM pragma_storage_info('${table}')`).join(' UNION ALL '));
  const metadataBlocks = await listed('SELECT block_id FROM pragma_metadata_info()');
  const [total] = (await connection.runAndReadAll('SELECT total_blocks FROM pragma_database_size()')).getRows()[0] ?? [];
  connection.closeSync();
  instance.closeSync();
  const index = [...Array(Number(total)).keys()].find((block) => !tableBlocks.has(block) && !metadataBlocks.has(block));
  if (index === undefined) throw new Error('no index block found to damage');
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(8_192, 0x5a), 0, 8_192, fileHeaderBytes + index * blockBytes + 65_536);
  fs.closeSync(fd);
  return index;
}

/**
 * A real database with another database's write-ahead log beside it, as a file put in place by hand over an old one
 * leaves: the log writes to a table that other database had checkpointed, which this one lacks, so DuckDB fails to
 * replay it (an internal error, followed by DuckDB's native stack trace), while the file alone is whole.
 */
export function createDatabaseWithForeignWal(file: string): Promise<void> {
  return fromTemplate('foreign-wal', file, buildDatabaseWithForeignWal);
}

async function buildDatabaseWithForeignWal(file: string): Promise<void> {
  await buildHealthyDatabase(file, 1_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-other-'));
  try {
    const other = path.join(dir, 'other.duckdb');
    const instance = await DuckDBInstance.create(other);
    const connection = await instance.connect();
    await connection.run(`
      CREATE TABLE other_project_events (id INTEGER);
      CHECKPOINT;
      PRAGMA disable_checkpoint_on_shutdown;
      SET checkpoint_threshold = '1TB';
      INSERT INTO other_project_events SELECT range FROM range(10);
    `);
    connection.closeSync();
    instance.closeSync();
    fs.copyFileSync(`${other}.wal`, `${file}.wal`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A real database whose last writes are only in its write-ahead log (no checkpoint at shutdown), with the middle of the
 * log overwritten: DuckDB fails to replay it, while the file alone, as of its last checkpoint, is whole.
 */
export function createDatabaseWithDamagedWal(file: string): Promise<void> {
  return fromTemplate('damaged-wal', file, buildDatabaseWithDamagedWal);
}

async function buildDatabaseWithDamagedWal(file: string): Promise<void> {
  await buildHealthyDatabase(file, 5_000);
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(`
    PRAGMA disable_checkpoint_on_shutdown;
    SET checkpoint_threshold = '1TB';
    INSERT INTO raw_ebird.observations SELECT range + 100000, DATE '2026-05-01', md5(range::VARCHAR) FROM range(100);
  `);
  connection.closeSync();
  instance.closeSync();
  const wal = fs.readFileSync(`${file}.wal`);
  const middle = Math.floor(wal.length / 2);
  wal.fill(0x5a, middle, Math.min(wal.length, middle + 32));
  fs.writeFileSync(`${file}.wal`, wal);
}
