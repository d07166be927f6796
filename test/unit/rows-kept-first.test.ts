// Tests the load-time rule that no row is deleted or changed that was not kept first (src/engine/steps/rows-kept-first.ts).
import { describe, expect, it } from 'vitest';
import { rowsKeptFirst, type RowChangingStep } from '../../src/engine/steps/rows-kept-first.js';

const where = "observation_date = DATE '2026-11-20'";
const keep = (over: Record<string, unknown> = {}) => ({ id: 'keep', kind: 'export-rows', table: '{{source.raw_table}}', where, params: [], expectRows: '{{previews.day}}', ...over });
const step = (sql: string, over: Partial<RowChangingStep> = {}): RowChangingStep => ({ sql, params: [], target: 'backend', expectRows: '{{previews.day}}', ...over });
const messages = (s: RowChangingStep, earlier: Record<string, unknown>[] = [keep()]) => rowsKeptFirst(s, earlier as never).map((issue) => `${issue.at.join('.')}: ${issue.message}`);

describe('rowsKeptFirst', () => {
  it('passes a DELETE of exactly the rows kept before it, however its spacing, case and template spacing are written', () => {
    expect(messages(step(`DELETE FROM {{source.raw_table}} WHERE ${where}`))).toEqual([]);
    expect(messages(step(`delete  from {{ source.raw_table }}\n  where observation_date = date '2026-11-20' -- the retracted day`))).toEqual([]);
  });

  it('refuses a DELETE whose WHERE differs from the rows kept only in a literal: another day would go, unkept', () => {
    expect(messages(step("DELETE FROM {{source.raw_table}} WHERE observation_date = DATE '2026-11-02'"))[0]).toMatch(
      /^sql: the rows this DELETE removes are not kept first: put an export-rows step before it with the same table \(\{\{source\.raw_table\}\}\), where \(observation_date = DATE '2026-11-02'\)/,
    );
  });

  it('refuses every other statement that removes or changes rows on the local database: they cannot be checked against rows kept', () => {
    const cannot = /^sql: a (CREATE OR REPLACE TABLE|INSERT OR REPLACE|TRUNCATE|MERGE|DELETE|DROP TABLE) written this way cannot be checked against the rows kept before it: write it as DELETE FROM <table> WHERE … \(or UPDATE <table> SET … WHERE …\)/;
    for (const sql of [
      'CREATE OR REPLACE TABLE {{source.raw_table}} AS SELECT DISTINCT ON (observation_date) * FROM {{source.raw_table}}',
      'INSERT OR REPLACE INTO {{source.raw_table}} SELECT * FROM staging',
      'TRUNCATE {{source.raw_table}}',
      'MERGE INTO {{source.raw_table}} USING staging ON true WHEN MATCHED THEN DELETE',
      `EXPLAIN ANALYZE DELETE FROM {{source.raw_table}} WHERE ${where}`,
      `WITH w AS (SELECT 1) DELETE FROM {{source.raw_table}} WHERE ${where}`,
      `DELETE FROM {{source.raw_table}} AS r WHERE ${where}`,
      `DELETE FROM {{source.raw_table}} USING other WHERE ${where}`,
      `DELETE FROM {{source.raw_table}} WHERE ${where} RETURNING *`,
      'DROP TABLE {{source.raw_table}}',
      'DROP SCHEMA raw_ebird CASCADE',
      'ALTER TABLE {{source.raw_table}} DROP COLUMN how_many',
      'ALTER TABLE {{source.raw_table}} ALTER how_many SET DATA TYPE VARCHAR USING 0',
      'EXPLAIN ANALYZE CREATE OR REPLACE TABLE {{source.raw_table}} AS SELECT 1',
      'EXPLAIN ANALYZE INSERT OR REPLACE INTO {{source.raw_table}} SELECT * FROM staging',
      'PREPARE x AS TRUNCATE {{source.raw_table}}',
      'WITH s AS (SELECT * FROM staging) INSERT OR REPLACE INTO {{source.raw_table}} SELECT * FROM s',
      'COPY FROM DATABASE scratch (OVERWRITE) TO databox',
    ]) {
      expect(messages(step(sql))[0], sql).toMatch(/^sql: an? [A-Z …()]+ written this way cannot be checked against the rows kept before it/);
    }
    // Adding a column, a rename or a default changes no value already there; a quoted name is no keyword.
    for (const sql of [
      'ALTER TABLE {{source.raw_table}} ADD COLUMN note VARCHAR',
      'ALTER TABLE IF EXISTS {{source.raw_table}} ADD COLUMN note VARCHAR',
      'ALTER TABLE {{source.raw_table}} RENAME COLUMN a TO b',
      'ALTER TABLE {{source.raw_table}} ALTER COLUMN a SET DEFAULT 0',
      'WITH x AS (SELECT "update" FROM t) SELECT * FROM x',
    ]) {
      expect(messages(step(sql)), sql).toEqual([]);
    }
    // A prepared DELETE with no count to hold it to is refused for that first.
    expect(messages(step('PREPARE x AS DELETE FROM {{source.raw_table}}; EXECUTE x', { expectRows: undefined }))[0]).toMatch(/^sql: one DELETE per step/);
    expect(messages(step('DELETE FROM {{source.raw_table}}')).at(0)).toMatch(/^sql: a DELETE needs a WHERE naming the rows it changes \(DELETE FROM <table> WHERE …\)/);
  });

  it('tells a DROP (or a DELETE without WHERE) written without expectRows how to write it, not to set expectRows first', () => {
    expect(messages(step('DROP TABLE IF EXISTS main.scratch', { expectRows: undefined }))).toEqual([
      "sql: a DROP TABLE written this way cannot be checked against the rows kept before it: write it as DELETE FROM <table> WHERE … (or UPDATE <table> SET … WHERE …), after an export-rows step keeping the same rows (with target: motherduck, the engine's named snapshot keeps them instead)",
    ]);
    expect(messages(step('DELETE FROM {{source.raw_table}}', { expectRows: undefined }))[0]).toMatch(/^sql: a DELETE needs a WHERE naming the rows it changes/);
    expect(messages(step(`DELETE FROM {{source.raw_table}} WHERE ${where}`, { expectRows: undefined }))[0]).toMatch(/^expectRows: a DELETE must change exactly the rows a preview counted: set expectRows/);
  });

  it('leaves MotherDuck alone to the named snapshot the engine takes before every destructive step', () => {
    expect(messages(step('CREATE OR REPLACE TABLE t AS SELECT 1', { target: 'motherduck' }), [])).toEqual([]);
  });

  it('refuses rows kept only on a condition the DELETE does not share: it could run with nothing kept', () => {
    expect(messages(step(`DELETE FROM {{source.raw_table}} WHERE ${where}`), [keep({ onlyIf: { step: 'opens', status: 'failed' } })])).toEqual([
      'sql: the export-rows step "keep" keeps these rows only on a condition (onlyIf, onlyIfGiven, onlyIfRan or acceptStatuses) this DELETE does not share: it could run with nothing kept',
    ]);
    expect(messages(step(`DELETE FROM {{source.raw_table}} WHERE ${where}`), [keep({ acceptStatuses: ['failed'] })])).toHaveLength(1);
    expect(messages(step(`DELETE FROM {{source.raw_table}} WHERE ${where}`), [keep({ onlyIfRan: 'delete_raw_snapshot' })])).toHaveLength(1);
    expect(messages(step(`DELETE FROM {{source.raw_table}} WHERE ${where}`, { onlyIfGiven: 'day' }), [keep({ onlyIfGiven: 'day' })])).toEqual([]);
  });

  it('matches an UPDATE by its WHERE and the values the WHERE binds, past values bound in SET and a subquery', () => {
    const kept = keep({ where: 'observation_date BETWEEN ? AND ?', params: ['{{from}}', '{{to}}'] });
    expect(messages(step('UPDATE {{source.raw_table}} SET _dlt_load_id = ? WHERE observation_date BETWEEN ? AND ?', { params: ['{{incident_id}}', '{{from}}', '{{to}}'] }), [kept])).toEqual([]);
    expect(messages(step('UPDATE {{source.raw_table}} SET how_many = (SELECT max(n) FROM c WHERE c.k = 1) WHERE observation_date BETWEEN ? AND ?', { params: ['{{from}}', '{{to}}'] }), [kept])).toEqual([]);
    expect(messages(step('UPDATE {{source.raw_table}} SET how_many = 0 WHERE observation_date BETWEEN ? AND ?', { params: ['{{to}}', '{{from}}'] }), [kept])[0]).toMatch(/^sql: the rows this UPDATE changes are not kept first/);
    // Quotes and IS DISTINCT FROM hold no clause of the statement.
    expect(messages(step("UPDATE {{source.raw_table}} SET note = 'fixed where wrong :-(' WHERE observation_date BETWEEN ? AND ?", { params: ['{{from}}', '{{to}}'] }), [kept])).toEqual([]);
    const distinct = keep({ where: 'species IS DISTINCT FROM ?', params: ['{{from}}'] });
    expect(messages(step('UPDATE {{source.raw_table}} SET how_many = 0 WHERE species IS DISTINCT FROM ?', { params: ['{{from}}'] }), [distinct])).toEqual([]);
    expect(messages(step('UPDATE {{source.raw_table}} SET how_many = 0', { params: [] }), [kept])).toEqual(['sql: an UPDATE needs a WHERE naming the rows it changes (UPDATE <table> SET … WHERE …), the rows an export-rows step before it keeps: without one it reaches every row of the table']);
  });
});
