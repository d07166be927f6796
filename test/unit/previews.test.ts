// A plan's previews: counts read when the plan is proposed; one that cannot be taken refuses the plan in one clear line.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { runPreviews } from '../../src/engine/previews.js';
import { UserError } from '../../src/errors.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-previews-');

describe('runPreviews', () => {
  it('counts, binding the values', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { raw_ebird: 100 });
    const [count] = await runPreviews([{ id: 'rows', title: 'Rows to delete', sql: 'SELECT count(*) FROM raw_ebird WHERE id < ?', params: ['{{limit}}'] }], { limit: '40' }, localTarget(file));
    expect(count).toMatchObject({ id: 'rows', value: 40, params: ['40'] });
  });

  it('refuses the plan naming the count, the database and DuckDB\'s first line, without its guess at another table', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { raw_noaa: 10 });
    const attempt = runPreviews([{ id: 'rows', title: 'Raw rows in the window', sql: 'SELECT count(*) FROM observations', params: [] }], {}, localTarget(file));
    await expect(attempt).rejects.toThrow(UserError);
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toMatch(new RegExp(`^cannot preview the plan: its count "Raw rows in the window" failed on ${file.replace(/[.]/g, '\\.')}: Catalog Error: Table with name observations does not exist!`));
    expect(message).not.toContain('Did you mean');
    expect(message).not.toContain('\n');
    expect(message).toMatch(/; nothing was proposed \(diagnose first: the diagnosis says what is wrong with the data\)$/);
  });
});
