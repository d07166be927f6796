// Tests that a runbook still calling utc_day(…), the macro source_day replaced, is refused at load, not at 3 a.m. when DuckDB finds no such function.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRunbooks, RunbookError } from '../../src/runbook/load.js';
import { useTempDirs } from '../support/fixtures.js';
import { bundled, refusalOf, type Doc } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-utc-day-retired-');
const sqlStep = (sql: string): Doc => ({ id: 'planted', kind: 'sql', title: 'A planted count', sql });
const why =
  'utc_day is no longer defined: source_day replaces it, and counts a text timestamp with an offset by the date written in it (the day its reload loads), a TIMESTAMPTZ by its day in the time_zone of its source when one is set (its UTC day otherwise); replace utc_day with source_day after checking the query means that';

describe('a runbook calling utc_day(…)', () => {
  it("is refused at the sql step's file and line, naming the step", () => {
    const dir = tempDir();
    const file = path.join(dir, 'backfill.yml');
    const doc = bundled('backfill.yml');
    doc.diagnosis.steps.push(sqlStep('SELECT count(*) FROM {{source.raw_table}}\nWHERE utc_day({{source.raw_date_column}}) = DATE \'2026-11-14\''));
    fs.writeFileSync(file, stringify(doc));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const sqlLine = lines.findIndex((line, i) => i > lines.findIndex((l) => l.includes('id: planted')) && /^\s*sql:/.test(line)) + 1;
    let refusal: unknown;
    try {
      loadRunbooks(dir);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RunbookError);
    expect((refusal as Error).message).toBe(`${file}:${sqlLine}: at diagnosis.steps[3].sql: step "planted" calls utc_day(…) on line 2 of its SQL: ${why}`);
  });

  it("is refused in a preview's SQL and an export-rows step's where, written in any case and spacing", () => {
    const doc = bundled('backfill.yml');
    doc.recovery[0].previews[0].sql = doc.recovery[0].previews[0].sql.replace('source_day(', 'UTC_DAY (');
    const keep = doc.recovery[0].steps.findIndex((step: Doc) => step.kind === 'export-rows');
    doc.recovery[0].steps[keep].where = doc.recovery[0].steps[keep].where.replace('source_day(', '"utc_day"(');
    expect(refusalOf(tempDir(), 'backfill.yml', doc)).toEqual([
      `at recovery[0].steps[${keep}].where: step "${doc.recovery[0].steps[keep].id}" calls utc_day(…): ${why}`,
      `at recovery[0].previews[0].sql: preview "raw_rows" calls utc_day(…): ${why}`,
    ]);
  });

  it('is not refused for the name in a string, a comment, a longer name or a column', () => {
    const doc = bundled('backfill.yml');
    doc.diagnosis.steps.push(
      sqlStep("SELECT 'utc_day(x)' AS note, my_utc_day(1), utc_day_count, utc_day /* utc_day(x) */ FROM t -- utc_day( was renamed"),
    );
    // Alone in its folder backfill.yml is refused for the runbooks its advice names: none of that is about utc_day.
    expect(refusalOf(tempDir(), 'backfill.yml', doc).filter((line) => line.includes('utc_day'))).toEqual([]);
  });
});
