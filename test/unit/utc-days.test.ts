// Days are UTC days whatever the host's time zone: a TIMESTAMPTZ cast to DATE in a connection the bot opens falls on the
// UTC day, so a window's edge rows are the ones its reload covers. Run in a child process started in a far time zone.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/fixtures.js';

const openModule = path.join(projectRoot, 'dist', 'src', 'duckdb', 'open.js');
const cast = "SELECT CAST(TIMESTAMPTZ '2026-11-20 23:30:00+00' AS DATE)::VARCHAR AS day, current_setting('TimeZone') AS zone";

async function inZone(zone: string, viaBot: boolean): Promise<unknown> {
  const script = viaBot
    ? `const { openDatabase } = await import(${JSON.stringify(openModule)});
       const db = await openDatabase(':memory:', true);
       console.log(JSON.stringify((await db.connection.runAndReadAll(${JSON.stringify(cast)})).getRowsJson()[0]));
       db.close();`
    : `const { DuckDBInstance } = await import('@duckdb/node-api');
       const connection = await (await DuckDBInstance.create(':memory:')).connect();
       console.log(JSON.stringify((await connection.runAndReadAll(${JSON.stringify(cast)})).getRowsJson()[0]));`;
  const { stdout } = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, env: { TZ: zone } });
  return JSON.parse(stdout);
}

describe('the day of a TIMESTAMPTZ', () => {
  it('is its UTC day in a connection the bot opens, where DuckDB alone would take the host zone\'s', async () => {
    expect(await inZone('Pacific/Kiritimati', false), 'DuckDB left to itself').toEqual(['2026-11-21', 'Pacific/Kiritimati']);
    expect(await inZone('Pacific/Kiritimati', true)).toEqual(['2026-11-20', 'UTC']);
  });
});
