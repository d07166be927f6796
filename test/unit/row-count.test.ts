// expectRows: a whole number or one placeholder at load; what the placeholder gives must be a whole number before a plan is made.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { renderedRowCount, rowCount } from '../../src/runbook/step-common.js';

describe('a row count', () => {
  it('takes a whole number or one placeholder when the runbook loads', () => {
    for (const ok of ['0', '1200', '{{previews.raw_rows}}']) expect(rowCount.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['previews.raw_rows', '12 rows', '{{a}}{{b}}', '-1', '']) expect(rowCount.safeParse(bad).success, bad).toBe(false);
  });

  it('refuses a placeholder that did not give a whole number, before anything is proposed', () => {
    expect(renderedRowCount('1200')).toBe('1200');
    expect(() => renderedRowCount('2026-04-18')).toThrow(UserError);
    expect(() => renderedRowCount('2026-04-18')).toThrow('expectRows came out as "2026-04-18", not a whole number of rows: nothing was proposed');
  });
});
