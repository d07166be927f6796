// Scenario 1's verdicts on files that are not damaged but cannot be read, through the real Bolt app: a table too large for
// DuckDB's memory cap, a directory at the database's path or at its write-ahead log's. None is called corrupt, and no recovery that moves the
// file aside is offered. A file of its own, isolated: its bot sets DuckDB's read caps, which a reader thread keeps.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { startBot } from '../helpers/bot-harness.js';
import { createHealthyDatabase } from '../helpers/databox-checkout.js';
import { useStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
const stage = useStandIns();

describe('/databox diagnose duckdb on a file that is not damaged', () => {
  it('calls a table too large for DuckDB\'s memory cap out of memory, naming the table and the settings the operator can change, not corrupt, and offers no path', async () => {
    // One 30 MiB value: a healthy file whose full read needs more than a 16 MB cap.
    const instance = await DuckDBInstance.create(stage.checkout.databasePath);
    const connection = await instance.connect();
    await connection.run("CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.payloads AS SELECT repeat('x', 30 * 1024 * 1024) AS payload");
    connection.closeSync();
    instance.closeSync();
    stage.harness = await startBot(stage.checkout, stage.slack, { DATABOX_DUCKDB_MEMORY_LIMIT: '16MB' });
    await stage.harness.command('diagnose duckdb');
    await stage.harness.settle();
    const verdict = verdictTextOf(stage.slack);
    expect(verdict).toContain('A full read ran out of memory, not on damage');
    expect(verdict).toMatch(/DuckDB ran out of memory reading raw_ebird\.payloads under the bot's cap \(15\.2 MiB, \d+ threads?\): Out of Memory Error/);
    expect(verdict).toContain('raise DATABOX_DUCKDB_MEMORY_LIMIT');
    expect(verdict).toContain('DATABOX_DUCKDB_THREADS');
    // DuckDB's own advice is for its shell: the operator cannot SET anything on the bot's reads, and nothing holds the file.
    expect(stage.slack.allText()).not.toMatch(/SET threads|SET memory_limit|Possible solutions/);
    expect(verdict).not.toMatch(/Held by another process|diagnose again once it is done/);
    expect(verdict).not.toContain('File corrupt');
    expect(stage.slack.buttons(/^choose_path_/)).toHaveLength(0);
    expect(fs.statSync(stage.checkout.databasePath).isFile(), 'the file is where it was').toBe(true);
  });

  it('names the encryption key an encrypted file needs, which the bot is not given, and offers no path', async () => {
    const memory = await DuckDBInstance.create(':memory:');
    const connection = await memory.connect();
    // Without httpfs DuckDB writes an encrypted file only when told its crypto is not secure: enough to make one here.
    await connection.run(`SET force_mbedtls_unsafe = 'true'; ATTACH '${stage.checkout.databasePath}' AS encrypted (ENCRYPTION_KEY 'the stack''s key'); CREATE SCHEMA encrypted.raw_ebird; CREATE TABLE encrypted.raw_ebird.observations AS SELECT range AS id FROM range(100); DETACH encrypted`);
    connection.closeSync();
    memory.closeSync();
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.harness.command('diagnose duckdb');
    await stage.harness.settle();
    const verdict = verdictTextOf(stage.slack);
    expect(verdict).toContain('Unreadable, but not damaged');
    expect(verdict).toContain(`without a key. The file is encrypted, and DuckDB opens it only with its encryption key (ATTACH '…' (ENCRYPTION_KEY '…')), which the bot is not given`);
    expect(stage.slack.buttons(/^choose_path_/)).toHaveLength(0);
  });

  it('calls a directory at the database\'s path what it is, and offers no path', async () => {
    fs.mkdirSync(stage.checkout.databasePath);
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.harness.command('diagnose duckdb');
    await stage.harness.settle();
    const verdict = verdictTextOf(stage.slack);
    expect(verdict).toContain('Something other than a file is at the database path');
    expect(verdict).toContain(`${stage.checkout.databasePath} is a directory, not a file`);
    expect(verdict).not.toContain('File corrupt');
    expect(stage.slack.buttons(/^choose_path_/)).toHaveLength(0);
  });

  it('refuses path A typed on a directory at the database\'s path saying what is there, not that the file is held or "not a regular file"', async () => {
    fs.mkdirSync(stage.checkout.databasePath);
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.harness.command('diagnose duckdb');
    await stage.harness.settle();
    await stage.harness.command('recover duckdb path=a');
    await stage.slack.waitFor('the refusal', () => stage.slack.responses.some((r) => String(r.body.text).includes('refused')), 60_000);
    const refusal = String(stage.slack.responses.find((r) => String(r.body.text).includes('refused'))?.body.text);
    // Before: "…did not pass: …/databox.duckdb is not a regular file", beside a title about another process.
    expect(refusal).toContain(`refused, nothing was run: the check "The database file is not held by another process" did not pass: something other than a file is at the path: ${stage.checkout.databasePath} is a directory, not a file. Nothing opens, moves or rebuilds it; look at what is there (a folder made by mistake, a mount), put it right by hand, then diagnose again`);
    expect(refusal).not.toContain('not a regular file');
    expect(fs.statSync(stage.checkout.databasePath).isDirectory(), 'the directory is where it was').toBe(true);
  });

  it('calls a directory at the write-ahead log\'s path what it is, not a reason hidden in DuckDB\'s error, and offers no path', async () => {
    await createHealthyDatabase(stage.checkout.databasePath, 1_000);
    fs.mkdirSync(`${stage.checkout.databasePath}.wal`);
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.harness.command('diagnose duckdb');
    await stage.harness.settle();
    const verdict = verdictTextOf(stage.slack);
    expect(verdict).toContain("Something other than a file is at the write-ahead log's path");
    expect(verdict).toContain(`${stage.checkout.databasePath}.wal, where DuckDB reads and writes the database's write-ahead log, is a directory, not a file`);
    expect(verdict).not.toMatch(/Unreadable|DuckDB names a storage version|File corrupt/);
    expect(stage.slack.buttons(/^choose_path_/)).toHaveLength(0);
  });
});
