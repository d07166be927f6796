// "MotherDuck" for tests: each database a local DuckDB file, a snapshot a copy taken at a time, and exactly the
// MotherDuck statements the runbooks use interpreted on those files; every statement sent is recorded in order.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { DatabaseTarget, QueryResult, TargetSession } from '../../src/database/target.js';
import { useUtcDays } from '../../src/duckdb/open.js';
import { connectProblem } from '../../src/database/motherduck-target.js';

interface Database {
  id: string;
  name: string;
  file: string;
  createdTs: Date;
  retentionDays: number;
  droppedAt?: Date;
}

interface Snapshot {
  id: string;
  databaseId: string;
  databaseName: string;
  name: string | null;
  createdTs: Date;
  file: string;
}

export interface SentStatement {
  sql: string;
  params: unknown[];
  /** The error it failed with, if it did. */
  error?: string;
}

type Token = { type: 'word' | 'quoted' | 'string' | 'number' | 'punct'; text: string };

/** Splits SQL into words, "quoted identifiers", 'strings', numbers and punctuation; quotes are undone. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|--[^\n]*|([A-Za-z_][A-Za-z0-9_$]*)|"((?:[^"]|"")*)"|'((?:[^']|'')*)'|(\d+)|([(),.=;])/gy;
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < sql.length && (match = pattern.exec(sql)) !== null) {
    at = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ type: 'word', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ type: 'quoted', text: match[2].replace(/""/g, '"') });
    else if (match[3] !== undefined) tokens.push({ type: 'string', text: match[3].replace(/''/g, "'") });
    else if (match[4] !== undefined) tokens.push({ type: 'number', text: match[4] });
    else if (match[5] !== undefined && match[5] !== ';') tokens.push({ type: 'punct', text: match[5] });
  }
  if (at < sql.length) return [];
  return tokens;
}

/** A cursor over tokens with keyword and name matching; every miss throws, so a statement either parses whole or not. */
class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}
  keyword(word: string): boolean {
    const token = this.tokens[this.at];
    if (token?.type === 'word' && token.text.toUpperCase() === word) {
      this.at += 1;
      return true;
    }
    return false;
  }
  keywords(...words: string[]): boolean {
    const start = this.at;
    for (const word of words) {
      if (!this.keyword(word)) {
        this.at = start;
        return false;
      }
    }
    return true;
  }
  expect(...words: string[]): void {
    if (!this.keywords(...words)) throw new SyntaxError(`expected ${words.join(' ')}`);
  }
  name(): string {
    const token = this.tokens[this.at];
    if (token?.type !== 'word' && token?.type !== 'quoted') throw new SyntaxError('expected a name');
    this.at += 1;
    return token.text;
  }
  string(): string {
    const token = this.tokens[this.at];
    if (token?.type !== 'string') throw new SyntaxError('expected a string');
    this.at += 1;
    return token.text;
  }
  nameOrString(): string {
    return this.tokens[this.at]?.type === 'string' ? this.string() : this.name();
  }
  number(): number {
    const token = this.tokens[this.at];
    if (token?.type !== 'number') throw new SyntaxError('expected a number');
    this.at += 1;
    return Number(token.text);
  }
  punct(text: string): boolean {
    if (this.tokens[this.at]?.type === 'punct' && this.tokens[this.at]?.text === text) {
      this.at += 1;
      return true;
    }
    return false;
  }
  expectPunct(text: string): void {
    if (!this.punct(text)) throw new SyntaxError(`expected ${text}`);
  }
  done(): boolean {
    return this.at === this.tokens.length;
  }
}

type Selector = { kind: 'time' | 'name' | 'id'; value: string; database?: string };

function selectorOf(p: Parser): Selector {
  const kind = p.keyword('SNAPSHOT_TIME') ? 'time' : p.keyword('SNAPSHOT_NAME') ? 'name' : p.keyword('SNAPSHOT_ID') ? 'id' : undefined;
  if (!kind) throw new SyntaxError('expected SNAPSHOT_TIME, SNAPSHOT_NAME or SNAPSHOT_ID');
  const value = p.string();
  let database: string | undefined;
  if (p.punct(',')) {
    p.expect('DATABASE_NAME');
    if (kind === 'name') throw new Error('Binder Error: DATABASE_NAME cannot be combined with SNAPSHOT_NAME');
    database = p.string();
  }
  return { kind, value, database };
}

/** The MotherDuck statements the stand-in knows, parsed; undefined for anything DuckDB itself runs. */
type Statement =
  | { kind: 'create-snapshot'; name: string | null; database: string }
  | { kind: 'clone'; name: string; from?: string; selector?: Selector; ifNotExists: boolean }
  | { kind: 'set-snapshot'; database: string; selector: Selector }
  | { kind: 'retention'; database: string; days: number }
  | { kind: 'overwrite'; from: string; to: string; selector?: Selector }
  | { kind: 'rename-snapshot'; database: string; name: string; newName: string }
  | { kind: 'drop'; database: string; ifExists: boolean }
  | { kind: 'undrop'; database: string };

function parseStatement(sql: string): Statement | undefined {
  const p = new Parser(tokenize(sql));
  let statement: Statement | undefined;
  if (p.keywords('CREATE', 'SNAPSHOT')) {
    const name = p.keyword('OF') ? null : p.nameOrString();
    if (name !== null) p.expect('OF');
    statement = { kind: 'create-snapshot', name, database: p.name() };
  } else if (p.keywords('CREATE', 'DATABASE')) {
    const ifNotExists = p.keywords('IF', 'NOT', 'EXISTS');
    const name = p.name();
    const from = p.keyword('FROM') ? p.name() : undefined;
    let selector: Selector | undefined;
    if (from && p.punct('(')) {
      selector = selectorOf(p);
      p.expectPunct(')');
    }
    statement = { kind: 'clone', name, from, selector, ifNotExists };
  } else if (p.keywords('ALTER', 'SNAPSHOT')) {
    // The selector <database>.<name> only: the one the bot writes.
    const database = p.name();
    p.expectPunct('.');
    const name = p.name();
    p.expect('SET', 'SNAPSHOT_NAME');
    p.expectPunct('=');
    statement = { kind: 'rename-snapshot', database, name, newName: p.string() };
  } else if (p.keywords('ALTER', 'DATABASE')) {
    const database = p.name();
    p.expect('SET');
    if (p.keywords('SNAPSHOT', 'TO')) {
      p.expectPunct('(');
      const selector = selectorOf(p);
      p.expectPunct(')');
      statement = { kind: 'set-snapshot', database, selector };
    } else {
      p.expect('SNAPSHOT_RETENTION_DAYS');
      p.expectPunct('=');
      statement = { kind: 'retention', database, days: p.number() };
    }
  } else if (p.keywords('COPY', 'FROM', 'DATABASE')) {
    const from = p.name();
    p.expectPunct('(');
    p.expect('OVERWRITE');
    const selector = p.punct(',') ? selectorOf(p) : undefined;
    p.expectPunct(')');
    p.expect('TO');
    statement = { kind: 'overwrite', from, to: p.name(), selector };
  } else if (p.keywords('DROP', 'DATABASE')) {
    const ifExists = p.keywords('IF', 'EXISTS');
    statement = { kind: 'drop', database: p.name(), ifExists };
  } else if (p.keywords('UNDROP', 'DATABASE')) {
    statement = { kind: 'undrop', database: p.name() };
  } else {
    return undefined;
  }
  if (!p.done()) throw new SyntaxError('unexpected text after the statement');
  return statement;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;
/** To the millisecond: MotherDuck's created_ts is a TIMESTAMP, so two snapshots may fall in the same second. */
const utc = (date: Date) => date.toISOString().slice(0, 23).replace('T', ' ');
const dayMs = 86_400_000;

export interface MotherDuckStandInOptions {
  /** The database the target connects to (md:<database>). */
  database?: string;
  clock?: () => Date;
  /** Retention of automatic snapshots for databases made from now on, in days (MotherDuck's Business default: 7). */
  retentionDays?: number;
  user?: string;
  /** The organization's plan, as md_user_info() gives it (business, lite, …): on lite a named snapshot is refused. */
  orgType?: string;
}

export class MotherDuckStandIn implements DatabaseTarget {
  readonly name = 'motherduck' as const;
  readonly database: string;
  readonly label: string;
  readonly lockKey: string;
  /** Every statement sent through a session, in order, with its bound values. */
  readonly sent: SentStatement[] = [];
  private readonly databases: Database[] = [];
  private readonly snapshots: Snapshot[] = [];
  private readonly failures: { match: RegExp; message: string; after?: boolean; fault?: boolean }[] = [];
  private readonly holds: { match: RegExp; reached: () => void; released: Promise<void> }[] = [];
  private readonly clock: () => Date;
  private retentionDays: number;
  readonly user: string;
  /** What md_user_info() says of the organization's plan; change it with setOrgType. */
  orgType: string;

  constructor(
    private readonly dir: string,
    options: MotherDuckStandInOptions = {},
  ) {
    this.database = options.database ?? 'databox';
    this.label = `md:${this.database}`;
    this.lockKey = this.label;
    this.clock = options.clock ?? (() => new Date());
    this.retentionDays = options.retentionDays ?? 7;
    this.user = options.user ?? 'ops@databox.invalid';
    this.orgType = options.orgType ?? 'business';
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  }

  /** The SQL text of every statement sent, in order. */
  sql(): string[] {
    return this.sent.map((s) => s.sql);
  }

  // ── Test set-up: these do not go through a session and are not recorded ──

  /** Creates a database whose contents `setupSql` makes, with an automatic snapshot at `at`. */
  async createDatabase(name: string, setupSql: string, at: Date = this.clock()): Promise<void> {
    const db = this.newDatabase(name, at);
    await runOnFile(db.file, setupSql);
    this.takeSnapshot(db, null, at);
  }

  /** Creates a database whose file `fill` writes (a scenario's data made by a helper for local files), with an automatic snapshot at `at`. */
  async createDatabaseFrom(name: string, fill: (file: string) => Promise<void>, at: Date = this.clock()): Promise<void> {
    const db = this.newDatabase(name, at);
    await fill(db.file);
    this.takeSnapshot(db, null, at);
  }

  /** Changes a database outside any session (the bad write of a scenario) and takes the automatic snapshot MotherDuck would. */
  async write(name: string, sql: string, at: Date = this.clock()): Promise<void> {
    const db = this.live(name);
    await runOnFile(db.file, sql);
    this.takeSnapshot(db, null, at);
  }

  /** A count (or any single value) read straight from a database's file, for assertions. */
  async value(name: string, sql: string): Promise<unknown> {
    return (await runOnFile(this.live(name).file, sql)).rows[0]?.[0];
  }

  /** The organization moved to another plan (Lite: no named snapshots). */
  setOrgType(orgType: string): void {
    this.orgType = orgType;
  }

  setRetentionDays(name: string, days: number): void {
    this.live(name).retentionDays = days;
  }

  /** The next statement matching `match` fails with `message` (a swap that breaks half-way). */
  failWhen(match: RegExp, message: string): void {
    this.failures.push({ match, message });
  }

  /**
   * The next statement matching `match` is applied, then fails with `message`: the change happened but the bot is told
   * it did not (a connection lost after MotherDuck committed), so only a rollback can undo it.
   */
  failAfter(match: RegExp, message: string): void {
    this.failures.push({ match, message, after: true });
  }

  /**
   * The next statement matching `match` is applied, then the driver throws a TypeError with `message`: a fault on the
   * bot's side (reading an answer that is not there), after MotherDuck made the change.
   */
  faultAfter(match: RegExp, message: string): void {
    this.failures.push({ match, message, after: true, fault: true });
  }

  /**
   * The next statement matching `match` waits until `release` is called (a plan that is still running); `reached`
   * resolves when it starts waiting.
   */
  holdWhen(match: RegExp): { reached: Promise<void>; release: () => void } {
    let reachedNow: () => void = () => undefined;
    let release: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (reachedNow = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ match, reached: reachedNow, released });
    return { reached, release };
  }

  liveDatabases(): string[] {
    return this.databases.filter((d) => !d.droppedAt).map((d) => d.name);
  }

  namedSnapshots(): string[] {
    return this.snapshots.filter((s) => s.name !== null).map((s) => s.name as string);
  }

  // ── The target ──

  /** Sessions may always write: MotherDuck has no read-only md: connection; the runbook's schema keeps diagnoses read-only. */
  async open(_options: { writable: boolean }): Promise<TargetSession> {
    // md:<database> with no such database (dropped, say) fails to connect: DuckDB's words for a database it cannot
    // USE, read as the real target reads an error connecting (connectProblem).
    if (!this.exists(this.database)) throw connectProblem(new Error(`Catalog Error: SET schema: No catalog + schema named "${this.database}" found.`), this.database, (text) => text);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // As the real target's connection is set up (not a statement it sends): UTC days, source_day defined.
    await useUtcDays(connection);
    const session = new StandInSession(this, connection);
    await session.attachAll();
    return {
      run: (sql, params = []) => this.record(sql, params, () => session.run(sql, params)),
      interrupt: () => connection.interrupt(),
      close: async () => {
        connection.closeSync();
        instance.closeSync();
      },
    };
  }

  private async record(sql: string, params: readonly unknown[], run: () => Promise<QueryResult>): Promise<QueryResult> {
    const entry: SentStatement = { sql, params: [...params] };
    this.sent.push(entry);
    try {
      const hold = this.holds.findIndex((h) => h.match.test(sql));
      if (hold >= 0) {
        const [held] = this.holds.splice(hold, 1);
        held?.reached();
        await held?.released;
      }
      const failure = this.failures.findIndex((f) => f.match.test(sql));
      if (failure >= 0) {
        const [{ message, after, fault }] = this.failures.splice(failure, 1) as [{ match: RegExp; message: string; after?: boolean; fault?: boolean }];
        if (after) await run();
        throw fault ? new TypeError(message) : new Error(message);
      }
      return await run();
    } catch (error) {
      entry.error = (error as Error).message;
      throw error;
    }
  }

  // ── State the session works on ──

  live(name: string): Database {
    const db = this.databases.find((d) => !d.droppedAt && d.name.toLowerCase() === name.toLowerCase());
    if (!db) throw new Error(`Catalog Error: database "${name}" does not exist`);
    return db;
  }

  exists(name: string): boolean {
    return this.databases.some((d) => !d.droppedAt && d.name.toLowerCase() === name.toLowerCase());
  }

  liveList(): Database[] {
    return this.databases.filter((d) => !d.droppedAt);
  }

  newDatabase(name: string, at: Date): Database {
    if (this.exists(name)) throw new Error(`Catalog Error: database "${name}" already exists`);
    const db: Database = { id: randomUUID(), name, file: path.join(this.dir, 'files', `${randomUUID()}.duckdb`), createdTs: at, retentionDays: this.retentionDays };
    this.databases.push(db);
    return db;
  }

  now(): Date {
    return this.clock();
  }

  takeSnapshot(db: Database, name: string | null, at: Date = this.clock()): Snapshot {
    if (name !== null && this.snapshots.some((s) => s.name === name)) throw new Error(`Binder Error: a snapshot named "${name}" already exists`);
    const snapshot: Snapshot = { id: randomUUID(), databaseId: db.id, databaseName: db.name, name, createdTs: at, file: path.join(this.dir, 'files', `${randomUUID()}.snapshot.duckdb`) };
    fs.copyFileSync(db.file, snapshot.file);
    this.snapshots.push(snapshot);
    return snapshot;
  }

  /**
   * Named snapshots always; a database's newest (its active state); an automatic one while it has been replaced for
   * less than the retention, as MotherDuck keeps them ("retained after becoming inactive"): its successor is recent.
   */
  restorable(): Snapshot[] {
    const now = this.clock().getTime();
    return this.snapshots.filter((s) => {
      if (s.name !== null) return true;
      const db = this.databases.find((d) => d.id === s.databaseId) as Database;
      const later = this.snapshots
        .filter((o) => o.databaseId === s.databaseId && o !== s && (o.createdTs > s.createdTs || (o.createdTs.getTime() === s.createdTs.getTime() && this.snapshots.indexOf(o) > this.snapshots.indexOf(s))))
        .sort((a, b) => a.createdTs.getTime() - b.createdTs.getTime());
      const replacedAt = later[0]?.createdTs.getTime();
      return replacedAt === undefined || replacedAt >= now - db.retentionDays * dayMs;
    });
  }

  select(sourceName: string, selector: Selector): Snapshot {
    const candidates = this.restorable();
    if (selector.kind === 'name') {
      const found = candidates.find((s) => s.name === selector.value);
      if (!found) throw new Error(`Binder Error: no snapshot named "${selector.value}"`);
      return found;
    }
    if (selector.kind === 'id') {
      const found = candidates.find((s) => s.id === selector.value.toLowerCase());
      if (!found) throw new Error(`Binder Error: no snapshot with id ${selector.value}`);
      return found;
    }
    const at = Date.parse(`${selector.value.replace(' ', 'T')}Z`);
    if (Number.isNaN(at)) throw new Error(`Conversion Error: invalid timestamp "${selector.value}"`);
    const source = this.databases.find((d) => d.name.toLowerCase() === (selector.database ?? sourceName).toLowerCase() && !d.droppedAt);
    if (!source) throw new Error(`Catalog Error: database "${selector.database ?? sourceName}" does not exist`);
    const found = candidates
      .filter((s) => s.databaseId === source.id && s.createdTs.getTime() <= at)
      .sort((a, b) => b.createdTs.getTime() - a.createdTs.getTime())[0];
    if (!found) throw new Error(`Invalid Input Error: no snapshot of "${source.name}" at or before ${selector.value} is within its retention`);
    return found;
  }

  /** ALTER SNAPSHOT: a new name, or none ('') so the retention keeps it as an automatic one. */
  renameSnapshot(database: string, name: string, newName: string): void {
    const snapshot = this.snapshots.find((s) => s.name === name && s.databaseName.toLowerCase() === database.toLowerCase());
    if (!snapshot) throw new Error(`Binder Error: no snapshot named "${name}" of database "${database}"`);
    if (newName !== '' && this.snapshots.some((s) => s.name === newName)) throw new Error(`Binder Error: a snapshot named "${newName}" already exists`);
    snapshot.name = newName === '' ? null : newName;
  }

  drop(db: Database): void {
    db.droppedAt = this.clock();
  }

  undrop(name: string): Database {
    if (this.exists(name)) throw new Error(`Catalog Error: database "${name}" already exists`);
    const now = this.clock().getTime();
    const db = this.databases
      .filter((d) => d.droppedAt && d.name.toLowerCase() === name.toLowerCase() && (d.droppedAt as Date).getTime() >= now - d.retentionDays * dayMs)
      .at(-1);
    if (!db) throw new Error(`Catalog Error: no dropped database "${name}" within retention`);
    delete db.droppedAt;
    return db;
  }

  informationSchemaRows(): { snapshots: unknown[][]; databases: unknown[][] } {
    return {
      snapshots: this.restorable().map((s) => [s.databaseName, s.databaseId, s.id, s.name, utc(s.createdTs), fs.statSync(s.file).size, this.user]),
      databases: this.liveList().map((d) => [d.name, d.id, utc(d.createdTs), d.retentionDays]),
    };
  }
}

/** One session: the live databases attached under their names, md_information_schema answered from the stand-in's state. */
class StandInSession {
  constructor(
    private readonly md: MotherDuckStandIn,
    private readonly connection: DuckDBConnection,
  ) {}

  async attachAll(): Promise<void> {
    await this.connection.run(`ATTACH ':memory:' AS md_information_schema`);
    await this.connection.run(`CREATE TABLE md_information_schema.database_snapshots (database_name VARCHAR, database_id UUID, snapshot_id UUID, snapshot_name VARCHAR,
      created_ts TIMESTAMP, active_bytes UBIGINT, bytes_written UBIGINT, bytes_deleted UBIGINT, user_name VARCHAR, user_id UUID)`);
    await this.connection.run(`CREATE TABLE md_information_schema.databases (name VARCHAR, uuid VARCHAR, created_ts TIMESTAMP, transient BOOLEAN,
      historical_snapshot_retention INTERVAL, type VARCHAR)`);
    // MotherDuck's MD_USER_INFO(): one row of account facts, org_type the organization's plan.
    await this.connection.run(
      `CREATE TEMP MACRO md_user_info() AS TABLE SELECT 'user-0001' AS user_id, ${sqlString(this.md.user)} AS username, 'org-0001' AS org_id, 'databox' AS org_name, ${sqlString(this.md.orgType)} AS org_type, 'us-east-1' AS region`,
    );
    for (const db of this.md.liveList()) await this.attach(db.name, db.file);
    await this.connection.run(`USE ${quote(this.md.database)}`);
  }

  private async attach(name: string, file: string): Promise<void> {
    await this.connection.run(`ATTACH ${sqlString(file)} AS ${quote(name)}`);
  }

  /** Runs `work` with these databases detached (their files closed and whole), then attaches what is live again. */
  private async detached<T>(names: string[], work: () => T): Promise<T> {
    const attached = new Set(((await this.connection.runAndReadAll('SELECT database_name FROM duckdb_databases() WHERE NOT internal')).getRowsJson() as string[][]).map((r) => (r[0] as string).toLowerCase()));
    const current = this.md.database;
    await this.connection.run('USE md_information_schema');
    for (const name of names) if (attached.has(name.toLowerCase())) await this.connection.run(`DETACH ${quote(name)}`);
    try {
      return work();
    } finally {
      for (const name of names) if (this.md.exists(name)) await this.attach(this.md.live(name).name, this.md.live(name).file);
      if (this.md.exists(current)) await this.connection.run(`USE ${quote(current)}`);
    }
  }

  async run(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    let statement: Statement | undefined;
    try {
      statement = parseStatement(sql);
    } catch (error) {
      throw new Error(`Parser Error: ${(error as Error).message} in: ${sql}`);
    }
    if (statement) {
      await this.interpret(statement);
      return { columns: [], rows: [] };
    }
    if (/md_information_schema/i.test(sql)) await this.refreshInformationSchema();
    const reader = await this.connection.runAndReadAll(sql, params.length > 0 ? (params as never) : undefined);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
  }

  private async refreshInformationSchema(): Promise<void> {
    const { snapshots, databases } = this.md.informationSchemaRows();
    await this.connection.run('DELETE FROM md_information_schema.database_snapshots');
    await this.connection.run('DELETE FROM md_information_schema.databases');
    for (const [name, dbId, id, snapshotName, created, bytes, user] of snapshots) {
      await this.connection.run(
        `INSERT INTO md_information_schema.database_snapshots VALUES ($1, $2::UUID, $3::UUID, $4, $5::TIMESTAMP, $6, 0, 0, $7, gen_random_uuid())`,
        [name, dbId, id, snapshotName, created, bytes, user] as never,
      );
    }
    for (const [name, id, created, days] of databases) {
      await this.connection.run(`INSERT INTO md_information_schema.databases VALUES ($1, $2, $3::TIMESTAMP, false, to_days($4::INTEGER), 'default')`, [name, id, created, days] as never);
    }
  }

  private async interpret(s: Statement): Promise<void> {
    const md = this.md;
    switch (s.kind) {
      case 'create-snapshot': {
        // Named snapshots are a Business-plan feature (MotherDuck's "Snapshot options per plan"); the wording is the stand-in's.
        if (s.name !== null && /^lite/i.test(md.orgType)) throw new Error('Invalid Input Error: named snapshots are not available on the Lite plan');
        const db = md.live(s.database);
        await this.detached([db.name], () => md.takeSnapshot(db, s.name));
        return;
      }
      case 'clone': {
        if (s.ifNotExists && md.exists(s.name)) return;
        if (!s.from) {
          const db = md.newDatabase(s.name, md.now());
          await runOnFile(db.file, 'SELECT 1');
          md.takeSnapshot(db, null);
          await this.attach(db.name, db.file);
          return;
        }
        const source = md.live(s.from);
        const fromSnapshot = s.selector && md.select(source.name, s.selector);
        const clone = md.newDatabase(s.name, md.now());
        await this.detached([source.name], () => fs.copyFileSync(fromSnapshot ? fromSnapshot.file : source.file, clone.file));
        md.takeSnapshot(clone, null);
        await this.attach(clone.name, clone.file);
        return;
      }
      case 'set-snapshot': {
        const target = md.live(s.database);
        const snapshot = md.select(target.name, s.selector);
        await this.detached([target.name], () => {
          fs.copyFileSync(snapshot.file, target.file);
          md.takeSnapshot(target, null);
        });
        return;
      }
      case 'overwrite': {
        const source = md.live(s.from);
        const target = md.live(s.to);
        const snapshot = s.selector && md.select(source.name, s.selector);
        await this.detached([source.name, target.name], () => {
          fs.copyFileSync(snapshot ? snapshot.file : source.file, target.file);
          md.takeSnapshot(target, null);
        });
        return;
      }
      case 'rename-snapshot':
        md.renameSnapshot(s.database, s.name, s.newName);
        return;
      case 'retention':
        md.setRetentionDays(s.database, s.days);
        return;
      case 'drop': {
        if (s.ifExists && !md.exists(s.database)) return;
        const db = md.live(s.database);
        if (db.name.toLowerCase() === md.database.toLowerCase()) throw new Error(`Binder Error: cannot drop the database you are connected to (${db.name})`);
        await this.detached([db.name], () => md.drop(db));
        return;
      }
      case 'undrop': {
        const db = md.undrop(s.database);
        await this.attach(db.name, db.file);
        return;
      }
    }
  }
}

/** Runs SQL on one database file on its own (set-up and assertions), returning the last statement's rows. */
async function runOnFile(file: string, sql: string): Promise<QueryResult> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * SQL that makes each of `tables` (schema.table) with `rows` rows, ids 0 … rows − 1: the marts a test database holds,
 * each row's `day_date` one of the ten days up to `newestDaysAgo` days before today (today: every mart within its SLA).
 */
export function createTablesSql(tables: readonly string[], rows = 100, newestDaysAgo = 0): string {
  return tables
    .map((t) => `CREATE SCHEMA IF NOT EXISTS ${t.split('.')[0]}; CREATE TABLE ${t} AS SELECT range AS id, current_date - ${newestDaysAgo} - (range % 10)::INTEGER AS day_date FROM range(${rows});`)
    .join(' ');
}
