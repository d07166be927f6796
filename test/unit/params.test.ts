// Tests validateParameters and rawParameters (src/runbook/params.ts) against typed runbook parameter declarations, with real files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { isCalendarDate, rawParameters, validateParameters, type ParameterContext } from '../../src/runbook/params.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import { holderReady } from '../helpers/holder-ready.js';

const rb = parseRunbook(
  `
id: params-test
title: Parameter test
section: 9
summary: Declares one parameter of every type.
symptoms: [none]
parameters:
  day: { type: date, description: the day to look at }
  at: { type: timestamp, description: when it started }
  table: { type: identifier, description: a raw table }
  schedules: { type: names, description: schedules to start }
  mode:
    type: enum
    description: how hard to try
    values:
      fast: { threads: 4 }
      slow: { threads: 1 }
  limit: { type: integer, min: 1, max: 100, description: how many }
  rows: { type: integer, required: false, default: "10", description: rows to show }
  backup: { type: path, mustBe: duckdb-file, description: a backup copy }
  outdir: { type: path, mustBe: directory, description: where to write }
  target: { type: path, mustBe: absent, description: a new file }
  snapshot: { type: snapshot-name, required: false, description: a named snapshot }
exclusive: [[at, snapshot]]
diagnosis:
  # Taken here only so that each declared parameter is some command's (the load refuses one no command takes).
  parameters: [day, at, table, schedules, mode, limit, rows, backup, outdir, target, snapshot]
  steps:
    - { id: open, kind: duckdb-open, title: Open, path: "{{database_path}}" }
  verdicts:
    - { id: healthy, title: Healthy, advice: Nothing to do., severity: critical }
recovery:
  - id: a
    title: Nothing
    description: Does nothing.
    steps:
      - { id: noop, kind: command, title: Nothing, argv: ["true"] }
validation:
  steps:
    - { id: noop, kind: command, title: Nothing, argv: ["true"] }
`,
  'params-test.yml',
);

const tempDir = useTempDirs('databox-params-');
let root: string;
let ctx: ParameterContext;

beforeAll(async () => {
  root = tempDir();
  ctx = { root, now: new Date('2026-04-20T10:00:00Z') };
  fs.mkdirSync(path.join(root, 'backups'));
  await createDuckdbFile(path.join(root, 'backups', 'good.duckdb'), { raw_ebird: 100 });
  fs.writeFileSync(path.join(root, 'backups', 'notes.txt'), 'this is not a database\n'.repeat(200));
});

/** What a refusal of a backup that is not there says to give instead: the runbook's description of backup=. */
const giveBackup = ". backup= is a backup copy: give its full path, as it is on the bot's host";

/** Validates one parameter alone and returns its value, or the error message. */
async function one(name: string, raw: string): Promise<unknown> {
  const values = await validateParameters(rb, [name], { [name]: raw }, ctx);
  return values[name];
}

async function problemOf(allowed: string[], raw: Record<string, string>): Promise<string> {
  try {
    await validateParameters(rb, allowed, raw, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('dates', () => {
  it.each(['2026-04-18', '2024-02-29', '2026-12-31', '2026-01-01'])('accepts %s as is', async (text) => {
    expect(await one('day', text)).toBe(text);
  });

  it.each(['2026-02-30', '2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00'])('refuses the impossible date %s', async (text) => {
    expect(await problemOf(['day'], { day: text })).toBe(`day=${text} is not a date (${text} is no day of the calendar): use YYYY-MM-DD, e.g. day=2026-04-18`);
  });

  it.each([' 2026-04-18', '2026-04-18 '])('takes %j, pasted with a space, as the date it is', async (text) => {
    expect(await one('day', text)).toBe('2026-04-18');
  });

  it.each(['2026-4-18', '20260418', '18/04/2026', '2026-04-18T00:00', 'yesterday'])(
    'refuses the malformed date %j',
    async (text) => {
      expect(await problemOf(['day'], { day: text })).toBe(`day=${text} is not a date: use YYYY-MM-DD, e.g. day=2026-04-18`);
    },
  );

  it('isCalendarDate agrees', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
  });
});

describe('timestamps', () => {
  it('normalises to "YYYY-MM-DD HH:MM:SS", filling in seconds', async () => {
    expect(await one('at', '2026-04-18 10:15')).toBe('2026-04-18 10:15:00');
    expect(await one('at', '2026-04-18T23:59:59')).toBe('2026-04-18 23:59:59');
  });

  it('keeps a fraction of a second to the microsecond, as snapshot times are shown, and drops one that is zero', async () => {
    expect(await one('at', '2026-04-18 10:15:07.5')).toBe('2026-04-18 10:15:07.500000');
    expect(await one('at', '2026-04-18T10:15:07.000250')).toBe('2026-04-18 10:15:07.000250');
    expect(await one('at', '2026-04-18 10:15:07.000')).toBe('2026-04-18 10:15:07');
  });

  it.each(['2026-04-18T10:15:07Z', '2026-04-18 10:15:07 UTC', '2026-04-18 10:15:07+00:00'])('takes %j, whose zone is UTC itself, as the same moment', async (text) => {
    expect(await one('at', text)).toBe('2026-04-18 10:15:07');
  });

  it.each([
    ['2026-04-18 10:15:07+02:00', '+02:00', '2026-04-18 08:15:07'],
    ['2026-04-18T01:30-0500', '-0500', '2026-04-18 06:30:00'],
    ['2026-04-20 16:00:00.123456+02:00', '+02:00', '2026-04-20 14:00:00.123456'],
  ])('refuses %j, naming its zone and the same moment in UTC', async (text, zone, utc) => {
    expect(await problemOf(['at'], { at: text })).toBe(`at=${text} carries a time zone (${zone}): moments are given in UTC, without one; in UTC that is at="${utc}"`);
  });

  it('says what to type for a day alone, and that a zone name cannot be converted', async () => {
    expect(await problemOf(['at'], { at: '2026-04-18' })).toBe('at=2026-04-18 is not a timestamp: use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds); for the start of that day in UTC: at="2026-04-18 00:00:00"');
    expect(await problemOf(['at'], { at: '2026-04-18 12:00:00 CEST' })).toBe(
      `at=2026-04-18 12:00:00 CEST is not a timestamp: use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds); CEST is a zone name the bot cannot convert: give the moment in UTC; it is "2026-04-20 10:00:00" UTC now, to count from`,
    );
    expect(await problemOf(['at'], { at: '2026-04-18 12:00:00 Europe/Paris' })).toMatch(/; Europe\/Paris is a zone name the bot cannot convert: give the moment in UTC; it is "[\d-]+ [\d:]+" UTC now, to count from$/);
    expect(await problemOf(['at'], { at: '2026-04-18 12:00:00 America/Argentina/Buenos_Aires' })).toMatch(/; America\/Argentina\/Buenos_Aires is a zone name/);
    expect(await problemOf(['at'], { at: '2026-04-20 3pm' })).toMatch(/; the bot takes a 24-hour clock \(15:00:00, not 3pm\)$/);
    // GMT is UTC: taken as such, never named as a zone the bot cannot convert.
    expect(await problemOf(['at'], { at: '2026-04-18 24:00:00 GMT' })).toMatch(/; GMT is UTC: write the moment without it$/);
  });

  it.each(['2 hours ago', 'yesterday 23:00', 'yesterday'])('refuses %j, saying the time now as it is to be written, to count from', async (text) => {
    expect(await problemOf(['at'], { at: text })).toBe(`at=${text} is not a timestamp: use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds); it is "2026-04-20 10:00:00" UTC now, to count from`);
  });

  it('names a day the calendar does not have, and takes a date or moment with spaces around it as it is', async () => {
    expect(await problemOf(['at'], { at: '2026-02-30 10:00:00' })).toBe('at=2026-02-30 10:00:00 is not a timestamp (2026-02-30 is no day of the calendar): use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds)');
    expect(await validateParameters(rb, ['at'], { at: '  2026-04-18 10:15:07  ' }, ctx)).toEqual({ at: '2026-04-18 10:15:07' });
  });

  it('says the moment meant for an hour of one digit, and for a time alone (today in UTC)', async () => {
    expect(await problemOf(['at'], { at: '2026-04-18 2:00' })).toBe(
      'at=2026-04-18 2:00 is not a timestamp: use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds); with the hour in two digits: at="2026-04-18 02:00:00"',
    );
    expect(await problemOf(['at'], { at: '02:00' })).toBe(
      'at=02:00 is not a timestamp: use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds); a time alone needs its day: today\'s in UTC is at="2026-04-20 02:00:00"',
    );
  });

  it.each(['2026-04-18 10:15:07+99:99', '2026-04-18 10:15:07+15:00', '2026-04-18 24:00:00', '2026-04-18 10:60', '2026-04-18 10:15:60', '2026-04-18 10:15:07.1234567', '2026-04-18 10:15.5', '2026-04-18 10:15:07.'])(
    'refuses %j',
    async (text) => {
      expect(await problemOf(['at'], { at: text })).toBe(`at=${text} is not a timestamp: use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds)`);
    },
  );
});

describe('the placeholder of a command the bot showed', () => {
  it.each(['…', '...', ' … '])('typed as %j, is named as the placeholder, with what goes in its place', async (text) => {
    expect(await problemOf(['day'], { day: text })).toBe(`day=${text.trim()} is the placeholder of the command shown: put ${rb.parameters.day?.description} in its place`);
  });
});

describe('identifiers', () => {
  it.each(['raw_ebird', '_private', 'T1', 'a'.repeat(63)])('accepts %s', async (text) => {
    expect(await one('table', text)).toBe(text);
  });

  it.each(['raw_ebird; DROP TABLE x', 'raw-ebird', '1raw', 'main.raw_ebird', '"raw_ebird"', 'raw ebird', 'a'.repeat(64), "x' OR '1'='1"])(
    'refuses %j',
    async (text) => {
      expect(await problemOf(['table'], { table: text })).toBe(
        `table=${text} is not a plain identifier (letters, digits and _, starting with a letter or _)`,
      );
    },
  );

  it('names the letter that is not a plain one', async () => {
    expect(await problemOf(['table'], { table: 'tablé' })).toBe(
      'table=tablé (it holds "é" (U+00E9), not a plain ASCII character after "tabl") is not a plain identifier (letters, digits and _, starting with a letter or _)',
    );
  });
});

describe('snapshot names', () => {
  // MotherDuck's names are 1–255 characters; quotes and spaces are the literal renderer's to double, not a reason to refuse.
  it.each(['pre_mart_rewrite_20260421', 'databox_bot_dbx_20260420_3fa2_swap_20260420T120000Z', "team's nightly (v2.1)", 'Ünïcode-name', 'x'.repeat(255)])('accepts %j', async (text) => {
    expect(await one('snapshot', text)).toBe(text);
  });

  it('refuses a name longer than 255 characters, or with a control character', async () => {
    expect(await problemOf(['snapshot'], { snapshot: 'x'.repeat(256) })).toBe(`snapshot: a snapshot name has 1 to 255 characters; "${'x'.repeat(40)}" has 256`);
    expect(await problemOf(['snapshot'], { snapshot: 'a\u200fb' })).toBe('snapshot: the snapshot name "a\u200fb" contains a control character (it holds a right-to-left mark (U+200F) after "a")');
  });

  it('refuses a moment and a named snapshot given together, where the runbook takes one of them', async () => {
    expect(await problemOf(['at', 'snapshot'], { at: '2026-04-20 09:00:00', snapshot: 'pre_rewrite' })).toBe('give one of at= or snapshot=, not both: at and snapshot ask for different things');
    expect(await validateParameters(rb, ['snapshot'], { snapshot: 'pre_rewrite' }, ctx)).toEqual({ snapshot: 'pre_rewrite' });
  });
});

describe('names', () => {
  it.each([
    ['all_pipelines_daily', 'all_pipelines_daily'],
    ['a,b', 'a,b'],
    ['a, b ,a', 'a,b'],
    ['2026_export,  soda_hourly', '2026_export,soda_hourly'],
  ])('reads %j as %j: the list, in order, once each', async (text, expected) => {
    expect(await one('schedules', text)).toBe(expected);
  });

  it('refuses an empty list and names what is not a name', async () => {
    expect(await problemOf(['schedules'], { schedules: ' , ' })).toBe('schedules= names nothing: give one or more names separated by commas, e.g. schedules=all_pipelines_daily');
    expect(await problemOf(['schedules'], { schedules: 'ok,--start-all,a.b' })).toBe('schedules: "--start-all", "a.b" are not names (letters, digits and _ only, separated by commas)');
    expect(await problemOf(['schedules'], { schedules: 'ebird\t' })).toBe('schedules= contains a tab: a value is one line of plain text');
  });
});

describe('enums', () => {
  it("gives the value with the attributes the runbook declared for it", async () => {
    expect(await one('mode', 'fast')).toEqual({ _value: 'fast', threads: 4 });
    expect(await one('mode', 'slow')).toEqual({ _value: 'slow', threads: 1 });
  });

  it.each(['medium', 'toString', 'constructor', '__proto__', 'hasOwnProperty'])('refuses %j, listing the values', async (text) => {
    expect(await problemOf(['mode'], { mode: text })).toBe(`mode=${text} is not one of: fast, slow`);
  });

  // A phone's capital, a stray space or a letter off: refused all the same (values are taken as typed), naming the one meant.
  it.each(['FAST', 'Fast', 'fast ', 'fsat'])('refuses %j, naming the value it is close to', async (text) => {
    expect(await problemOf(['mode'], { mode: text })).toBe(`mode=${text} is not one of: fast, slow (did you mean mode=fast?)`);
  });

  // Both read as "fast" in Slack: what is wrong with them has to be said, or the refusal reads as nonsense.
  it.each([
    ['fa\u200bst', 'a zero-width space (U+200B) after "fa"'],
    ['f\u0430st', '"\u0430" (U+0430), not a plain ASCII character after "f"'],
  ])('names the character in %j that makes it look like a value it is not', async (text, said) => {
    expect(await problemOf(['mode'], { mode: text })).toBe(`mode=${text} is not one of: fast, slow (it holds ${said}: retype it)`);
  });

  it('names a hyphen look-alike as a character, saying to type a plain hyphen', async () => {
    // Pasted from a document that joins words with a non-breaking hyphen (U+2011): not "a plain ASCII letter".
    const said = await problemOf(['mode'], { mode: 'db\u2011copy' });
    expect(said).toContain('(it holds a non-breaking hyphen "\u2011" (U+2011) after "db" (type a plain hyphen - instead): retype it)');
    expect(said).not.toContain('letter');
  });
});

describe('integers', () => {
  it('gives numbers within the bounds, the bounds included', async () => {
    expect(await one('limit', '1')).toBe(1);
    expect(await one('limit', '100')).toBe(100);
    expect(await one('limit', '042')).toBe(42);
  });

  it('refuses numbers outside the bounds', async () => {
    expect(await problemOf(['limit'], { limit: '0' })).toBe('limit=0 is below the minimum 1');
    expect(await problemOf(['limit'], { limit: '-5' })).toBe('limit=-5 is below the minimum 1');
    expect(await problemOf(['limit'], { limit: '101' })).toBe('limit=101 is above the maximum 100');
  });

  it.each(['1.5', '1e2', '0x10', ' 5', '5 ', 'ten', '+5', '1234567890123456'])('refuses %j as not a whole number', async (text) => {
    expect(await problemOf(['limit'], { limit: text })).toBe(`limit=${text} is not a whole number`);
  });

  it('uses the declared default when the parameter is not given, or given empty (a cleared form field)', async () => {
    expect(await validateParameters(rb, ['rows'], {}, ctx)).toEqual({ rows: 10 });
    expect(await validateParameters(rb, ['rows'], { rows: '' }, ctx)).toEqual({ rows: 10 });
  });
});

describe('paths', () => {
  it('accepts a real DuckDB file, resolved against the root', async () => {
    expect(await one('backup', 'backups/good.duckdb')).toBe(path.join(root, 'backups', 'good.duckdb'));
    expect(await one('backup', path.join(root, 'backups', 'good.duckdb'))).toBe(path.join(root, 'backups', 'good.duckdb'));
  });

  it('refuses a directory where a DuckDB file must be', async () => {
    expect(await problemOf(['backup'], { backup: 'backups' })).toBe(
      `backup=backups: ${path.join(root, 'backups')} is a directory, expected a file`,
    );
  });

  it('refuses a text file, saying it is not a DuckDB database file and what it looks like', async () => {
    const message = await problemOf(['backup'], { backup: 'backups/notes.txt' });
    expect(message).toMatch(
      new RegExp(`^backup=backups/notes.txt: ${escapeRegExp(path.join(root, 'backups', 'notes.txt'))} does not open read-only as a DuckDB database: .*is not a DuckDB database file: it looks like a text file`),
    );
  });

  it('says of a gzip\'d backup that it may be a compressed copy, and how to get the database out of it', async () => {
    const file = path.join(root, 'backups', 'nightly.duckdb');
    await createDuckdbFile(file, { observations: 1_000 });
    await execa('gzip', ['-k', '-f', file]);
    expect(await problemOf(['backup'], { backup: 'backups/nightly.duckdb.gz' })).toBe(
      `backup=backups/nightly.duckdb.gz: ${file}.gz does not open read-only as a DuckDB database: it is not a DuckDB database file: it looks like a gzip archive, perhaps a compressed copy of a database (\`gunzip -c\` it into a file of its own) (it starts with 1f 8b)`,
    );
  });

  it('refuses a DuckDB backup whose main header is damaged, saying so, before any plan is made', async () => {
    const file = path.join(root, 'backups', 'header-hit.duckdb');
    await createDuckdbFile(file, { observations: 1_000 });
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('XXXX'), 0, 4, 8);
    fs.closeSync(fd);
    expect(await problemOf(['backup'], { backup: 'backups/header-hit.duckdb' })).toMatch(
      new RegExp(`^backup=backups/header-hit.duckdb: ${escapeRegExp(file)} is a damaged DuckDB database file: no "DUCK" magic at byte 8 \\(it starts with [0-9a-f ]+\\), but both database headers after it carry DuckDB's own checksum$`),
    );
  });

  it('refuses a backup whose latest changes are only in its write-ahead log, which a copy of the file alone would lose', async () => {
    const file = path.join(root, 'backups', 'nightly.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    // No checkpoint on close: the rows stay in nightly.duckdb.wal, as after a crash or a copy taken mid-write.
    await connection.run("SET checkpoint_threshold = '1GB'; PRAGMA disable_checkpoint_on_shutdown; CREATE TABLE after_wal AS SELECT range AS id FROM range(5000)");
    connection.closeSync();
    instance.closeSync();
    const wal = fs.statSync(`${file}.wal`);
    expect(wal.size).toBeGreaterThan(0);
    expect(await problemOf(['backup'], { backup: 'backups/nightly.duckdb' })).toBe(
      `backup=backups/nightly.duckdb: a write-ahead log beside it holds its latest changes, which a copy of the file alone would lose: checkpoint it first (open it read-write with DuckDB and run CHECKPOINT), or give a copy without one (${file}.wal, ${wal.size} bytes)`,
    );
    // An empty log holds nothing: the file alone is the whole backup.
    fs.writeFileSync(`${file}.wal`, '');
    expect(await one('backup', 'backups/nightly.duckdb')).toBe(file);
  });

  it('refuses a backup with random bytes at its write-ahead log\'s path by what that file is, never as a log holding its latest changes', async () => {
    const file = path.join(root, 'backups', 'noisy.duckdb');
    const instance = await DuckDBInstance.create(file);
    instance.closeSync();
    // Led by a byte no log begins with (0x64) nor text does: random bytes, whatever the rest.
    fs.writeFileSync(`${file}.wal`, Buffer.concat([Buffer.from([0xff]), crypto.randomBytes(2999)]));
    const problem = await problemOf(['backup'], { backup: 'backups/noisy.duckdb' });
    // Before: "a write-ahead log beside it holds its latest changes, which a copy of the file alone would lose".
    expect(problem).not.toContain('holds its latest changes');
    expect(problem).toBe(
      `backup=backups/noisy.duckdb: a file is at its write-ahead log's path, ${file}.wal (3000 bytes), that does not begin as a DuckDB write-ahead log does, so DuckDB reads nothing from it and the backup reads as of its last checkpoint, without whatever that file was meant to hold: find out what it is and move it away from the backup, or give a copy without one`,
    );
  });

  it('refuses a backup another process holds open for writing, with a log beside it, naming that process: no checkpoint can take the lock from it', async () => {
    const file = path.join(root, 'backups', 'held.duckdb');
    await createDuckdbFile(file, { observations: 1_000 });
    // A writer that keeps its last write in the log, and the file open.
    const holder = execa(process.execPath, [
      '-e',
      `const { DuckDBInstance } = require('@duckdb/node-api');
       DuckDBInstance.create(${JSON.stringify(file)}).then(async (instance) => {
         const connection = await instance.connect();
         await connection.run("SET checkpoint_threshold = '1GB'; CREATE TABLE written_since AS SELECT 1 AS x");
         globalThis.held = { instance, connection };
         console.log('ready');
         setInterval(() => {}, 1000);
       });`,
    ]);
    await holderReady(holder);
    try {
      const problem = await problemOf(['backup'], { backup: 'backups/held.duckdb' });
      expect(problem).toMatch(new RegExp(`^backup=backups/held\\.duckdb: ${escapeRegExp(file)} is held open for writing by PID ${holder.pid} \\(.+\\), and a write-ahead log beside it holds changes a copy of the file alone would lose \\(${escapeRegExp(file)}\\.wal, \\d+ bytes\\): let that process finish or stop it`));
      expect(problem).not.toContain('checkpoint it first');
    } finally {
      holder.kill();
      await holder.catch(() => undefined);
    }
  });

  it('names where a backup that is a symbolic link to nothing points', async () => {
    const link = path.join(root, 'backups', 'dangling.duckdb');
    fs.symlinkSync(path.join(root, 'backups', 'nothing.duckdb'), link);
    expect(await problemOf(['backup'], { backup: 'backups/dangling.duckdb' })).toBe(
      `backup=backups/dangling.duckdb: ${link} is a symbolic link to ${path.join(root, 'backups', 'nothing.duckdb')}, which does not exist`,
    );
  });

  it('refuses the kernel\'s files as a backup, and shows none of the bytes of a file in no format it knows', async () => {
    expect(await problemOf(['backup'], { backup: '/proc/self/environ' })).toBe(
      'backup=/proc/self/environ: /proc/self/environ is under /proc, where the kernel shows processes and devices, not where a backup is kept: give a DuckDB file',
    );
    const secret = path.join(root, 'backups', 'secret.bin');
    fs.writeFileSync(secret, Buffer.from([0x01, 0x02, 0x53, 0x45, 0x43, 0x52, 0x45, 0x54, 0x00, 0xff, 0xfe]));
    const problem = await problemOf(['backup'], { backup: 'backups/secret.bin' });
    expect(problem).toBe(`backup=backups/secret.bin: ${secret} does not open read-only as a DuckDB database: it is not a DuckDB database file: it looks like an unknown format (no "DUCK" magic at byte 8)`);
  });

  it("refuses a missing file and does not create it, saying what to give from the runbook's words for the parameter", async () => {
    const missing = path.join(root, 'backups', 'gone.duckdb');
    expect(await problemOf(['backup'], { backup: 'backups/gone.duckdb' })).toBe(`backup=backups/gone.duckdb: ${missing} does not exist${giveBackup}`);
    expect(await problemOf(['outdir'], { outdir: '/nope' })).toBe("outdir=/nope: /nope does not exist. outdir= is where to write: give its full path, as it is on the bot's host");
    expect(fs.existsSync(missing)).toBe(false);
    expect(fs.existsSync(`${missing}.wal`)).toBe(false);
  });

  it('names the period or comma a path that does not exist ends with, and the path without it when that one exists', async () => {
    expect(await problemOf(['backup'], { backup: 'backups/good.duckdb.' })).toBe(
      `backup=backups/good.duckdb.: ${path.join(root, 'backups', 'good.duckdb.')} does not exist; it ends with a period, as if copied with the end of a sentence: backup=backups/good.duckdb exists`,
    );
    expect(await problemOf(['backup'], { backup: 'backups/gone.duckdb,' })).toBe(`backup=backups/gone.duckdb,: ${path.join(root, 'backups', 'gone.duckdb,')} does not exist; it ends with a comma: check that is part of the name`);
  });

  it('says a path starting with ~ is not expanded, rather than that a folder "~" under the root does not exist', async () => {
    for (const typed of ['~/backups/good.duckdb', '~', '~ops/backups/good.duckdb']) {
      expect(await problemOf(['backup'], { backup: typed })).toBe(`backup=${typed} starts with ~, which is not expanded here (no shell reads the value): give the full path, or one from ${root}`);
    }
    // A file whose name starts with ~ is a name, not a home directory.
    expect(await problemOf(['backup'], { backup: 'backups/~good.duckdb' })).toBe(`backup=backups/~good.duckdb: ${path.join(root, 'backups', '~good.duckdb')} does not exist${giveBackup}`);
  });

  it('says a space typed inside the quotes at either end of a path, rather than that the file does not exist', async () => {
    expect(await problemOf(['backup'], { backup: ' /backups/good.duckdb' })).toBe('backup=" /backups/good.duckdb" starts with a space, which would be part of the path: give it without, backup="/backups/good.duckdb"');
    expect(await problemOf(['backup'], { backup: 'backups/good.duckdb ' })).toBe('backup="backups/good.duckdb " ends with a space, which would be part of the path: give it without, backup="backups/good.duckdb"');
  });

  // Both read as "backups/my copy.duckdb", which `ls` shows: what is wrong has to be said, or the refusal reads as nonsense.
  it.each([
    ['backups/my\u00a0copy.duckdb', 'a non-breaking space (U+00A0) after "backups/my"'],
    ['backups/my \u200bcopy.duckdb', 'a zero-width space (U+200B) after "backups/my "'],
  ])('names the hidden character in a path that does not exist (%j)', async (typed, said) => {
    expect(await problemOf(['backup'], { backup: typed })).toBe(`backup=${typed} (it holds ${said}): ${path.join(root, typed)} does not exist${giveBackup}`);
  });

  it('names a hidden character in any value refused, once', async () => {
    expect(await problemOf(['day'], { day: '2026-04-18\u200b' })).toBe('day=2026-04-18\u200b (it holds a zero-width space (U+200B) after "2026-04-18") is not a date: use YYYY-MM-DD, e.g. day=2026-04-18');
    expect(await problemOf(['limit'], { limit: '1\u00a00' })).toBe('limit=1\u00a00 (it holds a non-breaking space (U+00A0) after "1") is not a whole number');
    // Named by the refusal itself: not named twice.
    expect(await problemOf(['mode'], { mode: 'fa\u200bst' })).toBe('mode=fa\u200bst is not one of: fast, slow (it holds a zero-width space (U+200B) after "fa": retype it)');
    expect(await problemOf(['backup'], { backup: 'backups/\u202egood.duckdb' })).toBe('backup= contains an invisible control character (U+202E): a value is one line of plain text');
  });

  it('refuses a NUL byte', async () => {
    expect(await problemOf(['backup'], { backup: 'backups/good.duckdb\0x' })).toBe('backup: a path cannot contain a NUL byte');
  });

  it('checks mustBe directory and mustBe absent', async () => {
    expect(await one('outdir', 'backups')).toBe(path.join(root, 'backups'));
    expect(await problemOf(['outdir'], { outdir: 'backups/notes.txt' })).toBe(
      `outdir=backups/notes.txt: ${path.join(root, 'backups', 'notes.txt')} is not a directory`,
    );
    expect(await one('target', 'backups/new.duckdb')).toBe(path.join(root, 'backups', 'new.duckdb'));
    expect(await problemOf(['target'], { target: 'backups/good.duckdb' })).toBe(
      `target=backups/good.duckdb: ${path.join(root, 'backups', 'good.duckdb')} already exists`,
    );
  });
});

describe('unknown, missing and several problems', () => {
  it('refuses a parameter the command does not take, naming the ones it does', async () => {
    expect(await problemOf(['day'], { day: '2026-04-18', snapshot: 'x' })).toBe('unknown parameter "snapshot": this command takes day (snapshot= is for diagnose params-test)');
    // Declared in the runbook, but not a parameter of this command.
    expect(await problemOf([], { backup: 'backups/good.duckdb' })).toBe('unknown parameter "backup": this command takes no parameters (backup= is for diagnose params-test)');
  });

  it('names a missing required parameter, its shape and description', async () => {
    expect(await problemOf(['day'], {})).toBe('missing day=YYYY-MM-DD: the day to look at');
    expect(await problemOf(['backup'], { backup: '' })).toBe('missing backup=<path>: a backup copy');
    expect(await problemOf(['mode'], {})).toBe('missing mode=fast|slow: how hard to try');
  });

  it('reports every problem at once, one per line', async () => {
    const message = await problemOf(['day', 'table', 'limit', 'mode'], {
      day: '2026-02-30',
      table: 'raw_ebird; DROP TABLE x',
      mode: 'fast',
      snapshot: 'x',
    });
    expect(message.split('\n').sort()).toEqual(
      [
        'unknown parameter "snapshot": this command takes day, table, limit, mode (snapshot= is for diagnose params-test)',
        'day=2026-02-30 is not a date (2026-02-30 is no day of the calendar): use YYYY-MM-DD, e.g. day=2026-04-18',
        'table=raw_ebird; DROP TABLE x is not a plain identifier (letters, digits and _, starting with a letter or _)',
        'missing limit=<integer>: how many',
      ].sort(),
    );
  });

  it('returns only the allowed parameters, typed', async () => {
    const values = await validateParameters(rb, ['day', 'limit', 'mode', 'rows'], { day: '2026-04-18', limit: '7', mode: 'slow' }, ctx);
    expect(values).toEqual({ day: '2026-04-18', limit: 7, mode: { _value: 'slow', threads: 1 }, rows: 10 });
  });
});

describe('rawParameters', () => {
  it('turns validated values back into the text an operator typed, which validates to the same values', async () => {
    const raw = { day: '2026-04-18', limit: '7', mode: 'slow', at: '2026-04-18 10:15:00' };
    const values = await validateParameters(rb, Object.keys(raw), raw, ctx);
    expect(rawParameters(values)).toEqual(raw);
    expect(await validateParameters(rb, Object.keys(raw), rawParameters(values), ctx)).toEqual(values);
  });
});
