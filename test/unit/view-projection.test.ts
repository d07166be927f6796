// Tests which views a put-back writes through (src/engine/steps/view-projection.ts): one showing a table whole, as SQLMesh serves a model, and no other.
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { servedThrough } from '../../src/engine/steps/view-projection.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-view-projection-');

async function fileWith(sql: string): Promise<string> {
  const file = path.join(tempDir(), 'databox.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
  return file;
}

async function through(file: string, table: string) {
  const session = await localTarget(file).open({ writable: false });
  try {
    return await servedThrough(session, table, 'REFUSED');
  } finally {
    await session.close();
  }
}

describe('the table a view shows whole', () => {
  it('is found through a view over a view, and an unqualified name in the view\'s own schema', async () => {
    const file = await fileWith(`CREATE SCHEMA sqlmesh__ebird; CREATE TABLE sqlmesh__ebird."Fct__1" (day_date DATE, n INT);
      CREATE SCHEMA ebird; CREATE VIEW ebird.inner_v AS SELECT * FROM sqlmesh__ebird."Fct__1"; CREATE VIEW ebird.fct AS SELECT * FROM inner_v;`);
    expect(await through(file, '"ebird"."fct"')).toEqual({ view: '"ebird"."fct"', viewShown: 'ebird.fct', table: '"sqlmesh__ebird"."Fct__1"', shown: 'sqlmesh__ebird.Fct__1' });
    expect(await through(file, '"sqlmesh__ebird"."Fct__1"'), 'a base table is written to as it is').toBeUndefined();
  });

  it('is none for a view that filters, joins or renames columns: refused, naming the view', async () => {
    const file = await fileWith(`CREATE SCHEMA s; CREATE TABLE s.t (day_date DATE, n INT); CREATE TABLE s.u (day_date DATE, n INT);
      CREATE VIEW s.filtered AS SELECT * FROM s.t WHERE n > 0; CREATE VIEW s.joined AS SELECT * FROM s.t JOIN s.u USING (day_date);
      CREATE VIEW s.renamed (d, m) AS SELECT * FROM s.t; CREATE VIEW s.chosen AS SELECT day_date FROM s.t;`);
    for (const view of ['filtered', 'joined', 'renamed', 'chosen']) {
      await expect(through(file, `"s"."${view}"`), view).rejects.toThrow(new RegExp(`^s\\.${view} is a view \\(CREATE VIEW .+\\), and .+: REFUSED$`));
    }
  });
});
