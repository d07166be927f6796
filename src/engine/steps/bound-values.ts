// How many values SQL text binds (? or $1 … outside strings, comments and {{…}} templates) against the params given: a
// mismatch found when the runbook loads, not as DuckDB's error after an approval, with a file already written.
import type { StepIssue } from './define-step-kind.js';
import { sqlSegments } from './sql-segments.js';

/** The values SQL text binds: how many `?`, and the highest `$n` (0 when none). */
export function boundPlaceholders(sql: string): { questions: number; numbered: number } {
  const code = sqlSegments(sql)
    .filter((segment) => segment.kind === 'code')
    .map((segment) => segment.text)
    .join(' ')
    // {{source.primary_key?}}: a template's own "?" (an optional value) binds nothing.
    .replace(/\{\{[^}]*\}\}/g, ' ');
  return { questions: (code.match(/\?/g) ?? []).length, numbered: Math.max(0, ...[...code.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]))) };
}

/** The issue of SQL text that binds another number of values than `params` gives, at `at`; none when they agree. */
export function boundValueIssues(sql: string, params: readonly unknown[], at: (string | number)[]): StepIssue[] {
  const { questions, numbered } = boundPlaceholders(sql);
  if (questions > 0 && numbered > 0) return [{ at, message: 'the SQL binds values both as ? and as $1 …: use one of the two' }];
  const needed = questions || numbered;
  if (needed === params.length) return [];
  const binds = needed === 0 ? 'binds no value (no ? or $1 in it)' : questions > 0 ? `binds ${needed} value${needed === 1 ? '' : 's'} (${needed} ?)` : `binds values up to $${numbered}`;
  return [{ at, message: `the SQL ${binds}, and params gives ${params.length}: give one value per placeholder, in order, or DuckDB refuses the statement when it runs` }];
}
