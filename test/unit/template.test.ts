// Tests runbook templates (src/runbook/template.ts): render, renderAdvice, placeholders, renderSql, quoteIdentifier and isPlainIdentifier.
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { isPlainIdentifier, placeholders, quoteIdentifier, render, renderAdvice, renderSql, type TemplateContext, type Unfilled } from '../../src/runbook/template.js';

const context: TemplateContext = {
  database_path: '/srv/databox/data/databox.duckdb',
  now: '20260420T101500Z',
  limit: 7,
  table: 'raw_ebird',
  qualified: 'main.raw_ebird',
  day: '2026-04-18',
  evil: 'x"; DROP TABLE raw_ebird; --',
  mode: { _value: 'fast', threads: 4, 'max-rows': 100 },
  steps: { open: { holderPid: 4242, status: 'locked' } },
  recovery: { move_db: { to: '/srv/databox/data/databox.duckdb.broken' } },
  nested: { a: 1 },
  brace: '{{table}}',
};

function userErrorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('renderAdvice', () => {
  it('leaves out a name={{x?}} parameter whose value is missing, with its name, so the command reads as typed', () => {
    const advice = '`/databox diagnose backfill source=ebird from={{from?}} to={{ to? }}` (limit={{limit?}}; {{day?}} and {{later?}})';
    expect(renderAdvice(advice, context)).toBe('`/databox diagnose backfill source=ebird` (limit=7; 2026-04-18 and )');
    expect(renderAdvice(advice, { ...context, from: '2026-04-17', to: '' })).toBe('`/databox diagnose backfill source=ebird from=2026-04-17` (limit=7; 2026-04-18 and )');
    expect(render(advice, context), 'render itself keeps them').toBe('`/databox diagnose backfill source=ebird from= to=` (limit=7; 2026-04-18 and )');
    // Only a parameter that is a word of its own goes: not one inside an option, a query string or a list.
    expect(renderAdvice('`run --from={{from?}} --to={{to?}}`, ?a={{from?}}&b=1, a=b,c={{to?}}', context)).toBe('`run --from= --to=`, ?a=&b=1, a=b,c=');
  });

  it('takes out an optional sentence {{x?}} whose value is missing with the space before it, so sentences around it keep one space', () => {
    const advice = 'All is well. {{missing?}} {{day?}} {{later?}}\nNext line.';
    expect(renderAdvice(advice, context)).toBe('All is well. 2026-04-18\nNext line.');
    expect(render(advice, context), 'render itself keeps the spaces').toBe('All is well.  2026-04-18 \nNext line.');
  });

  it('with a stand-in, marks a placeholder with no value or a list where a text is wanted, instead of failing the text', () => {
    const found: Unfilled[] = [];
    const standIn = (unfilled: Unfilled) => {
      found.push(unfilled);
      return `<${unfilled.problem}>`;
    };
    const withList = { ...context, steps: { open: { holderPid: 4242 }, count_rows: { rows: [{ n: 1 }], exitCode: null } } };
    const advice = 'Held by {{steps.open.holderPid}}; rows {{steps.count_rows.rows}}, exit {{steps.count_rows.exitCode}}, read {{steps.scan.failedTables}}{{later?}}.';
    expect(renderAdvice(advice, withList, standIn)).toBe('Held by 4242; rows <not-one-value>, exit <no-value>, read <no-value>.');
    expect(found).toEqual([
      { expression: 'steps.count_rows.rows', problem: 'not-one-value' },
      { expression: 'steps.count_rows.exitCode', problem: 'no-value' },
      { expression: 'steps.scan.failedTables', problem: 'no-value' },
    ]);
    expect(() => renderAdvice(advice, withList), 'without one it still refuses').toThrow(UserError);
  });
});

describe('render', () => {
  it('fills simple, spaced and repeated placeholders', () => {
    expect(render('{{database_path}}.broken', context)).toBe('/srv/databox/data/databox.duckdb.broken');
    expect(render('aside-{{ now }}-{{now}}', context)).toBe('aside-20260420T101500Z-20260420T101500Z');
    expect(render('limit={{limit}}', context)).toBe('limit=7');
  });

  it('renders an enum value as its name and exposes its attributes', () => {
    expect(render('--mode={{mode}} --threads={{mode.threads}} --max={{mode.max-rows}}', context)).toBe('--mode=fast --threads=4 --max=100');
  });

  it('follows dotted paths into earlier steps and the recovery being undone', () => {
    expect(render('held by PID {{steps.open.holderPid}}', context)).toBe('held by PID 4242');
    expect(render('{{recovery.move_db.to}}', context)).toBe('/srv/databox/data/databox.duckdb.broken');
  });

  it('leaves text without placeholders, and malformed braces, alone', () => {
    expect(render('plain text, {single} and {{ }} and {{1abc}}', context)).toBe('plain text, {single} and {{ }} and {{1abc}}');
  });

  it('does not expand placeholders inside a value (one pass only)', () => {
    expect(render('{{brace}}', context)).toBe('{{table}}');
  });

  it('refuses a placeholder with no value, naming it', () => {
    expect(userErrorOf(() => render('{{backup}}', context))).toBe('the runbook refers to {{backup}}, which has no value here');
    expect(userErrorOf(() => render('{{steps.scan.status}}', context))).toBe('the runbook refers to {{steps.scan.status}}, which has no value here');
    expect(userErrorOf(() => render('{{limit.digits}}', context))).toBe('the runbook refers to {{limit.digits}}, which has no value here');
  });

  it('refuses a placeholder whose value is not a single value', () => {
    expect(userErrorOf(() => render('{{nested}}', context))).toBe('the runbook refers to {{nested}}, which is not a single value');
    expect(userErrorOf(() => render('{{steps.open}}', context))).toBe('the runbook refers to {{steps.open}}, which is not a single value');
  });

  it('placeholders() names them without rendering', () => {
    expect(placeholders('{{a}} and {{ b.c }} and {{a}} and {x}')).toEqual(['a', 'b.c', 'a']);
    expect(placeholders('none')).toEqual([]);
  });
});

describe('renderSql', () => {
  it('quotes identifiers, schema-qualified ones part by part', () => {
    expect(renderSql('SELECT count(*) FROM {{table}}', context)).toBe('SELECT count(*) FROM "raw_ebird"');
    expect(renderSql('SELECT count(*) FROM {{qualified}}', context)).toBe('SELECT count(*) FROM "main"."raw_ebird"');
  });

  it('leaves bound-parameter markers and SQL literals alone', () => {
    expect(renderSql("SELECT * FROM {{table}} WHERE day = $1 AND kind = 'x'", context)).toBe(`SELECT * FROM "raw_ebird" WHERE day = $1 AND kind = 'x'`);
  });

  it('refuses a value where an identifier must be: values go in as bound parameters', () => {
    expect(userErrorOf(() => renderSql("SELECT * FROM t WHERE day = '{{day}}'", context))).toBe(
      '"2026-04-18" is not a plain SQL identifier (letters, digits and _ , optionally schema.table)',
    );
    expect(userErrorOf(() => renderSql('SELECT * FROM {{evil}}', context))).toContain('is not a plain SQL identifier');
    expect(userErrorOf(() => renderSql('SELECT * FROM t LIMIT {{limit}}', context))).toBe(
      '"7" is not a plain SQL identifier (letters, digits and _ , optionally schema.table)',
    );
    expect(userErrorOf(() => renderSql('SELECT * FROM {{database_path}}', context))).toContain('is not a plain SQL identifier');
  });

  it('produces SQL in which a hostile value stays a value when bound (run against a real DuckDB)', async () => {
    const sql = renderSql('SELECT count(*) AS n FROM {{table}} WHERE s = $1', context);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`CREATE TABLE raw_ebird AS SELECT i AS id, i::VARCHAR AS s FROM range(5) t(i)`);
      const hostile = context.evil as string;
      const reader = await connection.runAndReadAll(sql, [hostile]);
      expect(reader.getRowsJson()).toEqual([['0']]);
      const after = await connection.runAndReadAll('SELECT count(*) FROM raw_ebird');
      expect(after.getRowsJson()).toEqual([['5']]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('quoteIdentifier and isPlainIdentifier', () => {
  it('quotes one to three plain parts', () => {
    expect(quoteIdentifier('raw_ebird')).toBe('"raw_ebird"');
    expect(quoteIdentifier('main.raw_ebird')).toBe('"main"."raw_ebird"');
    expect(quoteIdentifier('databox.main.raw_ebird')).toBe('"databox"."main"."raw_ebird"');
    expect(quoteIdentifier('select')).toBe('"select"');
    expect(quoteIdentifier(`_${'a'.repeat(62)}`)).toBe(`"_${'a'.repeat(62)}"`);
  });

  it.each(['', 'a.b.c.d', 'a..b', '.a', 'a.', 'a"b', 'a b', '1a', 'a-b', 'tablé', `a${'b'.repeat(63)}`, 'a;DROP TABLE x', "a'"])(
    'refuses %j',
    (text) => {
      expect(userErrorOf(() => quoteIdentifier(text))).toBe(`"${text}" is not a plain SQL identifier (letters, digits and _ , optionally schema.table)`);
    },
  );

  it('isPlainIdentifier takes one part only', () => {
    expect(isPlainIdentifier('raw_ebird')).toBe(true);
    expect(isPlainIdentifier('main.raw_ebird')).toBe(false);
    expect(isPlainIdentifier('raw_ebird; DROP TABLE x')).toBe(false);
    expect(isPlainIdentifier('a'.repeat(63))).toBe(true);
    expect(isPlainIdentifier('a'.repeat(64))).toBe(false);
  });
});
