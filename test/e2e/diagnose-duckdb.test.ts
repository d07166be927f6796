// Scenario 1 diagnosis through the real Bolt app: corrupt, truncated, damaged, locked, missing, desynced and healthy files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Checkout,
  createDamagedDatabase,
  createDatabaseWithDamagedIndex,
  createDatabaseWithForeignWal,
  createHealthyDatabase,
  createTruncatedDatabase,
  writeGarbage,
} from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { duckdbChecksum } from '../../src/duckdb/block-checksums.js';
import { closeStandIns, journalRecordsOf, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { escapeRegExp } from '../support/escape-regexp.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

async function diagnose(): Promise<string> {
  harness = await startBot(checkout, slack);
  const response = await harness.command('diagnose duckdb');
  expect(response.status).toBe(200);
  await harness.settle();
  return slack.allText();
}

const verdictText = () => verdictTextOf(slack);

/** Runs SQL on the checkout's database file (made if missing), as the stack's own tools would have. */
async function runSql(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('/databox diagnose duckdb', () => {
  it('opens one root message in the channel and puts everything else in its thread', async () => {
    writeGarbage(checkout.databasePath);
    await diagnose();
    const posts = slack.callsTo('chat.postMessage');
    const roots = posts.filter((p) => !p.thread_ts);
    expect(roots).toHaveLength(1);
    expect(roots[0]?.channel).toBe('C0INCIDENT');
    expect(String(roots[0]?.text)).toMatch(/^Incident dbx-\d{8}-[0-9a-f]{4}: Blown DuckDB file/);
    const rootTs = slack.calls.find((c) => c.method === 'chat.postMessage' && !c.args.thread_ts)?.result?.ts;
    expect(posts.filter((p) => p.thread_ts).every((p) => p.thread_ts === rootTs)).toBe(true);
    // In the thread: the diagnosis as one message, updated in place as its checks ran, and the verdict.
    expect(posts.filter((p) => p.thread_ts).map((p) => String(p.text).split(':')[0])).toEqual([expect.stringMatching(/^Diagnosis/), 'Verdict']);
    const diagnosisTs = slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.thread_ts)?.result?.ts;
    // At least its final state: on a busy machine the outbox folds the updates queued behind a slow one into one.
    const diagnosisUpdates = slack.callsTo('chat.update').filter((u) => u.ts === diagnosisTs);
    expect(diagnosisUpdates.length).toBeGreaterThanOrEqual(1);
    const diagnosisPosted = posts.find((p) => p.thread_ts);
    expect(JSON.stringify(diagnosisUpdates.at(-1)?.blocks), 'the update shows the checks as they ended').not.toBe(JSON.stringify(diagnosisPosted?.blocks));
  });

  it('calls a DuckDB header over garbage corrupt, with DuckDB\'s error as evidence, and offers paths A and B', async () => {
    writeGarbage(checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('File corrupt');
    expect(verdict).toContain('Corrupt database file');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
    expect(checkout.calls(), 'sqlmesh audit is not run on an unreadable file').toEqual([]);
    // Its run message does not read "passed" above a red verdict: the checks that did not pass are the evidence.
    const runMessage = slack.messages().find((m) => m.text.startsWith('Diagnosis'));
    expect(runMessage?.blocks).toMatch(/:mag: \*Diagnosis finished\* in [^:]+: 1 step passed, 2 skipped \(each says why\), 1 did not; the verdict says what it means/);
    expect(runMessage?.blocks).not.toContain('Diagnosis passed');
    // Each skipped step says why: the condition it runs on, and how the step it reads ended.
    for (const step of ['3. Read every table in full', '4. SQLMesh state vs physical tables']) {
      expect(runMessage?.blocks).toMatch(new RegExp(`\\*${step}[^"]*\\* · \\*skipped\\*[^"]*\\\\nruns only when step 1 \\(open\\) is ok or read-only; it was corrupt"`));
    }
  });

  it('calls a SQLite file in the database\'s place "not a DuckDB database file", naming SQLite, and offers paths A and B', async () => {
    fs.copyFileSync(path.resolve(import.meta.dirname, '../fixtures/files/observations.sqlite'), checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Not a DuckDB database file');
    expect(verdict).toContain('it looks like a SQLite database');
    expect(verdict).not.toMatch(/download|sqlite_scanner|Unreadable/i);
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
  });

  it('calls a 0-byte file empty, not another format, and offers paths A and B, whose plan accepts it', async () => {
    fs.writeFileSync(checkout.databasePath, '');
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('The database file is empty (0 bytes)');
    expect(verdict).toContain('is empty (0 bytes): truncated to nothing, as a failed copy or a full disk leaves a file');
    expect(verdict).not.toMatch(/another format|Not a DuckDB database file/);
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
    await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
    await harness.settle();
    expect(slack.buttons('approve_plan'), 'the guard lets an empty file be moved aside').toHaveLength(1);
  });

  it('calls a real database cut short corrupt, and its evidence says the file ends early', async () => {
    await createTruncatedDatabase(checkout.databasePath);
    const size = fs.statSync(checkout.databasePath).size.toLocaleString('en');
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('File corrupt');
    expect(verdict).toMatch(new RegExp(`tables fail to read: [^\\n]*; the file ends early: ${size} bytes, where DuckDB reads on to byte [\\d,]+: cut short \\(a copy or a disk-full write stopped part-way\\?\\)`));
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
  });

  it('advises a diagnosis for a file cut short that a validation is typed on, not what unreadable marts in a whole file mean', async () => {
    await createTruncatedDatabase(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('validate duckdb', 'U0OPERATOR');
    await harness.settle();
    const next = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Next: ')).map((p) => String(p.text));
    expect(next).toHaveLength(1);
    expect(next[0]).toMatch(/the file ends early: [\d,]+ bytes, where DuckDB reads on to byte [\d,]+: cut short/);
    expect(next[0]).toMatch(/The DuckDB file at \S+ does not read in full: diagnose it, `\/databox diagnose duckdb incident=dbx-\d{8}-[0-9a-f]{4}`, for the recovery paths that fit\.$/);
    expect(next[0]).not.toMatch(/another project|never built|recovered/);
  });

  it('says a database cut short within its headers ends early, in the evidence of the open that fails', async () => {
    await createTruncatedDatabase(checkout.databasePath);
    // Within DuckDB's database headers and first block: the open itself reads past the end.
    fs.truncateSync(checkout.databasePath, 3 * 4_096 + 1_000);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('File corrupt');
    expect(verdict).toMatch(/does not open: the file ends early: 13,288 bytes, where DuckDB reads on to byte [\d,]+: cut short \(a copy or a disk-full write stopped part-way\?\)\. DuckDB: IO Error: Could not read enough bytes from file/);
  });

  it('reads every table in full and names the one with a damaged block, which SELECT 1 does not see', async () => {
    await createDamagedDatabase(checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('File corrupt');
    expect(verdict).toMatch(/opens read-only; SELECT 1 succeeds/);
    expect(verdict).toMatch(/1 of 4 tables fail to read: raw_noaa\.daily_weather \(IO Error: Corrupt database file: computed checksum \d+ does not match stored checksum \d+ in block at location \d+\)/);
    // The advice does not contradict the evidence above it (the file opens): a table fails when read in full.
    expect(verdict).toContain('DuckDB cannot read all of the file: it does not open, or a table fails when read in full');
    // The failed table is not said to hold 0 rows, which reads as empty.
    // The memory cap as DuckDB reports it (MiB) beside the setting's own unit (MB), so the two are not read as different.
    expect(slack.allText()).toContain('244.1 MiB of memory (DATABOX_DUCKDB_MEMORY_LIMIT, as DuckDB counts it: in the setting, MB means 1,000,000 bytes)');
    expect(slack.allText()).toMatch(/FAIL raw_noaa\.daily_weather \(failed after \d+ rows read\): /);
  });

  it('calls a file whose index has a damaged block corrupt, though every table reads in full, naming the block', async () => {
    const block = await createDatabaseWithDamagedIndex(checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('File corrupt');
    expect(verdict).toContain(`read all 5 tables in full (440120 rows), but 1 block that holds no table's rows fails DuckDB's checksum: block ${block} at location ${3 * 4_096 + block * 262_144}`);
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
  });

  it('calls failed blocks that could all be free space not conclusive, and offers nothing that moves the file', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE raw_ebird.scratch AS SELECT range AS id, md5(range::VARCHAR) AS s FROM range(300000); CREATE TABLE raw_ebird.after AS SELECT 1 AS id; CHECKPOINT`);
    const freed = (await connection.runAndReadAll(`SELECT DISTINCT block_id FROM pragma_storage_info('raw_ebird.scratch') WHERE block_id >= 0 ORDER BY 1`)).getRows().map(([b]) => Number(b));
    await connection.run('DROP TABLE raw_ebird.scratch; CHECKPOINT');
    connection.closeSync();
    instance.closeSync();
    // A block freed by the drop, half-written as a checkpoint cut short would leave it.
    const fd = fs.openSync(checkout.databasePath, 'r+');
    fs.writeSync(fd, Buffer.alloc(4_096, 0x5a), 0, 4_096, 3 * 4_096 + (freed[1] as number) * 262_144 + 8_192);
    fs.closeSync(fd);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Not conclusive — blocks that may be free space fail their checksum');
    expect(verdict).toMatch(/fails DuckDB's checksum: block \d+ at location \d+\. The file has \d+ free blocks? besides, which DuckDB never reads/);
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('reports a missing file as missing and does not create it', async () => {
    await diagnose();
    expect(verdictText()).toContain('Missing');
    expect(fs.existsSync(checkout.databasePath)).toBe(false);
    expect(checkout.listData()).toEqual([]);
  });

  it('names a DuckDB file beside a missing database, asking whether DATABOX_DATABASE_PATH is right before offering a rebuild', async () => {
    // The tester's stack wrote ops.duckdb; DATABOX_DATABASE_PATH named databox.duckdb, and only a full rebuild was offered.
    const folder = path.dirname(checkout.databasePath);
    await createHealthyDatabase(path.join(folder, 'ops.duckdb'), 100);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a database');
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Missing — there is no database file');
    expect(verdict).toContain(
      `${checkout.databasePath} does not exist. Is DATABOX_DATABASE_PATH right? ops.duckdb exists beside it, in ${folder}: if that is the stack's database, set DATABOX_DATABASE_PATH to it and diagnose again, before any rebuild. Rebuild it from raw dlt state (path A)`,
    );
    expect(fs.existsSync(checkout.databasePath)).toBe(false);
  });

  it('names a write-ahead log left alone where the database is missing, which holds its last writes, and leaves it as it is', async () => {
    // A stack's writes not yet checkpointed, then the file lost: its log stays.
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run("PRAGMA disable_checkpoint_on_shutdown; SET wal_autocheckpoint = '1GB'; CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations AS SELECT range AS id FROM range(1000)");
    connection.closeSync();
    instance.closeSync();
    fs.rmSync(checkout.databasePath);
    const log = fs.readFileSync(`${checkout.databasePath}.wal`);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Missing — there is no database file');
    expect(verdict).toContain(
      `and diagnose again. Its write-ahead log ${checkout.databasePath}.wal (${log.length} bytes, written `,
    );
    expect(verdict).toContain('is there alone: the database was at this path, and the log holds its last writes. DuckDB replays a log into any file created beside it, so let nothing create the database here before it is moved: paths A and B move it aside first, kept.');
    expect(checkout.listData()).toEqual(['databox.duckdb.wal']);
    expect(fs.readFileSync(`${checkout.databasePath}.wal`)).toEqual(log);
  });

  it('says of a whole DuckDB file at the write-ahead log\'s path of a missing database what it is, never that it holds the last writes', async () => {
    // A copy made under the log's name by mistake (cp databox.duckdb databox.duckdb.wal), then the database lost.
    await createHealthyDatabase(`${checkout.databasePath}.wal`, 100);
    const bytes = fs.statSync(`${checkout.databasePath}.wal`).size;
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Missing — there is no database file');
    // Before: "its write-ahead log … is there alone: the database was at this path, and the log holds its last writes."
    expect(verdict).not.toContain('the log holds its last writes');
    expect(verdict).toContain(
      `A file is at its write-ahead log's path, ${checkout.databasePath}.wal (${bytes} bytes, written `,
    );
    expect(verdict).toContain(
      `), that does not begin as a DuckDB write-ahead log does (it is a DuckDB database file, not a log), so it holds none of the database's writes: DuckDB reads nothing from it, but a database created here deletes it at its first checkpoint, so let nothing create one here before it is moved: paths A and B move it aside first, kept. If it is the stack's database under the log's name, move it to ${checkout.databasePath} by hand and diagnose again, before any rebuild.`,
    );
    expect(checkout.listData()).toEqual(['databox.duckdb.wal']);
  });

  it('names a symbolic link to nothing and where it points, offers no path, and refuses a typed path A before anything moves or is created', async () => {
    const target = path.join(checkout.root, 'mnt', 'volume', 'databox.duckdb');
    fs.symlinkSync(target, checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('The database path is a symbolic link to nothing');
    expect(verdict).toContain(`${checkout.databasePath} is a symbolic link to ${target}, which does not exist`);
    expect(verdict).not.toContain('Missing');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    await harness.command('recover duckdb path=a');
    await harness.settle();
    const refusal = slack.responses.at(-1)?.body.text as string;
    expect(refusal).toMatch(/refused, nothing was run: .*is a symbolic link to .*, which does not exist: nothing may create the database through it/);
    expect(slack.buttons('approve_plan')).toEqual([]);
    expect(fs.lstatSync(checkout.databasePath).isSymbolicLink(), 'the link is where it was').toBe(true);
    expect(fs.existsSync(path.join(checkout.root, 'mnt')), 'nothing was created behind the link').toBe(false);
    expect(checkout.calls()).toEqual([]);
  });

  it('calls a file another DuckDB version wrote unreadable, not damaged: DuckDB\'s reason in one line, whose version, and how to find the stack\'s', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    // The main header's storage version set to 1 (DuckDB 0.2), its checksum made again: a whole file of another version.
    const header = Buffer.alloc(4_096);
    const fd = fs.openSync(checkout.databasePath, 'r+');
    fs.readSync(fd, header, 0, header.length, 0);
    header.writeBigUInt64LE(1n, 12);
    const { high, low } = duckdbChecksum(header.subarray(8));
    header.writeUInt32LE(low, 0);
    header.writeUInt32LE(high, 4);
    fs.writeSync(fd, header, 0, header.length, 0);
    fs.closeSync(fd);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Unreadable, but not damaged');
    expect(verdict).toMatch(/DuckDB cannot open the file for a reason that is not damage: IO Error: Trying to read a database file with version number 1, but we can only read versions? [^\n]*\. The database file was created with DuckDB version v0\.0\.4, [^\n]* The bot reads with DuckDB v\d+\.\d+\.\d+\. Put that right, then diagnose again; .* DuckDB names a storage version another DuckDB wrote: open the file with the DuckDB the stack runs \(`uv run python -c [^`]*duckdb\.__version__[^`]*` says which\), and give the bot a @duckdb\/node-api that reads it\./);
    expect(verdict).not.toContain('See the storage page');
    expect(slack.buttons(/^choose_path/), 'the file may be fine: nothing is offered that moves it').toEqual([]);
  });

  it('says of a gzip\'d database that it may be a compressed copy, with how to get the database out of it', async () => {
    const copy = checkout.path('copy.duckdb');
    await createHealthyDatabase(copy, 100);
    await execa('gzip', ['-c', copy], { stdout: { file: checkout.databasePath } });
    await diagnose();
    expect(verdictText()).toContain('it looks like a gzip archive, perhaps a compressed copy of a database (`gunzip -c` it into a file of its own) (it starts with 1f 8b');
  });

  it('says of a symbolic link to a directory that it leads to a directory, never to point DATABOX_DATABASE_PATH at that directory', async () => {
    const target = checkout.path('vol');
    fs.mkdirSync(target);
    fs.symlinkSync(target, checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Something other than a file is at the database path');
    expect(verdict).toContain(`a symbolic link to ${target}, a directory, not the database file: DATABOX_DATABASE_PATH names the file itself`);
    expect(verdict).not.toContain(`to ${target} itself`);
  });

  it('says with a healthy verdict on a file whose every raw table and mart holds no rows that its data was wiped, and how to check the loads', async () => {
    await runSql(`
      CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations (id INTEGER, observation_date DATE);
      CREATE SCHEMA raw_noaa; CREATE TABLE raw_noaa.daily_weather (id INTEGER);
      CREATE SCHEMA raw_usgs; CREATE TABLE raw_usgs.daily_values (id INTEGER);
      CREATE SCHEMA ebird; CREATE TABLE ebird.fct_daily_bird_observations (day_date DATE);
      CREATE SCHEMA noaa; CREATE TABLE noaa.fct_daily_weather (day_date DATE);
      CREATE SCHEMA usgs; CREATE TABLE usgs.fct_daily_streamflow (day_date DATE);
      CREATE SCHEMA analytics; CREATE TABLE analytics.fct_species_environment_daily (day_date DATE);
    `);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Healthy');
    expect(verdict).toContain('read all 7 tables in full (0 rows); every table holds no rows');
    expect(verdict).toContain('But every one of its 7 tables holds no rows, raw data and marts alike: that is how an intact file looks whose data a `CREATE OR REPLACE` or a bad load wiped');
    expect(verdict).toContain('`/databox diagnose backfill source=… from=… to=…` (scenario 2)');
  });

  it('does not call a healthy file with rows empty', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    await diagnose();
    expect(verdictText()).toContain('Healthy');
    expect(verdictText()).not.toContain('holds no rows');
  });

  it('reads a database behind a symbolic link to an existing file as the file itself: healthy', async () => {
    const target = path.join(checkout.root, 'volume', 'databox.duckdb');
    fs.mkdirSync(path.dirname(target));
    await createHealthyDatabase(target);
    fs.symlinkSync(target, checkout.databasePath);
    await diagnose();
    expect(verdictText()).toContain('Healthy');
    // Said before anyone needs a recovery: through the link, none would be taken.
    expect(verdictText()).toContain(`(read through a symbolic link to ${target}: a recovery is refused through it, as moving it would move the link; to recover, set DATABOX_DATABASE_PATH to ${target} itself (a running bot reads it when it starts), and diagnose again`);
  });

  it('refuses path A over a symbolic link to a file before anything moves: moving the link would leave the file, and rebuild beside the link', async () => {
    const target = path.join(checkout.root, 'volume', 'databox.duckdb');
    fs.mkdirSync(path.dirname(target));
    writeGarbage(target);
    fs.symlinkSync(target, checkout.databasePath);
    await diagnose();
    expect(verdictText()).toContain('File corrupt');
    // The verdict says it before a path is chosen, in the evidence of the open.
    expect(verdictText()).toContain(`(read through a symbolic link to ${target}: a recovery is refused through it`);
    // Before: buttons for paths A and B, each refused when clicked. Now none, and the advice says why.
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    expect(verdictText()).toContain(`Paths A and B are not offered: each plan moves the file at the database path first, and ${checkout.databasePath} is a symbolic link to ${target}: moving it would move the link and leave the file where it is.`);
    await harness.command('recover duckdb path=a');
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toContain(
      `refused, nothing was proposed: the step "Back up the broken file for forensics": ${checkout.databasePath} is a symbolic link to ${target}: moving it would move the link and leave the file where it is. Set DATABOX_DATABASE_PATH to ${target} itself (a running bot reads it when it starts), and diagnose again (\`/databox diagnose duckdb\`)`,
    );
    expect(slack.buttons('approve_plan')).toEqual([]);
    expect(fs.lstatSync(checkout.databasePath).isSymbolicLink(), 'the link is where it was').toBe(true);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['databox.duckdb']);
    expect(checkout.calls()).toEqual([]);
  });

  it('does not describe paths A and B as the way on over a symbolic link to a text file, which offers neither: it says what to do instead', async () => {
    const target = path.join(path.dirname(checkout.databasePath), 'notes.txt');
    fs.writeFileSync(target, 'hello, just text\n');
    fs.symlinkSync(target, checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Not a DuckDB database file');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    // Before: "Path A (preferred) rebuilds it …; path B restores a backup. Either way the file is kept…", then "Paths A and B are not offered".
    expect(verdict).not.toContain('Path A (preferred) rebuilds');
    expect(verdict).not.toContain('Either way the file is kept');
    expect(verdict).toContain(
      `Paths A and B are not offered: each plan moves the file at the database path first, and ${checkout.databasePath} is a symbolic link to ${target}: moving it would move the link and leave the file where it is. Set DATABOX_DATABASE_PATH to ${target} itself (a running bot reads it when it starts), and diagnose again (\`/databox diagnose duckdb\`): they are offered on the file itself. If that file is not the stack's database (the link points at the wrong file), point the link or DATABOX_DATABASE_PATH at the one that is, and diagnose again.`,
    );
    // No path was given: only the setting is named.
    expect(verdict).not.toContain('or the path given');
  });

  it('calls a healthy file on a disk at or over DATABOX_DISK_ALERT_PERCENT nearly full, with what to do, never healthy: the disk alert\'s button leads here', async () => {
    await createHealthyDatabase(checkout.databasePath);
    // The thresholds stand for the volume's use: at 1% it is over the alert, at 100% under the full limit.
    harness = await startBot(checkout, slack, { DATABOX_DISK_ALERT_PERCENT: '1', DATABOX_DISK_FULL_PERCENT: '100' });
    await harness.command('diagnose duckdb');
    await harness.settle();
    const verdict = verdictText();
    expect(verdict).toContain('Nearly full — the disk is at or over DATABOX_DISK_ALERT_PERCENT');
    expect(verdict).toContain('at or over DATABOX_DISK_ALERT_PERCENT (1%), where the disk alert is raised');
    expect(verdict).toContain('Make room before it fills');
    expect(verdict).not.toContain('Healthy');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('says of an empty (0-byte) file on a full disk that space alone will not bring it back: free space, then recover', async () => {
    fs.writeFileSync(checkout.databasePath, '');
    // The thresholds stand for the volume's use: at 1% it is full.
    harness = await startBot(checkout, slack, { DATABOX_DISK_ALERT_PERCENT: '1', DATABOX_DISK_FULL_PERCENT: '1' });
    await harness.command('diagnose duckdb');
    await harness.settle();
    const verdict = verdictText();
    expect(verdict).toContain('Disk full, and the database file is lost — free space first, then recover');
    expect(verdict).toMatch(/Free space on the volume first \(.*at or over the 1% limit.*\); a rebuild or a restore would fail on a full disk\. Space alone will not bring the database back: .*databox\.duckdb is empty \(0 bytes\)/);
    expect(verdict).toContain('path A (preferred) rebuilds it from raw dlt state, path B restores a backup');
    expect(verdict).not.toContain('the file may be fine');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it.each([
    ['is cut short', createTruncatedDatabase],
    ['has a damaged block', createDamagedDatabase],
  ])('says of a file that opens but %s, on a full disk, that it is lost: free space, then recover', async (_kind, make) => {
    await make(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_DISK_ALERT_PERCENT: '1', DATABOX_DISK_FULL_PERCENT: '1' });
    await harness.command('diagnose duckdb');
    await harness.settle();
    const verdict = verdictText();
    // Before: "Disk full … Then diagnose again: the file may be fine once DuckDB can write", over a full read that failed.
    expect(verdict).toContain('Disk full, and the database file is lost — free space first, then recover');
    expect(verdict).toMatch(/Space alone will not bring the database back: it opens, but \d of \d tables fail to read: /);
    expect(verdict).toContain('path A (preferred) rebuilds it from raw dlt state, path B restores a backup');
    expect(verdict).not.toContain('the file may be fine');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('says with the verdict that path A is refused until the volume has room for a rebuild beside the broken file', async () => {
    writeGarbage(checkout.databasePath);
    // A broken file about as large as the free space (sparse: it takes none itself), so a rebuild as large has no room.
    const { bavail, bsize } = fs.statfsSync(checkout.root);
    fs.truncateSync(checkout.databasePath, bavail * bsize - 2 ** 20);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('File corrupt');
    // Before: paths A and B offered with no word of it; path A's plan was then refused for want of room.
    expect(verdict).toMatch(/Path A is refused until its check passes: the check \W*The database's volume has room for a rebuild as large as the file moved aside\W* did not pass: .*, but a rebuild as large as \S+ needs [\d.]+ \w+ and [\d.]+ \w+ more to work beside it \(room for SQLMesh's writes and DuckDB's write-ahead log .*, which no setting changes\): make room there first/);
    expect(verdict).not.toContain('Path B is refused');
    // Its button stays (room made, it passes), and the verdict says what a click on it does until then.
    expect(verdict).toContain("Path A's button and its typed command below stay: a plan from them is refused until that check passes, and works once it does.");
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
    // The button itself says it is refused for now, where an operator looks before clicking; path B's does not.
    // Before: both buttons looked alike, path A's as if it worked.
    expect(slack.buttons(/^choose_path_/).map((b) => b.text)).toEqual(['Refused until its check passes · Path A: Rebuild from raw dlt state', expect.stringMatching(/^Path B: /)]);
    expect(verdict).toContain(':no_entry: *Path A* (refused until its check passes: the verdict above says why; its button and command work once it does): ');
    expect(verdict).not.toContain('*Path B* (refused');
  });

  it('warns of a recovery typed while another incident\'s diagnosis of the database runs that the diagnosis is running, not that nobody looked', async () => {
    await createHealthyDatabase(checkout.databasePath);
    checkout.behave({ 'uv run sqlmesh audit': { stdout: 'auditing\n', sleepMs: 8_000 } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb');
    const deadline = Date.now() + 60_000;
    while (!checkout.calls().some((call) => call.command === 'uv run sqlmesh audit') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const diagnosed = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    await harness.command('recover duckdb path=a', 'U0OTHER');
    await harness.settle();
    const plan = slack.allText();
    expect(plan).toContain(`No diagnosis yet: this plan was typed while incident ${diagnosed}'s diagnosis of the same database is still running. Wait for its verdict`);
    expect(plan).not.toContain('nobody has looked at the database first');
  });

  it('calls a healthy file healthy after sqlmesh audit passes in transforms/main', async () => {
    await createHealthyDatabase(checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Healthy');
    expect(verdict).toMatch(/read all 4 tables in full/);
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    const audit = checkout.calls().find((c) => c.command === 'uv run sqlmesh audit');
    expect(audit?.cwd).toBe(path.join(checkout.root, 'transforms', 'main'));
  });

  it('does not say a file of random bytes at the write-ahead log\'s path was replayed: DuckDB reads nothing from it', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    fs.writeFileSync(`${checkout.databasePath}.wal`, crypto.randomBytes(5000));
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Healthy');
    // Before: "Its write-ahead log … (5000 bytes …) was replayed into what was read: most often the file's own writes…".
    expect(verdict).not.toContain('was replayed');
    expect(verdict).toMatch(/A file is at its write-ahead log's path, .*databox\.duckdb\.wal \(5000 bytes, written [^)]* UTC\), that does not begin as a DuckDB write-ahead log does, so DuckDB read nothing from it: what was read is the file as of its last checkpoint/);
  });

  it('says of a healthy file that the write-ahead log beside it, another database\'s, was read in with it', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    // A log left by another database (a copy put in place by hand keeps the old file's): DuckDB replays it all the same.
    const other = path.join(checkout.root, 'other.duckdb');
    const instance = await DuckDBInstance.create(other);
    const connection = await instance.connect();
    await connection.run("PRAGMA disable_checkpoint_on_shutdown; SET checkpoint_threshold = '1TB'; CREATE TABLE stray AS SELECT 1 AS id");
    connection.closeSync();
    instance.closeSync();
    fs.copyFileSync(`${other}.wal`, `${checkout.databasePath}.wal`);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Healthy');
    expect(verdict).toMatch(/Its write-ahead log .*databox\.duckdb\.wal \(\d+ bytes, written \d{4}-\d\d-\d\d \d\d:\d\d UTC\) was replayed into what was read: most often the file's own writes not yet checkpointed \(a writer stopped or killed\), which must stay with it; only if this file was put in place by hand is it another file's log/);
  });

  it("says a log another database wrote, which fails to replay, is possibly that one's: no stack trace, and no loads to run again", async () => {
    await createDatabaseWithForeignWal(checkout.databasePath);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Write-ahead log damaged — the file itself opens');
    expect(verdict).toContain("GetDefaultDatabase with no default database set. The log is possibly another database's: it writes to a table this file does not have, which the file's own log never does");
    expect(verdict).toContain("the database is then as of its last checkpoint, and if the log is another database's, as DuckDB's error suggests, it held none of this one's writes: no load needs running again for it");
    expect(verdict).not.toContain('run them again');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b', 'choose_path_w']);
    // DuckDB's native stack trace (frames such as "node(node::ThreadPoolWork::ScheduleWork()…) [0x…]") nowhere: not in
    // the thread, not in the steps' output files; the error's own lines are kept.
    const outputs = fs.readdirSync(path.join(checkout.stateDir, 'outputs'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    const written = outputs.map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')).join('\n');
    expect(written).toContain('This error signals an assertion failure within DuckDB');
    expect(written).toContain("it is possibly another database's log");
    for (const text of [slack.allText(), written]) {
      expect(text).not.toContain('Stack Trace');
      expect(text).not.toMatch(/\[0x[0-9a-f]+\]/);
    }
  });

  it('does not call a file whose SQLMesh views select from dropped tables healthy: it names them, and offers path A', async () => {
    await createHealthyDatabase(checkout.databasePath);
    // SQLMesh's models as the stack queries them: views over physical tables, here one whose table is gone.
    await runSql(
      'CREATE SCHEMA sqlmesh__analytics; CREATE TABLE sqlmesh__analytics.daily__1 AS SELECT 1 AS id; CREATE SCHEMA IF NOT EXISTS analytics; CREATE VIEW analytics.daily AS SELECT * FROM sqlmesh__analytics.daily__1; CREATE VIEW analytics.fine AS SELECT 1 AS id; DROP TABLE sqlmesh__analytics.daily__1',
    );
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain("SQLMesh's views do not bind");
    expect(verdict).toContain("but 1 of SQLMesh's 1 production views do not bind: analytics.daily (Catalog Error: Table with name daily__1 does not exist!)");
    expect(verdict).not.toContain('Healthy');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a']);
  });

  it("says of views that do not bind that path A moves the whole file aside and reloads it, and its plan names the tables the rebuild will not bring back", async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    await runSql(
      'CREATE SCHEMA finance; CREATE TABLE finance.manual_adjustments AS SELECT range AS id FROM range(1000); CREATE SCHEMA sqlmesh__ebird; CREATE TABLE sqlmesh__ebird.phys (x INT); CREATE VIEW ebird.prod_view AS SELECT * FROM sqlmesh__ebird.phys; DROP TABLE sqlmesh__ebird.phys',
    );
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain("SQLMesh's views do not bind");
    // Before: "Path A moves the state aside and rebuilds every mart", as if the file stayed.
    expect(verdict).toContain('Path A moves the whole database file aside (kept, under its name with .broken added) and SQLMesh\'s state with it, then reloads the raw data from the sources with dlt and rebuilds every mart');
    expect(verdict).not.toContain('moves the state aside and rebuilds');
    await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
    await harness.settle();
    const plan = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path A'))?.blocks);
    // Before: nothing said of them; after the rebuild they were only in databox.duckdb.broken.
    expect(plan).toContain(
      `1 table or view of ${checkout.databasePath} is outside the schemas the rebuild makes again (raw_ebird, raw_noaa, raw_usgs, \`raw_*_staging\`, ebird, noaa, usgs, analytics, \`sqlmesh__*\`, ebird__dev, noaa__dev, usgs__dev, analytics__dev), so it will not bring it back: finance.manual_adjustments. After this plan it is only in the file it moves aside, ${checkout.databasePath}.broken: copy what is still needed out of it afterwards.`,
    );
  });

  it("names in path A's plan every object the rebuild will not bring back, as code where Slack would read formatting, the first 10 in its warning and all in its move's step", async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    const extra = Array.from({ length: 40 }, (_, i) => `CREATE TABLE zz_finance.t${String(i).padStart(2, '0')} (x INT);`).join(' ');
    await runSql(
      `CREATE TABLE main._under_ (x INT); CREATE VIEW main."a*b*c" AS SELECT 1 AS x; CREATE MACRO main.add1(x) AS x + 1; CREATE SCHEMA zz_finance; ${extra} ` +
        'CREATE SCHEMA sqlmesh__ebird; CREATE TABLE sqlmesh__ebird.phys (x INT); CREATE VIEW ebird.prod_view AS SELECT * FROM sqlmesh__ebird.phys; DROP TABLE sqlmesh__ebird.phys',
    );
    await diagnose();
    await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
    await harness.settle();
    const posted = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path A'));
    const blocks = JSON.parse(String(posted?.blocks)) as any[];
    const header = String(blocks.find((b) => String(b.text?.text).startsWith(':clipboard:'))?.text.text);
    const warning = header.split('\n').find((line) => line.startsWith(':warning:') && line.includes('outside the schemas')) ?? '';
    // Before: main._under_, main."a*b*c" bare inside one *bold* span: Slack showed main.under and main."abc".
    expect(warning).toContain('so it will not bring them back: `main._under_`, `main."a*b*c"`, main.add1 (macro), zz_finance.t00,');
    expect(warning.replace(/^:warning: \*|\*$/g, '').replace(/`[^`\n]*`/g, ''), 'outside code, nothing Slack reads as formatting').not.toMatch(/[*~]|(?:^|[^A-Za-z0-9_])_|_(?:$|[^A-Za-z0-9_])/);
    // Before: "… and 33 more", named nowhere.
    expect(warning).toContain('zz_finance.t06, … and 33 more, every one named in this plan\'s step "Back up the broken file for forensics"');
    const names = ['main._under_', 'main."a*b*c"', 'main.add1 (macro)', ...Array.from({ length: 40 }, (_, i) => `zz_finance.t${String(i).padStart(2, '0')}`)];
    // The step's text, in the message or (cut to fit) in the plan's file in the thread.
    const shown = [...blocks.map((b) => String(b.text?.text ?? '')), ...slack.uploads.map((u) => u.bytes.toString())].join('\n');
    for (const name of names) expect(shown).toMatch(new RegExp(`--   ${escapeRegExp(name)}(?:$|\`\`\`)`, 'm'));
    const proposed = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.pathId === 'a');
    expect(JSON.stringify(proposed)).toContain(JSON.stringify({ names, count: 43, others: 1 }).slice(1, -1));
  });

  it('does not call a file whose marts were dropped healthy: it names them, and offers path A, as the validation would advise', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    // Every raw schema is there and every table reads: what an older backup restored, or a DROP, leaves.
    await runSql('DROP SCHEMA analytics CASCADE; DROP TABLE ebird.fct_daily_bird_observations');
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('Marts are missing from the database');
    expect(verdict).toContain('but ebird.fct_daily_bird_observations and analytics.fct_species_environment_daily, marts the stack builds (the validation reads each), are not in the file at all');
    expect(verdict).not.toContain('Healthy');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a']);
  });

  it('calls a valid file with no tables empty, never healthy, names the schemas the stack expects, and offers paths A and B', async () => {
    // What a tool opening the wrong path, or a fresh create, leaves behind.
    (await DuckDBInstance.create(checkout.databasePath)).closeSync();
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain('The database is empty: no tables');
    expect(verdict).toContain('the file holds no tables: none in raw_ebird, raw_noaa, raw_usgs, where the stack keeps its raw data');
    expect(verdict).not.toMatch(/Healthy|read all 0 tables/);
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
  });

  it('warns about a file whose tables are in none of the stack\'s raw schemas, and offers no path', async () => {
    // Its SQLMesh views broken too: still another project's file, never the stack's to move aside and rebuild.
    await runSql(
      'CREATE SCHEMA crm; CREATE TABLE crm.customers AS SELECT range AS id FROM range(10); CREATE SCHEMA sqlmesh__crm; CREATE TABLE sqlmesh__crm.t__1 AS SELECT 1 AS a; CREATE VIEW crm.v AS SELECT * FROM sqlmesh__crm.t__1; DROP TABLE sqlmesh__crm.t__1',
    );
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain("The database holds none of the stack's raw schemas");
    expect(verdict).toContain("read the one table in full (10 rows), but 1 of SQLMesh's 1 production views do not bind: crm.v");
    expect(verdict).toContain('but none is in raw_ebird, raw_noaa, raw_usgs, the schemas the stack expects; its tables are in crm');
    expect(verdict).not.toContain('Healthy');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('warns about a file that reads in full with a source\'s raw schema gone, never healthy, and offers paths A and B', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    await runSql('DROP SCHEMA raw_noaa CASCADE');
    await diagnose();
    const verdict = verdictText();
    expect(verdict).toContain("A source's raw data is missing from the database");
    expect(verdict).toContain('but raw_noaa has no table: the stack keeps raw data in each of raw_ebird, raw_noaa, raw_usgs');
    expect(verdict).not.toContain('Healthy');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
  });

  it('finds raw schemas whose names differ from the expected ones only in case, as DuckDB resolves them: healthy', async () => {
    await runSql(`
      CREATE SCHEMA "Raw_Ebird"; CREATE TABLE "Raw_Ebird".observations AS SELECT range AS id FROM range(100);
      CREATE SCHEMA RAW_NOAA; CREATE TABLE RAW_NOAA.daily_weather AS SELECT range AS id FROM range(100);
      CREATE SCHEMA raw_usgs; CREATE TABLE raw_usgs.daily_values AS SELECT range AS id FROM range(100);
      CREATE SCHEMA ebird; CREATE TABLE ebird.fct_daily_bird_observations AS SELECT DATE '2026-03-01' AS day_date;
      CREATE SCHEMA noaa; CREATE TABLE noaa.fct_daily_weather AS SELECT DATE '2026-03-01' AS day_date;
      CREATE SCHEMA usgs; CREATE TABLE usgs.fct_daily_streamflow AS SELECT DATE '2026-03-01' AS day_date;
      CREATE SCHEMA analytics; CREATE TABLE analytics.fct_species_environment_daily AS SELECT DATE '2026-03-01' AS day_date;
    `);
    await diagnose();
    const verdict = verdictText();
    expect(verdict).not.toContain('no table');
    expect(verdict).toContain('Healthy');
  });

  it('warns on a plan typed against the verdict: path A after "healthy" is proposed, marked as going against the diagnosis, and journaled so', async () => {
    await createHealthyDatabase(checkout.databasePath);
    await diagnose();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    const typed = await harness.command(`recover duckdb path=a incident=${incidentId}`);
    expect(typed.status).toBe(200);
    await harness.settle();
    const plan = slack.messages().filter((m) => m.text.startsWith('Plan ')).at(-1);
    expect(plan?.blocks).toContain(':warning: *The diagnosis of this incident (verdict \\"Healthy');
    expect(plan?.blocks).toContain("offered no recovery, not path A: this plan was typed against it. Read the diagnosis' evidence before approving.*");
    const proposed = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed').at(-1);
    expect(proposed?.data.run.againstDiagnosis).toMatch(/^The diagnosis of this incident \(verdict "Healthy[^"]*"\) offered no recovery, not path A/);
    // The two-person rule still holds: its steps are destructive.
    expect(proposed?.data.run.needsTeammate).toBe(true);
  });

  it('calls a readable file whose audit reports missing tables desynced and offers path A only', async () => {
    await createHealthyDatabase(checkout.databasePath);
    checkout.behave({ 'uv run sqlmesh audit': { exit: 1, stderr: 'Catalog Error: Table with name fct_daily_bird_observations does not exist!\n' } });
    await diagnose();
    expect(verdictText()).toContain('SQLMesh state desynced');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a']);
  });

  // Read-only: a notebook's DuckDB shares the file with the bot's read-only probe, but no Dagster run can write it.
  it.each([
    // Its program is node, not Python as Dagster's jobs are: not guessed to be one.
    ['writing to it', {}, `${fs.realpathSync(process.execPath)}, which is not Dagster (its jobs run in Python): a script or a tool that holds it open`],
    ['reading it only', { access_mode: 'READ_ONLY' }, 'a process that opened it read-only'],
  ])('calls a file another process holds (%s) busy with its PID, never corrupt or healthy, and refuses a recovery that moves it', async (_how, options, heldAs) => {
    await createHealthyDatabase(checkout.databasePath);
    const holder = execa(process.execPath, [
      '-e',
      `const { DuckDBInstance } = require('@duckdb/node-api');
       DuckDBInstance.create(${JSON.stringify(checkout.databasePath)}, ${JSON.stringify(options)}).then((instance) => { globalThis.held = instance; console.log('ready'); setInterval(() => {}, 1000); });`,
    ], { cwd: process.cwd() });
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    try {
      await diagnose();
      const verdict = verdictText();
      expect(verdict).toContain('Busy');
      expect(verdict).toContain(`PID ${holder.pid}, ${heldAs}`);
      expect(verdict).not.toContain('Healthy');
      expect(verdict).not.toContain('File corrupt');
      expect(slack.buttons(/^choose_path_/)).toEqual([]);
      const recover = await harness.command('recover duckdb path=a');
      expect(recover.status).toBe(200);
      await harness.settle();
      const refusal = slack.responses.at(-1)?.body.text as string;
      expect(refusal).toContain(`PID ${holder.pid}`);
      expect(refusal).toMatch(/refused, nothing was run/);
      expect(fs.existsSync(checkout.databasePath)).toBe(true);
      expect(slack.buttons('approve_plan')).toEqual([]);
    } finally {
      holder.kill();
      await holder.catch(() => undefined);
    }
  });
});
