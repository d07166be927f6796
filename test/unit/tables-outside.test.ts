// Tests which tables of a DuckDB file a rebuild would not bring back (src/duckdb/tables-outside.ts), and how path A's plan says them (move-step.ts).
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { tablesOutside } from '../../src/duckdb/tables-outside.js';
import { fileAt } from '../../src/disk/file-identity.js';
import { describeStep } from '../../src/engine/describe.js';
import { stepKind } from '../../src/engine/steps/index.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-tables-outside-');
const rebuilt = ['raw_ebird', 'ebird', 'sqlmesh__*'];

async function fileWith(sql: string): Promise<string> {
  const file = path.join(tempDir(), 'databox.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
  return file;
}

const moveStep = (from: string, outsideRebuilt: object) => ({ id: 'move_db', title: 'Back up', kind: 'move', from, to: `${from}.broken`, rebuiltSchemas: rebuilt, outsideRebuilt }) as never;
const warning = (from: string, outsideRebuilt: object) => stepKind('move').planWarning?.(moveStep(from, outsideRebuilt));
/** The move's text as the plan shows it. */
const described = (from: string, outsideRebuilt: object) => describeStep(moveStep(from, outsideRebuilt), '/nowhere');

describe('the tables a rebuild would not bring back', () => {
  it('are those outside its schemas (a * standing for any characters, case aside); the warning names the first 10, the move\'s step every one', async () => {
    const extra = Array.from({ length: 12 }, (_, i) => `CREATE TABLE finance.t${String(i).padStart(2, '0')} (x INT);`).join(' ');
    const file = await fileWith(`CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.obs (x INT); CREATE SCHEMA "SQLMesh__Ebird"; CREATE TABLE "SQLMesh__Ebird".p (x INT); CREATE SCHEMA finance; ${extra} CREATE VIEW main.by_hand AS SELECT 1 AS x;`);
    const outside = await tablesOutside(localTarget(file), rebuilt);
    const all = [...Array.from({ length: 12 }, (_, i) => `finance.t${String(i).padStart(2, '0')}`), 'main.by_hand'];
    // Before: only the first 10 were kept, and the other 3 were named nowhere.
    expect(outside).toEqual({ names: all, count: 13 });
    expect(warning(file, outside)).toContain(`13 tables and views of ${file} are outside the schemas the rebuild makes again (raw_ebird, ebird, sqlmesh__*), so it will not bring them back: finance.t00,`);
    expect(warning(file, outside)).toContain('finance.t09, … and 3 more, every one named in this plan\'s step "Back up". After this plan they are only in the file it moves aside');
    expect(described(file, outside)).toContain(['', `-- outside the schemas the rebuild makes again, after this only in ${file}.broken (13):`, ...all.map((name) => `--   ${name}`)].join('\n'));
  });

  it('keeps up to 1,000 names for the plan, counting the rest and saying how to list them', async () => {
    const tables = Array.from({ length: 1_003 }, (_, i) => `CREATE TABLE finance.t${String(i).padStart(4, '0')} (x INT);`).join(' ');
    const file = await fileWith(`CREATE SCHEMA finance; ${tables}`);
    const outside = await tablesOutside(localTarget(file), rebuilt);
    expect(outside).toMatchObject({ count: 1_003 });
    expect('names' in outside && outside.names).toHaveLength(1_000);
    expect(described(file, outside)).toContain(`--   finance.t0999\n-- … and 3 more, not kept in the plan: list them in ${file}.broken afterwards (duckdb_tables(), duckdb_views())`);
  });

  it('quotes a name that is one of DuckDB\'s keywords, as the scan does, so it reads as one table and pastes into SQL', async () => {
    const file = await fileWith(`CREATE SCHEMA "select"; CREATE TABLE "select"."table" (x INT); CREATE TABLE main.orders (x INT);`);
    // Before: select.table, which reads as SQL keywords rather than a table's name.
    expect(await tablesOutside(localTarget(file), rebuilt)).toEqual({ names: ['main.orders', '"select"."table"'], count: 2 });
  });

  it('names the macros, table macros, sequences and enum types made by hand outside its schemas too, each with its kind: a rebuild makes none of them', async () => {
    const file = await fileWith(`
      CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.obs (x INT); CREATE MACRO raw_ebird.in_rebuilt(x) AS x;
      CREATE MACRO main.add1(x) AS x + 1, (x, y) AS x + y;
      CREATE MACRO main.tbl_m() AS TABLE SELECT 1 AS a;
      CREATE SEQUENCE main.seq1;
      CREATE TYPE mood AS ENUM ('a', 'b');
      CREATE TYPE "Mood Two" AS ENUM ('c');
      CREATE TABLE main.with_enum (m mood);
    `);
    const outside = await tablesOutside(localTarget(file), rebuilt);
    expect(outside).toEqual({
      names: ['main."Mood Two" (type)', 'main.add1 (macro)', 'main.mood (type)', 'main.seq1 (sequence)', 'main.tbl_m (table macro)', 'main.with_enum'],
      count: 6,
      others: 5,
    });
    expect(warning(file, outside)).toContain(`6 tables, views, macros, sequences and types of ${file} are outside the schemas the rebuild makes again (raw_ebird, ebird, sqlmesh__*), so it will not bring them back: main."Mood Two" (type), main.add1 (macro),`);
  });

  it('says a lone macro outside its schemas as such', async () => {
    const file = await fileWith('CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.obs (x INT); CREATE MACRO main.add1(x) AS x + 1;');
    const outside = await tablesOutside(localTarget(file), rebuilt);
    expect(warning(file, outside)).toContain(`1 macro, sequence or type of ${file} is outside the schemas the rebuild makes again (raw_ebird, ebird, sqlmesh__*), so it will not bring it back: main.add1 (macro).`);
  });

  it('is said not listed, the plan going on, when the read does not answer in time (storage that hangs)', async () => {
    const file = path.join(tempDir(), 'hung.duckdb');
    // Storage that never answers: the open is left waiting for good, as on a hung network mount.
    const hung = { ...localTarget(file), open: () => new Promise<never>(() => {}) };
    const outside = await tablesOutside(hung, rebuilt, 50);
    expect(outside).toEqual({ unlisted: expect.stringMatching(/^a read of its catalog started at \d\d:\d\d:\d\d UTC has not returned: the storage under it does not answer/) });
    expect(warning(file, outside)).toContain(`The tables of ${file} could not be listed as this plan was made (a read of its catalog`);
  });

  it('is said not listed, with why, of a file that does not open', async () => {
    const file = path.join(tempDir(), 'not.duckdb');
    fs.writeFileSync(file, 'not a database at all, just text');
    const outside = await tablesOutside(localTarget(file), rebuilt);
    expect(outside).toHaveProperty('unlisted');
    expect(warning(file, outside)).toMatch(new RegExp(`^The tables of ${file.replace(/[.]/g, '\\.')} could not be listed as this plan was made \\(.+\\): any outside the schemas the rebuild makes again \\(raw_ebird, ebird, sqlmesh__\\*\\) will be only in the file this plan moves aside, .*\\.broken\\.$`));
  });
});

describe("path A's plan on an empty database file (0 bytes)", () => {
  it('warns of no table that could not be listed: an empty file has none to list, and the rebuild loses none', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    fs.writeFileSync(file, '');
    const kind = stepKind('move');
    const step = { id: 'move_db', title: 'Back up', kind: 'move', from: file, to: `${file}.broken`, rebuiltSchemas: rebuilt, asPlanned: fileAt(file) };
    const planned = await kind.readWhenPlanned?.(step as never, { target: () => localTarget(file) } as never);
    expect(kind.planWarning?.(planned as never)).toBeUndefined();
  });
});

describe("path A's plan on a text file at the database's path", () => {
  it('says in the diagnosis\' words that it is not a DuckDB database file, with no tables to list, never DuckDB\'s error on opening it', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    fs.writeFileSync(file, 'hello, just text\n');
    const kind = stepKind('move');
    const step = { id: 'move_db', title: 'Back up', kind: 'move', from: file, to: `${file}.broken`, rebuiltSchemas: rebuilt, asPlanned: fileAt(file) };
    const planned = await kind.readWhenPlanned?.(step as never, { target: () => localTarget(file) } as never);
    // Before: "The tables of … could not be listed as this plan was made (IO Error: … not a valid DuckDB database file!)".
    expect(kind.planWarning?.(planned as never)).toBeUndefined();
    const text = describeStep(planned as never, '/nowhere');
    expect(text).not.toContain('IO Error');
    expect(text).toContain('\n-- not a DuckDB database file: it looks like a text file, so it holds no tables to list, and none the rebuild would not bring back');
  });
});
