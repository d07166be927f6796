// The floor for scenario 1's diagnosis: a bare @duckdb/node-api script that opens the file read-only, runs SELECT 1 and
// reads every table in full the same way the diagnosis does. Prints {ms, peakRssMiB} as JSON.
// Argv: file [memory_limit] [threads]: with either, DuckDB is capped as the bot caps its reads (readOnlyOptions).
import { DuckDBInstance } from '@duckdb/node-api';
import { readOnlyOptions } from '../../src/duckdb/open.js';

const [file, memoryLimit, threads] = process.argv.slice(2) as [string, string | undefined, string | undefined];
const started = performance.now();
const instance = await DuckDBInstance.create(file, readOnlyOptions({ memoryLimit: memoryLimit || undefined, threads: threads ? Number(threads) : undefined }));
const connection = await instance.connect();
await connection.run('SELECT 1');
const listing = await connection.runAndReadAll(
  'SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY schema_name, table_name',
);
for (const [schema, table] of listing.getRows()) {
  await connection.runAndReadAll(`SELECT count(*), bit_xor(hash(scanned)) FROM "${String(schema)}"."${String(table)}" AS scanned`);
}
connection.closeSync();
instance.closeSync();
const ms = performance.now() - started;
const status = await import('node:fs').then((fs) => fs.readFileSync('/proc/self/status', 'utf8'));
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
console.log(JSON.stringify({ ms, peakRssMiB: peakKiB / 1024 }));
