// Tests what a runbook's SQL is refused for at load: writes not marked (comments and literals read as DuckDB does), files overwritten, misplaced placeholders.
import { describe, expect, it } from 'vitest';
import { changesData, overwritingStatements } from '../../src/engine/steps/sql-statements.js';
import { useTempDirs } from '../support/fixtures.js';
import { bundled, refusalOf, type Doc } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-sql-load-checks-');
const why = (sql: string) => overwritingStatements(sql).map((o) => o.why);
const sqlStep = (sql: string, extra: Doc = {}) => ({ id: 'planted', kind: 'sql', title: 'A planted statement', sql, ...extra });
const destructiveAdvice = 'set destructive: true, so the plan marks it, a teammate approves it and MotherDuck gets a named snapshot before it';

describe('comments and string literals, as DuckDB reads them', () => {
  it('do not hide a statement after an apostrophe in a -- comment', () => {
    const sql = "-- stats aren't fresh\nCREATE TABLE scratch AS SELECT * FROM raw_ebird.observations WHERE observation_date > '2026-01-01'";
    expect(changesData(sql)).toBe(true);
    const doc = bundled('backfill.yml');
    doc.diagnosis.steps.push(sqlStep(sql));
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual(['at diagnosis.steps[3].mutates: this SQL changes data: set mutates: true']);
  });

  it("read E'…' escapes, doubled quotes, dollar quotes and nested /* … */ comments to their real end", () => {
    expect(why("SELECT E'it\\'s'; DELETE FROM t")).toEqual(['DELETE']);
    expect(why("SELECT 'it''s -- not a comment'; DROP TABLE t")).toEqual(['DROP']);
    expect(why("/* don't */ UPDATE t SET a = 1")).toEqual(['UPDATE']);
    expect(why("SELECT $$it's$$, $q$a'b$q$; TRUNCATE t")).toEqual(['TRUNCATE']);
    expect(why('/* a /* nested */ DELETE FROM t */ SELECT 1')).toEqual([]);
    expect(why("SELECT 'DELETE FROM t', e FROM t WHERE name = 'x' -- UPDATE t\n")).toEqual([]);
    expect(changesData("SELECT count(*) FROM t WHERE note = 'please delete me' -- or drop it")).toBe(false);
  });

  it('judge a prepared statement by what it prepares, and count an EXECUTE as a write', () => {
    expect(why('PREPARE del AS DELETE FROM t WHERE d = $1; EXECUTE del(1)')).toEqual(['DELETE']);
    expect(why('PREPARE q AS SELECT 1')).toEqual([]);
    expect(changesData('EXECUTE whatever(1)')).toBe(true);
  });
});

describe('SQL that writes a file', () => {
  it('COPY … TO and EXPORT DATABASE mutate and are destructive: they replace a file already there', () => {
    expect(why("COPY (SELECT 1) TO 'x.csv'; COPY t TO 'y.parquet' (FORMAT parquet); EXPORT DATABASE 'dump'")).toEqual([
      'COPY … TO, which replaces the file if it exists; an export-rows step never does',
      'COPY … TO, which replaces the file if it exists; an export-rows step never does',
      'EXPORT DATABASE, which replaces the files already in its directory',
    ]);
    expect(why("COPY t FROM 'x.csv'")).toEqual(['COPY … FROM']);
    expect(changesData("EXPORT DATABASE '/tmp/dump'")).toBe(true);
  });

  it('is refused unmarked, and in a diagnosis even once marked', () => {
    const doc = bundled('backfill.yml');
    doc.diagnosis.steps.push(sqlStep("EXPORT DATABASE '/tmp/dump'"));
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual([
      'at diagnosis.steps[3].mutates: this SQL changes data: set mutates: true',
      `at diagnosis.steps[3].destructive: the statement "EXPORT DATABASE '/tmp/dump'" changes data already there (EXPORT DATABASE, which replaces the files already in its directory): ${destructiveAdvice}`,
    ]);
    doc.diagnosis.steps[3] = sqlStep("COPY (SELECT * FROM raw_ebird.observations) TO '/tmp/obs.parquet'", { mutates: true, destructive: true });
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual(['at diagnosis.steps[3]: diagnosis steps must be read-only: one that changes data belongs among the steps of a recovery path, with mutates: true, where it runs only in a plan someone approves: move it there']);
  });

  it("is quoted as the operator wrote it, its string literals kept (they are emptied only for the keyword scan)", () => {
    const doc = bundled('backfill.yml');
    doc.diagnosis.steps.push(sqlStep("DELETE FROM main.scratch WHERE source = 'ebird' AND path = 'x;y' -- a note", { mutates: true }));
    doc.diagnosis.steps.push({ ...sqlStep("COPY (SELECT 1) TO '/tmp/one.csv'"), id: 'copied' });
    const lines = refusalOf(tempDir(), 'backfill.yml', doc);
    expect(lines).toContain(`at diagnosis.steps[3].destructive: the statement "DELETE FROM main.scratch WHERE source = 'ebird' AND path = 'x;y'" changes data already there (DELETE): ${destructiveAdvice}`);
    expect(lines).toContain(
      `at diagnosis.steps[4].destructive: the statement "COPY (SELECT 1) TO '/tmp/one.csv'" changes data already there (COPY … TO, which replaces the file if it exists; an export-rows step never does): ${destructiveAdvice}`,
    );
    const reads = bundled('backfill.yml');
    reads.diagnosis.steps.push(sqlStep("SELECT 'a;b' AS x; SELECT 'c' AS y"));
    expect(refusalOf(tempDir(), 'backfill.yml', reads)).toEqual([expect.stringMatching(/^at diagnosis\.steps\[3\]\.sql: holds 2 statements, "SELECT 'a;b' AS x", then "SELECT 'c' AS y": /)]);
  });

  it('is refused in a preview, which runs when the plan is proposed', () => {
    const doc = bundled('backfill.yml');
    doc.recovery[0].previews[0].sql = "COPY (SELECT * FROM {{source.raw_table}}) TO '/tmp/raw.csv'";
    doc.recovery[0].previews[0].params = [];
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual([
      'at recovery[0].previews[0].sql: a preview is a read-only count run when the plan is proposed, but this SQL writes: make it a step of the path',
    ]);
  });
});

describe('a placeholder where SQL text cannot take it', () => {
  it('is refused inside a quoted string, where it would match nothing', () => {
    const doc = bundled('backfill.yml');
    doc.diagnosis.steps.push(sqlStep("SELECT count(*) FROM {{source.raw_table}} WHERE source = '{{source}}'"));
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual([
      `at diagnosis.steps[3].sql: {{source}} is inside a quoted SQL string, where it would be rendered as a quoted identifier ('"value"') and match nothing: bind the value instead: ? (or $1) in the SQL, and "{{source}}" in params: […]`,
    ]);
  });

  it('is refused where an identifier goes when its parameter is a date, naming the parameter, its type and the place', () => {
    const doc = bundled('backfill.yml');
    const deleteRaw = doc.recovery[0].steps.find((step: { id: string }) => step.id === 'delete_raw');
    deleteRaw.sql = 'DELETE FROM {{source.raw_table}} WHERE CAST({{source.raw_date_column}} AS DATE) BETWEEN {{from}} AND {{to}}';
    deleteRaw.params = [];
    const dateRefusal = (name: string) =>
      `at recovery[0].steps[3].sql: {{${name}}}: "${name}" is a date parameter, but a placeholder in SQL text stands for an identifier (a table or column name), which its values are not: bind the value instead: ? (or $1) in the SQL, and "{{${name}}}" in params: […]`;
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual(expect.arrayContaining([dateRefusal('from'), dateRefusal('to')]));
  });

  it('is refused in an SQL comment too, saying the comment is rendered like the SQL around it', () => {
    const doc = bundled('backfill.yml');
    const deleteRaw = doc.recovery[0].steps.find((step: { id: string }) => step.id === 'delete_raw');
    deleteRaw.sql = `-- the window {{from}}\n${deleteRaw.sql}`;
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual([
      'at recovery[0].steps[3].sql: {{from}} is in an SQL comment, which is rendered like the SQL around it: a date value is no identifier, so the plan would be refused; write the comment without it',
    ]);
  });

  it('a timestamp as an identifier, and a typed literal in quotes, are refused with what to write instead', () => {
    const doc = bundled('motherduck.yml');
    const clone = doc.recovery[0].steps[0];
    clone.sql = 'CREATE DATABASE {{names.restored | database}} FROM {{names.database | database}} (SNAPSHOT_TIME {{at}})';
    expect(refusalOf(tempDir(), 'motherduck.yml', doc)).toEqual([
      'at recovery[0].steps[0].sql: {{at}}: "at" is a timestamp parameter, but a placeholder in SQL text stands for an identifier (a table or column name), which its values are not: bind the value instead: ? (or $1) in the SQL, and "{{at}}" in params: […] (or {{at | timestamp}} where DDL takes no parameters)',
    ]);
    clone.sql = "CREATE DATABASE {{names.restored | database}} FROM {{names.database | database}} (SNAPSHOT_TIME '{{at | timestamp}}')";
    expect(refusalOf(tempDir(), 'motherduck.yml', doc)).toEqual([
      'at recovery[0].steps[0].sql: {{at | timestamp}} is inside a quoted SQL string, but it is rendered as a quoted literal itself: take out the quotes around it',
    ]);
  });
});
