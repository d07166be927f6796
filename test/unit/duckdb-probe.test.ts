// Tests probeOpen, classifyOpenError (src/duckdb/probe.ts), scanTables (src/duckdb/scan.ts) and endsEarly on real healthy, damaged, missing and locked DuckDB files.
import { escapeRegExp } from '../support/escape-regexp.js';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../../src/duckdb/open.js';
import { classifyOpenError, heldByAnother, probeOpen, type OpenResult } from '../../src/duckdb/probe.js';
import { scanTables, type ScanProgress } from '../../src/duckdb/scan.js';
import { checkUnreadBlocks, duckdbChecksum } from '../../src/duckdb/block-checksums.js';
import { endsEarly } from '../../src/duckdb/ends-early.js';
import { createDatabaseWithDamagedIndex, createDatabaseWithDamagedWal, createDatabaseWithForeignWal, createTruncatedDatabase } from '../helpers/databox-checkout.js';
import { createDuckdbFile, projectRoot, scriptsDir, useTempDirs } from '../support/fixtures.js';
import { holderReady } from '../helpers/holder-ready.js';

const tempDir = useTempDirs('databox-duckdb-');
const rowsPerTable = 200_000;
let dir: string;
let healthy: string;

/** A copy of the healthy database under a new name, to damage. */
function copyOfHealthy(name: string): string {
  const file = path.join(dir, name);
  fs.copyFileSync(healthy, file);
  return file;
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(async () => {
  dir = tempDir();
  healthy = path.join(dir, 'healthy.duckdb');
  await createDuckdbFile(healthy, { raw_ebird: rowsPerTable, raw_noaa: rowsPerTable });
});

describe('a healthy file', () => {
  it('opens read-only', async () => {
    const opened = await probeOpen(healthy);
    expect(opened.status).toBe('ok');
    expect(opened.message).toBe(`opened read-only and ran SELECT 1 (${fs.statSync(healthy).size} bytes)`);
    expect(opened.holderPid).toBeUndefined();
  });

  it('reads every table in full, reporting rows and progress', async () => {
    const progress: ScanProgress[] = [];
    const scan = await scanTables(healthy, { timeoutMs: 30_000, onProgress: (p) => progress.push(p) });
    expect(scan).toEqual({
      status: 'ok',
      tables: [
        { table: 'main.raw_ebird', rows: rowsPerTable },
        { table: 'main.raw_noaa', rows: rowsPerTable },
      ],
      views: [],
      total: 2,
      schemas: ['main'],
      relations: [
        { schema: 'main', name: 'raw_ebird' },
        { schema: 'main', name: 'raw_noaa' },
      ],
      message: `read all 2 tables in full (${2 * rowsPerTable} rows)`,
      // The values themselves: duckdb-read-limits.test.ts.
      settings: { threads: expect.any(Number), memoryLimit: expect.any(String) },
      // The tables' own blocks passed DuckDB's checksum as they were read: only DuckDB's metadata block is left.
      blocks: { checked: 1, failed: [], freeBlocks: 0, pastEnd: 0, mayBeFree: false },
    });
    expect(progress).toEqual([
      { done: 0, total: 2, current: 'main.raw_ebird', rows: 0 },
      { done: 1, total: 2, current: 'main.raw_noaa', rows: rowsPerTable },
      { done: 2, total: 2, rows: 2 * rowsPerTable },
    ]);
  });

  it('is left byte for byte as it was, with no write-ahead log created', async () => {
    const before = sha256(healthy);
    await probeOpen(healthy);
    await scanTables(healthy, { timeoutMs: 30_000 });
    expect(sha256(healthy)).toBe(before);
    expect(fs.existsSync(`${healthy}.wal`)).toBe(false);
  });

  it('reports a timeout when the full read runs out of time', async () => {
    const scan = await scanTables(healthy, { timeoutMs: 1 });
    expect(scan.status).toBe('timeout');
    expect(scan.tables.every((t) => !t.error)).toBe(true);
    expect(scan.tables.length).toBeLessThan(2);
  });
});

describe('a valid file with no tables', () => {
  it('opens, and its full read ends "empty", never "read all 0 tables"', async () => {
    const file = path.join(dir, 'empty.duckdb');
    (await DuckDBInstance.create(file)).closeSync();
    expect((await probeOpen(file)).status).toBe('ok');
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan).toMatchObject({ status: 'empty', tables: [], total: 0, schemas: [], message: 'the file holds no tables' });
  });
});

describe('views', () => {
  async function withSql(name: string, sql: string): Promise<string> {
    const file = path.join(dir, name);
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(sql);
    connection.closeSync();
    instance.closeSync();
    return file;
  }

  it('binds every view once the tables have read: one of SQLMesh\'s production views that does not ends "broken-views"', async () => {
    const file = await withSql(
      'views.duckdb',
      [
        'CREATE SCHEMA sqlmesh__ebird; CREATE TABLE sqlmesh__ebird.daily__1 AS SELECT 1 AS a, 2 AS b; CREATE TABLE sqlmesh__ebird.gone__2 AS SELECT 1 AS a',
        'CREATE SCHEMA ebird; CREATE VIEW ebird.daily AS SELECT a, b FROM sqlmesh__ebird.daily__1; CREATE VIEW ebird."odd ""name"" v" AS SELECT * FROM sqlmesh__ebird.gone__2',
        // A dev environment's view and a scratch view, both broken too: named, not judged.
        'CREATE SCHEMA ebird__dev; CREATE VIEW ebird__dev.daily AS SELECT * FROM sqlmesh__ebird.gone__2; CREATE TABLE main.gone AS SELECT 1 AS a; CREATE VIEW main.scratch AS SELECT * FROM main.gone',
        'DROP TABLE sqlmesh__ebird.gone__2; DROP TABLE main.gone',
      ].join('; '),
    );
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('broken-views');
    expect(scan.views?.map((v) => [v.view, v.stack, v.error ?? 'binds'])).toEqual([
      ['ebird.daily', true, 'binds'],
      ['ebird."odd ""name"" v"', true, 'Catalog Error: Table with name gone__2 does not exist!'],
      ['ebird__dev.daily', false, 'Catalog Error: Table with name gone__2 does not exist!'],
      ['main.scratch', false, 'Catalog Error: Table with name gone does not exist!'],
    ]);
    expect(scan.message).toBe("read the one table in full (1 row), but 1 of SQLMesh's 2 production views do not bind: ebird.\"odd \"\"name\"\" v\" (Catalog Error: Table with name gone__2 does not exist!)");
  });

  it('judges a SQLMesh view whose column was dropped under it; not one that names another catalog, nor a dev or scratch view', async () => {
    const dropped = await withSql('dropped-column.duckdb', 'CREATE SCHEMA sqlmesh__noaa; CREATE TABLE sqlmesh__noaa.t__1 AS SELECT 1 AS a, 2 AS b; CREATE SCHEMA noaa; CREATE VIEW noaa.daily AS SELECT a, b FROM sqlmesh__noaa.t__1; ALTER TABLE sqlmesh__noaa.t__1 DROP COLUMN b');
    expect((await scanTables(dropped, { timeoutMs: 30_000 })).status).toBe('broken-views');
    const attached = await withSql('attached.duckdb', "CREATE TABLE t AS SELECT 1 AS a; ATTACH ':memory:' AS other; CREATE TABLE other.main.x AS SELECT 1 AS a; CREATE SCHEMA noaa; CREATE VIEW noaa.daily AS SELECT * FROM other.main.x, (SELECT 1 FROM main.t) AS sqlmesh__noaa; DETACH other");
    const elsewhere = await scanTables(attached, { timeoutMs: 30_000 });
    expect(elsewhere.status).toBe('ok');
    expect(elsewhere.message).toMatch(/; 0 of 1 view bound \(noaa\.daily: .*Catalog "other" does not exist.*: it names another catalog, so it cannot be checked here\)$/);
    const scratch = await withSql('scratch.duckdb', "CREATE TABLE t AS SELECT 1 AS a; CREATE TABLE gone AS SELECT 1 AS a; CREATE SCHEMA ebird; CREATE VIEW ebird.scratch AS SELECT a, 'see sqlmesh__ebird' AS note FROM main.gone /* like sqlmesh__ebird */; DROP TABLE gone");
    expect(await scanTables(scratch, { timeoutMs: 30_000 })).toMatchObject({ status: 'ok', message: expect.stringContaining("not one of SQLMesh's production views, so not judged") });
  });

  it('says an error many views that are not judged share once, naming each of them, not once per view', async () => {
    const copies = [0, 1, 2, 3, 4].map((i) => `CREATE SCHEMA s${i}; CREATE TABLE s${i}.gone AS SELECT 1 AS a; CREATE VIEW s${i}.v AS SELECT * FROM s${i}.gone; DROP TABLE s${i}.gone`);
    const file = await withSql('many-scratch.duckdb', ['CREATE TABLE t AS SELECT 1 AS a; CREATE TABLE other AS SELECT 1 AS a; CREATE VIEW main.w AS SELECT * FROM other; DROP TABLE other', ...copies].join('; '));
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('ok');
    expect(scan.message).toBe(
      "read the one table in full (1 row); 0 of 6 views bound (main.w: Catalog Error: Table with name other does not exist!: not one of SQLMesh's production views, so not judged; 5 views (s0.v, s1.v, s2.v, s3.v, s4.v): Catalog Error: Table with name gone does not exist!: not one of SQLMesh's production views, so not judged)",
    );
  });

  it('names fifty views that share an error, and says where the rest are named: each on a line of the check\'s output', async () => {
    // Two digits, so the schemas' order (by name) is the order they are made in.
    const schemas = Array.from({ length: 52 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const copies = schemas.map((s) => `CREATE SCHEMA ${s}; CREATE TABLE ${s}.gone AS SELECT 1 AS a; CREATE VIEW ${s}.v AS SELECT * FROM ${s}.gone; DROP TABLE ${s}.gone`);
    const file = await withSql('more-scratch.duckdb', ['CREATE TABLE t AS SELECT 1 AS a', ...copies].join('; '));
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    const fifty = schemas.slice(0, 50).map((s) => `${s}.v`).join(', ');
    expect(scan.message).toBe(
      `read the one table in full (1 row); 0 of 52 views bound (52 views (${fifty} and 2 more, each named in this check's output): Catalog Error: Table with name gone does not exist!: not one of SQLMesh's production views, so not judged)`,
    );
  });

  it('shows a table whose name has a space, a dot or a quote quoted as SQL writes it, so it reads as one table', async () => {
    const file = await withSql('odd-names.duckdb', `CREATE TABLE "Orders 2024" AS SELECT 1 AS a; CREATE TABLE "a.b" AS SELECT 1 AS a; CREATE SCHEMA "my schema"; CREATE TABLE "my schema"."say ""hi""" AS SELECT 1 AS a; CREATE TABLE Plain AS SELECT 1 AS a`);
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('ok');
    expect(scan.tables.map((t) => t.table).sort()).toEqual(['main."Orders 2024"', 'main."a.b"', 'main.Plain', '"my schema"."say ""hi"""'].sort());
  });

  it('shows a name that is a keyword quoted, and one holding a line break or a zero-width space quoted with it escaped: one line each', async () => {
    const file = await withSql('keyword-names.duckdb', `CREATE TABLE "select" AS SELECT 1 AS a; CREATE TABLE "two\nlines" AS SELECT 1 AS a; CREATE TABLE "a\\nb" AS SELECT 1 AS a; CREATE TABLE "eb\u200bird" AS SELECT 1 AS a; CREATE TABLE year AS SELECT 1 AS a; CREATE VIEW "from" AS SELECT 1 AS a`);
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('ok');
    // year is a keyword DuckDB lets a name be bare as; a backslash is doubled, so a\nb never reads as a line break.
    expect(scan.tables.map((t) => t.table).sort()).toEqual(['main."select"', 'main."two\\nlines"', 'main."a\\\\nb"', 'main."eb\\u200Bird"', 'main.year'].sort());
    expect(scan.views?.map((v) => v.view)).toEqual(['main."from"']);
    expect(scan.message).not.toMatch(/[\n\u200b]/);
  });

  it('names a view that fails for another reason without calling the file broken, and views in a file with no tables', async () => {
    // A view over a CSV file that has since gone: something to name, not a table of the database that is gone.
    const csv = path.join(dir, 'shapes.csv');
    fs.writeFileSync(csv, 'a\n1\n');
    const file = await withSql('file-view.duckdb', `CREATE TABLE t AS SELECT 1 AS a; CREATE VIEW shapes AS SELECT * FROM read_csv('${csv}')`);
    fs.rmSync(csv);
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('ok');
    expect(scan.views?.[0]).toMatchObject({ view: 'main.shapes', stack: false, error: expect.stringContaining('No files found') });
    expect(scan.message).toMatch(/^read the one table in full \(1 row\); 0 of 1 view bound \(main\.shapes: IO Error: No files found .*: not one of SQLMesh's production views, so not judged\)$/);
    const viewsOnly = await withSql('views-only.duckdb', 'CREATE TABLE gone AS SELECT 1 AS a; CREATE VIEW v AS SELECT * FROM gone; DROP TABLE gone');
    expect(await scanTables(viewsOnly, { timeoutMs: 30_000 })).toMatchObject({ status: 'empty', message: 'the file holds no tables (only 1 view: main.v)' });
  });
});

describe('broken files', () => {
  it('a DuckDB header over garbage: corrupt, and the scan cannot open it', async () => {
    const file = path.join(dir, 'garbage.duckdb');
    const header = Buffer.alloc(4_096);
    header.write('DUCK', 8, 'latin1');
    header.writeBigUInt64LE(64n, 12);
    fs.writeFileSync(file, Buffer.concat([header, randomBytes(64 * 1024)]));
    const opened = await probeOpen(file);
    expect(opened.status).toBe('corrupt');
    expect(opened.message).toMatch(/Corrupt database file|checksum/);
    const scan = await scanTables(file, { timeoutMs: 10_000 });
    expect(scan.status).toBe('unopenable');
    expect(scan.tables).toEqual([]);
  });

  it('a real database cut short: corrupt, and it says the file ends early, from where DuckDB read past its end', async () => {
    const file = copyOfHealthy('truncated.duckdb');
    const size = Math.floor(fs.statSync(healthy).size / 2);
    fs.truncateSync(file, size);
    const opened = await probeOpen(file);
    expect(opened.status).toBe('corrupt');
    // DuckDB's own words for it, as this DuckDB writes them: the offset it asked for, not that the file is short.
    const [, wanted, from] = /^IO Error: Could not read enough bytes from file "[^"]+truncated\.duckdb": attempted to read (\d+) bytes from location (\d+)$/.exec(opened.message) ?? [];
    expect(Number(from) + Number(wanted)).toBeGreaterThan(size);
    expect(opened.endsEarly).toBe(
      `the file ends early: ${size.toLocaleString('en')} bytes, where DuckDB reads on to byte ${(Number(from) + Number(wanted)).toLocaleString('en')}: cut short (a copy or a disk-full write stopped part-way?)`,
    );
  });

  it('a real database cut short past what it opens with: the scan names the tables that fail and says the file ends early', async () => {
    const file = path.join(dir, 'truncated-tables.duckdb');
    await createTruncatedDatabase(file);
    expect((await probeOpen(file)).status).toBe('ok');
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('damaged');
    expect(scan.tables.find((t) => t.error)?.error).toMatch(/^IO Error: Could not read enough bytes from file ".*": attempted to read \d+ bytes from location \d+$/);
    expect(scan.message).toMatch(
      new RegExp(`^\\d of 4 tables fail to read: .*; the file ends early: ${fs.statSync(file).size.toLocaleString('en')} bytes, where DuckDB reads on to byte [\\d,]+: cut short \\(a copy or a disk-full write stopped part-way\\?\\)$`),
    );
  });

  it('does not call a file cut short on a read of its write-ahead log, or one that fits in it', () => {
    const size = fs.statSync(healthy).size;
    expect(endsEarly(healthy, [`IO Error: Could not read enough bytes from file "${healthy}.wal": attempted to read 4096 bytes from location ${size}`])).toBeUndefined();
    expect(endsEarly(healthy, [`IO Error: Could not read enough bytes from file "${healthy}": attempted to read 4096 bytes from location ${size - 4096}`])).toBeUndefined();
    expect(endsEarly(healthy, [`IO Error: Could not read enough bytes from file "${healthy}": attempted to read 4096 bytes from location ${size}`])).toMatch(/^the file ends early: /);
  });

  it('one data block overwritten in the middle: opens, but the scan names the damaged table and reads the other', async () => {
    const file = copyOfHealthy('overwritten.duckdb');
    const offset = Math.floor(fs.statSync(file).size * 0.3);
    const fd = fs.openSync(file, 'r+');
    try {
      fs.writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, offset);
    } finally {
      fs.closeSync(fd);
    }
    expect((await probeOpen(file)).status).toBe('ok');

    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('damaged');
    expect(scan.total).toBe(2);
    const failed = scan.tables.filter((t) => t.error);
    const readable = scan.tables.filter((t) => !t.error);
    expect(failed).toHaveLength(1);
    expect(readable).toHaveLength(1);
    expect(failed[0]?.error).toMatch(/checksum|corrupt/i);
    expect(readable[0]?.rows).toBe(rowsPerTable);
    expect(new Set([failed[0]?.table, readable[0]?.table])).toEqual(new Set(['main.raw_ebird', 'main.raw_noaa']));
    // DuckDB's reason is in the summary, whole, not only in the output a terminal cuts to a line.
    expect(scan.message).toMatch(new RegExp(`^1 of 2 tables fail to read: ${escapeRegExp(failed[0]?.table ?? '')} \\(IO Error: Corrupt database file: computed checksum \\d+ does not match stored checksum \\d+ in block at location \\d+\\)$`));
  });
});

describe('a write-ahead log that fails to replay', () => {
  it('is told apart from a damaged file when the file alone opens, leaving nothing behind and the files as they were', async () => {
    const file = path.join(dir, 'damaged-wal', 'databox.duckdb');
    fs.mkdirSync(path.dirname(file));
    await createDatabaseWithDamagedWal(file);
    const before = [sha256(file), sha256(`${file}.wal`)];
    const opened = await probeOpen(file);
    expect(opened.status).toBe('wal-damaged');
    expect(opened.message).toMatch(/^IO Error: Failure while replaying WAL file .*\nWithout its write-ahead log, .*databox\.duckdb opens read-only as of its last checkpoint and SELECT 1 succeeds: what is damaged is .*databox\.duckdb\.wal \(\d+ bytes\), which holds the writes since that checkpoint$/s);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['databox.duckdb', 'databox.duckdb.wal']);
    expect([sha256(file), sha256(`${file}.wal`)]).toEqual(before);
  });

  it("removes a link to the file an earlier probe's stopped bot left beside it, and nothing else", async () => {
    const file = path.join(dir, 'left-links', 'databox.duckdb');
    fs.mkdirSync(path.dirname(file));
    await createDatabaseWithDamagedWal(file);
    const left = path.join(path.dirname(file), '.databox-without-wal-old1');
    fs.mkdirSync(left);
    fs.linkSync(file, path.join(left, 'databox.duckdb'));
    fs.writeFileSync(path.join(left, 'notes.txt'), 'not ours to remove');
    expect((await probeOpen(file)).status).toBe('wal-damaged');
    expect(fs.readdirSync(left)).toEqual(['notes.txt']);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['.databox-without-wal-old1', 'databox.duckdb', 'databox.duckdb.wal']);
  });

  it('tells two probes at the same moment (the watcher and a diagnosis) both that only the log is damaged', async () => {
    const file = path.join(dir, 'two-probes', 'databox.duckdb');
    fs.mkdirSync(path.dirname(file));
    await createDatabaseWithDamagedWal(file);
    for (let round = 0; round < 8; round += 1) {
      const statuses = await Promise.all([probeOpen(file), new Promise((r) => setTimeout(r, round)).then(() => probeOpen(file))]);
      expect(statuses.map((s) => s.status)).toEqual(['wal-damaged', 'wal-damaged']);
    }
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['databox.duckdb', 'databox.duckdb.wal']);
  });

  it("leaves alone the link folder of another process still running (a terminal's probe under way)", async () => {
    const file = path.join(dir, 'other-probe', 'databox.duckdb');
    fs.mkdirSync(path.dirname(file));
    await createDatabaseWithDamagedWal(file);
    const theirs = path.join(path.dirname(file), `.databox-without-wal-${process.ppid}-abc123`);
    fs.mkdirSync(theirs);
    fs.linkSync(file, path.join(theirs, 'databox.duckdb'));
    expect((await probeOpen(file)).status).toBe('wal-damaged');
    expect(fs.readdirSync(theirs)).toEqual(['databox.duckdb']);
  });

  it("says a log another database wrote is possibly that one's, in DuckDB's own lines without its native stack trace", async () => {
    const file = path.join(dir, 'foreign-wal', 'databox.duckdb');
    fs.mkdirSync(path.dirname(file));
    await createDatabaseWithForeignWal(file);
    const opened = await probeOpen(file);
    expect(opened.status).toBe('wal-damaged');
    expect(opened.foreignLog).toBe('it writes to a table this file does not have');
    expect(opened.message).toMatch(
      /^INTERNAL Error: Failure while replaying WAL file .*: Calling DatabaseManager::GetDefaultDatabase with no default database set\nThis error signals an assertion failure within DuckDB\. .*\nFor more information, see https:\/\/duckdb\.org\/\S+\nWithout its write-ahead log, .*databox\.duckdb opens read-only as of its last checkpoint and SELECT 1 succeeds: what fails to replay is .*databox\.duckdb\.wal \(\d+ bytes\), and it writes to a table this file does not have, which the file's own log never does: it is possibly another database's log/,
    );
    expect(opened.message).not.toContain('Stack Trace');
    expect(opened.message).not.toMatch(/\[0x[0-9a-f]+\]/);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['databox.duckdb', 'databox.duckdb.wal']);
  });

  it("says a log that creates what the file already has is possibly another database's, not a reason the file cannot be read", async () => {
    const file = path.join(dir, 'foreign-wal-creates', 'databox.duckdb');
    fs.mkdirSync(path.dirname(file));
    fs.copyFileSync(healthy, file);
    // Another database made alike: its log creates a table of the same name as one this file has.
    const other = path.join(dir, 'foreign-wal-creates', 'other.duckdb');
    const instance = await DuckDBInstance.create(other);
    const connection = await instance.connect();
    await connection.run("PRAGMA disable_checkpoint_on_shutdown; SET checkpoint_threshold = '1TB'; CREATE TABLE raw_ebird (id INTEGER)");
    connection.closeSync();
    instance.closeSync();
    fs.renameSync(`${other}.wal`, `${file}.wal`);
    fs.rmSync(other);
    const opened = await probeOpen(file);
    expect(opened.status).toBe('wal-damaged');
    expect(opened.foreignLog).toBe('it creates a table or schema this file already has');
    expect(opened.message).toMatch(/^Catalog Error: Failure while replaying WAL file .*: Table with name "?raw_ebird"? already exists!\nWithout its write-ahead log/);
  });

  it('stays corrupt when the file alone does not open either', async () => {
    const file = path.join(dir, 'damaged-wal-and-file', 'databox.duckdb');
    fs.mkdirSync(path.dirname(file));
    await createDatabaseWithDamagedWal(file);
    fs.truncateSync(file, 3 * 4_096 + 1_000);
    const opened = await probeOpen(file);
    expect(opened.status).toBe('corrupt');
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['databox.duckdb', 'databox.duckdb.wal']);
  });
});

describe('blocks no table is read from (block-checksums.ts)', () => {
  it("an index block overwritten inside: every table reads in full, but the scan names the block, where DuckDB's own write fails", async () => {
    const file = path.join(dir, 'damaged-index.duckdb');
    const block = await createDatabaseWithDamagedIndex(file);
    const offset = 3 * 4_096 + block * 262_144;
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.tables.filter((t) => t.error)).toEqual([]);
    expect(scan.status).toBe('damaged');
    expect(scan.blocks?.failed).toEqual([{ block, offset }]);
    expect(scan.message).toMatch(
      new RegExp(`^read all 5 tables in full \\(440120 rows\\), but 1 block that holds no table's rows fails DuckDB's checksum: block ${block} at location ${offset}\\. It is an index or DuckDB's own metadata, which a write or a key lookup reaches$`),
    );
    // What the scan saw is what DuckDB meets on the next load (on a copy: the file itself is left as it was).
    const copy = path.join(dir, 'damaged-index-write.duckdb');
    fs.copyFileSync(file, copy);
    const instance = await DuckDBInstance.create(copy);
    const connection = await instance.connect();
    await expect(connection.run(`INSERT INTO raw_ebird.checklists VALUES ('S999999999x', 'dlt')`)).rejects.toThrow(`block at location ${offset}`);
    connection.closeSync();
    instance.closeSync();
  });

  it("counts free blocks, which keep their old checksums; one overwritten is not called damage, as it may be one of them", async () => {
    const file = path.join(dir, 'with-free-blocks.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE dropped AS SELECT range AS id, md5(range::VARCHAR) AS s FROM range(300000); CREATE TABLE kept AS SELECT range AS id FROM range(1000); CHECKPOINT`);
    const freed = (await connection.runAndReadAll(`SELECT DISTINCT block_id FROM pragma_storage_info('dropped') WHERE block_id >= 0 ORDER BY 1`)).getRows().map(([b]) => Number(b));
    await connection.run('DROP TABLE dropped; CHECKPOINT');
    connection.closeSync();
    instance.closeSync();
    const healthyScan = await scanTables(file, { timeoutMs: 30_000 });
    expect(healthyScan.status).toBe('ok');
    expect(healthyScan.blocks).toMatchObject({ failed: [], pastEnd: 0, mayBeFree: false });
    expect(healthyScan.blocks?.freeBlocks).toBeGreaterThanOrEqual(freed.length - 1);
    const torn = freed[1] as number;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(4_096, 0x5a), 0, 4_096, 3 * 4_096 + torn * 262_144 + 8_192);
    fs.closeSync(fd);
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('unclear-blocks');
    expect(scan.message).toContain(
      `fails DuckDB's checksum: block ${torn} at location ${3 * 4_096 + torn * 262_144}. The file has ${healthyScan.blocks?.freeBlocks} free blocks besides, which DuckDB never reads and a checkpoint cut short (a crash, a power cut) leaves half-written, so it may be among them`,
    );
  });

  it('takes blocks past the end of the file, as a checkpoint that freed the last ones leaves it, as the free tail, not as damage', async () => {
    const file = path.join(dir, 'free-tail.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE kept AS SELECT range AS id FROM range(1000); CHECKPOINT; CREATE TABLE dropped AS SELECT range AS id, md5(range::VARCHAR) AS s FROM range(300000); CHECKPOINT; DROP TABLE dropped; CHECKPOINT`);
    connection.closeSync();
    instance.closeSync();
    const scan = await scanTables(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('ok');
    expect(scan.blocks?.failed).toEqual([]);
    expect(scan.blocks?.pastEnd).toBeGreaterThan(0);
    expect(scan.blocks?.pastEnd).toBeLessThanOrEqual(scan.blocks?.freeBlocks ?? 0);
  });

  it('checks nothing, and says so, when blocks DuckDB read without complaint do not match as the bot computes them (a layout it does not know)', async () => {
    // The healthy file open in DuckDB, and beside it a copy whose every block's stored checksum is off by one bit.
    const copy = copyOfHealthy('other-layout.duckdb');
    const fd = fs.openSync(copy, 'r+');
    for (let at = 3 * 4_096; at < fs.statSync(copy).size; at += 262_144) {
      const first = Buffer.alloc(1);
      fs.readSync(fd, first, 0, 1, at);
      fs.writeSync(fd, Buffer.from([first[0]! ^ 1]), 0, 1, at);
    }
    fs.closeSync(fd);
    const database = await openDatabase(healthy, false);
    try {
      const check = await checkUnreadBlocks(copy, database.connection, [{ schema: 'main', table: 'raw_ebird' }], () => false);
      expect(check).toEqual({ checked: 0, failed: [], freeBlocks: 0, pastEnd: 0, mayBeFree: false, skipped: expect.stringMatching(/^this file's block layout is not the one the bot knows \(blocks DuckDB read without complaint do not match their checksums as the bot computes them\), so blocks no table is read from were not checked$/) });
    } finally {
      database.close();
    }
  });

  it("computes DuckDB's checksum: 5381 XOR each 64-bit word times 0xbf58476d1ce4e5b9, modulo 2^64", () => {
    for (let words = 1; words <= 64; words += 7) {
      const payload = randomBytes(words * 8);
      let expected = 5381n;
      for (let at = 0; at < payload.length; at += 8) expected ^= BigInt.asUintN(64, payload.readBigUInt64LE(at) * 0xbf58476d1ce4e5b9n);
      const { high, low } = duckdbChecksum(payload);
      expect((BigInt(high) << 32n) | BigInt(low)).toBe(expected);
    }
  });
});

describe('a path that is not a database file', () => {
  it('missing: status missing, and the file is not created', async () => {
    const file = path.join(dir, 'nothing-here.duckdb');
    const opened = await probeOpen(file);
    expect(opened).toEqual({ status: 'missing', message: `${file} does not exist` });
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.wal`)).toBe(false);
  });

  it('a symbolic link to nothing: dangling-link, naming where it points, and nothing is created there', async () => {
    const link = path.join(dir, 'linked-to-nothing.duckdb');
    const target = path.join(dir, 'unmounted-volume', 'databox.duckdb');
    fs.symlinkSync(target, link);
    expect(await probeOpen(link)).toEqual({
      status: 'dangling-link',
      message: `${link} is a symbolic link to ${target}, which does not exist (a volume not mounted, or a link left pointing at an old place)`,
      linkTarget: target,
    });
    expect(fs.existsSync(path.join(dir, 'unmounted-volume'))).toBe(false);
  });

  it('a symbolic link to a healthy file: opens and reads through it, as the file itself', async () => {
    const link = path.join(dir, 'linked-to-healthy.duckdb');
    fs.symlinkSync(healthy, link);
    expect((await probeOpen(link)).status).toBe('ok');
    expect((await scanTables(link, { timeoutMs: 30_000 })).status).toBe('ok');
  });

  it('a directory: not-a-file', async () => {
    const sub = path.join(dir, 'a-directory.duckdb');
    fs.mkdirSync(sub, { recursive: true });
    expect(await probeOpen(sub)).toEqual({ status: 'not-a-file', message: `${sub} is a directory, not a file` });
  });

  it('a directory where its write-ahead log goes: wal-not-a-file, said plainly, not corrupt nor unreadable (the file itself is fine)', async () => {
    const file = copyOfHealthy('with-wal-dir.duckdb');
    fs.mkdirSync(`${file}.wal`);
    const opened = await probeOpen(file);
    expect(opened).toEqual({ status: 'wal-not-a-file', message: `${file}.wal, where DuckDB reads and writes the database's write-ahead log, is a directory, not a file` });
  });

  it('a path the process cannot look along: unreadable, never missing (a file may well be there)', async () => {
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, 'x');
    const opened = await probeOpen(path.join(blocker, 'databox.duckdb'));
    expect(opened.status).toBe('unreadable');
    expect(opened.message).toMatch(/^cannot look at .*a-file\/databox\.duckdb: ENOTDIR: not a directory \(this process runs as uid \d+\)$/);
  });
});

describe('a file another process holds', () => {
  let holder: ResultPromise | undefined;
  afterEach(async () => {
    if (!holder) return;
    holder.kill('SIGKILL');
    await holder.catch(() => undefined);
    holder = undefined;
  });

  /** The holding process, once it says it holds the file (in an object: a ResultPromise would be awaited itself). */
  async function holdOpen(file: string, ...mode: string[]): Promise<{ child: ResultPromise }> {
    holder = execa('node', [path.join(scriptsDir, 'hold-duckdb.mjs'), file, ...mode], { reject: false });
    const child = holder;
    await holderReady(child);
    return { child };
  }

  it('is locked, naming the holding process', async () => {
    const file = copyOfHealthy('held.duckdb');
    const { child } = await holdOpen(file);

    const opened = await probeOpen(file);
    expect(opened.status).toBe('locked');
    expect(opened.holderPid).toBe(child.pid);
    expect(opened.holder).toMatch(/node/);
    expect(opened.message).toMatch(/lock/i);

    const scan = await scanTables(file, { timeoutMs: 10_000 });
    expect(scan.status).toBe('unreadable');
    expect(scan.message).toContain(`PID ${child.pid}`);
  });

  it('is held by another process that has it open read-only: the probe opens it beside that process, but no writer can', async () => {
    const file = copyOfHealthy('read-elsewhere.duckdb');
    const { child } = await holdOpen(file, 'read-only');
    // The probe itself opens it beside the reader; the lock left is the reader's.
    expect((await probeOpen(file)).status).toBe('ok');
    const opened = heldByAnother(file) as OpenResult;
    expect(opened).toMatchObject({ status: 'locked', holderPid: child.pid, heldReadOnly: true });
    expect(opened.holder).toContain('hold-duckdb.mjs');
    expect(opened.message).toContain(`PID ${child.pid}`);
    expect(opened.message).toContain('refuses every process that writes');
    // What it stands for: a writer cannot open the file while the reader holds it.
    await expect(DuckDBInstance.create(file)).rejects.toThrow(/lock/i);
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    holder = undefined;
    expect(heldByAnother(file)).toBeUndefined();
  });
});

describe('classifyOpenError', () => {
  it('reads the PID and holder out of a lock error', () => {
    expect(
      classifyOpenError('IO Error: Could not set lock on file "/d/x.duckdb": Conflicting lock is held in /usr/bin/python3.12 (PID 31337) by user ops.'),
    ).toMatchObject({ status: 'locked', holderPid: 31337, holder: '/usr/bin/python3.12' });
  });

  it('still calls a lock error without a PID locked', () => {
    const result = classifyOpenError('IO Error: Could not set lock on file "/d/x.duckdb": Resource temporarily unavailable');
    expect(result.status).toBe('locked');
    expect(result.holderPid).toBeUndefined();
  });

  it('calls anything else corrupt', () => {
    expect(classifyOpenError('IO Error: Could not read enough bytes from file').status).toBe('corrupt');
  });
});

describe('classifyOpenError', () => {
  it.each([
    ['IO Error: The file "/d/databox.duckdb" exists, but it is not a valid DuckDB database file!', 'corrupt'],
    ['IO Error: Could not read enough bytes from file "/d/databox.duckdb": attempted to read 262144 bytes from location 11022336', 'corrupt'],
    ['IO Error: Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 3', 'corrupt'],
    ['IO Error: Cannot open file "/d/databox.duckdb": Permission denied', 'unreadable'],
    ['IO Error: Trying to read a database file with version number 99, but we can only read version 64', 'unreadable'],
    ['Out of Memory Error: failed to allocate data of size 256.0 KiB', 'unreadable'],
    ['Something nobody has seen before', 'unreadable'],
    ['IO Error: Could not set lock on file "/d/databox.duckdb": Conflicting lock is held in /usr/bin/python3 (PID 4242) by user databox', 'locked'],
  ])('%s → %s', (message, status) => {
    expect(classifyOpenError(message).status).toBe(status);
  });

  it('names the process holding the lock', () => {
    expect(classifyOpenError('IO Error: Could not set lock on file "/d/x": Conflicting lock is held in /usr/bin/python3 (PID 4242) by user databox')).toMatchObject({ holderPid: 4242, holder: '/usr/bin/python3' });
  });
});

describe('a file in another format: "not a DuckDB database file", told from its header without asking DuckDB', () => {
  const sqliteFixture = path.join(projectRoot, 'test', 'fixtures', 'files', 'observations.sqlite');

  async function parquetWrittenByDuckdb(file: string): Promise<void> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT range AS id FROM range(100)) TO '${file}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
  }

  it.each([
    ['a real SQLite file (made by sqlite3)', (file: string) => fs.copyFileSync(sqliteFixture, file), 'a SQLite database', /starts with "SQLite format 3"/],
    ['a Parquet file written by DuckDB', parquetWrittenByDuckdb, 'a Parquet file', /starts with "PAR1"/],
    ['a text file', (file: string) => fs.writeFileSync(file, 'id,species\n1,robin\n'), 'a text file', /starts with text, not shown here/],
    ['random bytes', (file: string) => fs.writeFileSync(file, randomBytes(64 * 1024)), 'an unknown format', /no "DUCK" magic/],
  ])('%s', async (_name, make, looksLike, evidence) => {
    const file = path.join(dir, `other-${looksLike.replace(/\W+/g, '-')}.duckdb`);
    await make(file);
    const before = sha256(file);
    const opened = await probeOpen(file);
    expect(opened.status).toBe('not-duckdb');
    expect(opened.looksLike).toBe(looksLike);
    expect(opened.message).toContain(`${file} is not a DuckDB database file: it looks like ${looksLike}`);
    expect(opened.message).toMatch(evidence);
    expect(opened.message).not.toMatch(/download|extension/i);
    expect(sha256(file), 'the probe changes nothing').toBe(before);
    expect(fs.existsSync(`${file}.wal`)).toBe(false);
  });

  it.each([
    ['its "DUCK" magic overwritten', [8], 'both database headers after it carry'],
    ['its magic and the first database header overwritten', [8, 4096 + 100], 'the database header at byte 8192 carries'],
  ])('a DuckDB file with %s is a damaged DuckDB file (corrupt), not another format: its database headers keep their checksums', async (_name, offsets, said) => {
    const file = path.join(dir, `magic-${offsets.length}.duckdb`);
    await createDuckdbFile(file, { observations: 1_000 });
    const fd = fs.openSync(file, 'r+');
    for (const offset of offsets) fs.writeSync(fd, Buffer.from('XXXX'), 0, 4, offset);
    fs.closeSync(fd);
    const opened = await probeOpen(file);
    expect(opened.status).toBe('corrupt');
    expect(opened.message).toContain(`${file} is a DuckDB database file whose main header, its first 4 KiB, is damaged: no "DUCK" magic at byte 8 (it starts with `);
    expect(opened.message).toContain(`but ${said} DuckDB's own checksum`);
  });

  it('an empty file is empty, not another format: empty-file, and left as it was', async () => {
    const file = path.join(dir, 'zero-bytes.duckdb');
    fs.writeFileSync(file, '');
    expect(await probeOpen(file)).toEqual({
      status: 'empty-file',
      message: `${file} is empty (0 bytes): truncated to nothing, as a failed copy or a full disk leaves a file`,
    });
    expect(fs.statSync(file).size).toBe(0);
    expect(fs.existsSync(`${file}.wal`)).toBe(false);
  });

  it('read-only opens never install or load an extension: DuckDB is not allowed to reach for sqlite_scanner', async () => {
    const database = await openDatabase(healthy, false);
    try {
      const settings = await database.connection.runAndReadAll(
        `SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')`,
      );
      expect(settings.getRows()[0]).toEqual([false, false]);
      const reading = database.connection.run(`SELECT * FROM sqlite_scan('${sqliteFixture}', 'observations')`);
      await expect(reading).rejects.toThrow(/INSTALL sqlite_scanner|install it first/i);
      await expect(reading).rejects.not.toThrow(/download/i);
    } finally {
      database.close();
    }
  });
});
