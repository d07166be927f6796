// Load-time checks of where a runbook's SQL puts its placeholders, that a preview's SQL only reads, and that no SQL calls the retired utc_day.
// renderSql quotes a bare {{name}} as an identifier: inside a string it matches nothing, and a date is never one.
import type { TemplateUse } from '../engine/steps/define-step-kind.js';
import { stepKind } from '../engine/steps/index.js';
import { sqlSegments } from '../engine/steps/sql-segments.js';
import { changesData, sqlStatementParts } from '../engine/steps/sql-statements.js';
import type { RunbookProblem } from './check.js';
import { stepsAt } from './every-step.js';
import type { Preview, Runbook } from './schema.js';
import { isPlainIdentifier, placeholderUses } from './template.js';
import { utcDayProblems } from './utc-day-retired.js';

const bindInstead = (shown: string) => `bind the value instead: ? (or $1) in the SQL, and "${shown}" in params: […]`;

/** The problems of one SQL template: placeholders inside quotes, and parameters that can never be an identifier. */
function templateProblems(rb: Runbook, sql: string): string[] {
  const problems: string[] = [];
  for (const segment of sqlSegments(sql)) {
    for (const { expression, optional, kind } of placeholderUses(segment.text)) {
      const shown = `{{${expression}${optional ? '?' : ''}${kind ? ` | ${kind}` : ''}}}`;
      if (segment.kind === 'string') {
        problems.push(
          kind
            ? `${shown} is inside a quoted SQL string, but it is rendered as a quoted literal itself: take out the quotes around it`
            : `${shown} is inside a quoted SQL string, where it would be rendered as a quoted identifier ('"value"') and match nothing: ${bindInstead(shown)}`,
        );
        continue;
      }
      if (segment.kind === 'identifier') {
        problems.push(`${shown} is inside a quoted identifier ("…"), but it is quoted when rendered: take out the quotes around it`);
        continue;
      }
      if (expression.includes('.')) continue;
      const declared = rb.parameters[expression];
      if (kind) {
        if (declared?.type === 'snapshot-name' && kind !== 'snapshot-name') problems.push(`${shown}: "${expression}" is a snapshot name: write {{${expression} | snapshot-name}}`);
        continue;
      }
      if (!declared || declared.type === 'identifier') continue;
      // A comment is rendered like the SQL around it: the plan would be refused when made, for a note.
      if (segment.kind === 'comment') {
        problems.push(`${shown} is in an SQL comment, which is rendered like the SQL around it: a ${declared.type} value is no identifier, so the plan would be refused; write the comment without it`);
        continue;
      }
      if (declared.type === 'enum') {
        const bad = Object.keys(declared.values).filter((value) => !isPlainIdentifier(value));
        if (bad.length > 0) problems.push(`${shown} stands for an identifier here, and the value${bad.length === 1 ? '' : 's'} ${bad.map((v) => `"${v}"`).join(', ')} of enum parameter "${expression}" ${bad.length === 1 ? 'is not a plain one' : 'are not plain ones'} (letters, digits and _): rename ${bad.length === 1 ? 'it' : 'them'}, or use an attribute`);
        continue;
      }
      const literal = declared.type === 'timestamp' || declared.type === 'snapshot-name' ? ` (or {{${expression} | ${declared.type}}} where DDL takes no parameters)` : '';
      problems.push(`${shown}: "${expression}" is a ${declared.type} parameter, but a placeholder in SQL text stands for an identifier (a table or column name), which its values are not: ${bindInstead(shown)}${literal}`);
    }
  }
  return problems;
}

/**
 * A snapshot name may hold any character but controls (quotes, `;`, `$` …), so outside SQL it goes only where a step
 * binds it as a value (its `snapshot` field, a statement's params), never into argv, a path or an environment variable.
 */
function snapshotNameOutsideSql(rb: Runbook, use: TemplateUse): string[] {
  const bound = use.at[0] === 'snapshot' || (use.at[0] === 'params' && use.at.length === 2);
  if (bound || use.as === 'sql') return [];
  return placeholderUses(use.template)
    .filter(({ expression }) => rb.parameters[expression]?.type === 'snapshot-name')
    .map(({ expression }) => `{{${expression}}} is a snapshot name, which may hold quotes and shell metacharacters: it goes only into SQL as {{${expression} | snapshot-name}}, or into a step's \`snapshot\` field`);
}

/**
 * SQL holding more than one statement ("… BETWEEN ? AND ?; SELECT 42"): DuckDB binds values to one statement only, so
 * the plan fails then with "Values were not provided…", and without values it returns one statement's result unsaid.
 */
function statementsProblem(sql: string): string[] {
  const statements = sqlStatementParts(sql).map((statement) => statement.written);
  if (statements.length < 2) return [];
  const clipped = statements.map((statement) => `"${statement.length > 60 ? `${statement.slice(0, 57)}…` : statement}"`);
  return [
    `holds ${statements.length} statements, ${clipped.join(', then ')}: each SQL here is one statement (DuckDB binds the values to one only, and gives one result), so keep one and give another its own step (a single ; at the end is fine)`,
  ];
}

export function sqlTemplateProblems(rb: Runbook): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  for (const [at, step] of stepsAt(rb)) {
    for (const use of stepKind(step.kind).templates(step)) {
      if (use.as === 'sql') {
        for (const message of [...statementsProblem(use.template), ...templateProblems(rb, use.template), ...utcDayProblems(use.template, `step "${step.id}"`)]) problems.push({ at: [...at, ...use.at], message });
      }
      for (const message of snapshotNameOutsideSql(rb, use)) problems.push({ at: [...at, ...use.at], message });
    }
  }
  rb.recovery.forEach((p, i) => {
    const previews: [Preview[], (string | number)[]][] = [
      [p.previews, ['recovery', i, 'previews']],
      [p.rollback?.previews ?? [], ['recovery', i, 'rollback', 'previews']],
    ];
    for (const [list, where] of previews) {
      list.forEach((preview, j) => {
        const at = [...where, j, 'sql'];
        const holder = `preview "${preview.id}"`;
        for (const message of [...statementsProblem(preview.sql), ...templateProblems(rb, preview.sql), ...utcDayProblems(preview.sql, holder)]) problems.push({ at, message });
        const table = preview.ifTableMissing?.table;
        if (table) for (const message of [...templateProblems(rb, table), ...utcDayProblems(table, holder)]) problems.push({ at: [...where, j, 'ifTableMissing', 'table'], message });
        const deletedFrom = preview.ifView?.table;
        if (deletedFrom) for (const message of [...templateProblems(rb, deletedFrom), ...utcDayProblems(deletedFrom, holder)]) problems.push({ at: [...where, j, 'ifView', 'table'], message });
        // Previews run when a plan is proposed, before anyone approved anything; a read-only session still writes files.
        if (changesData(preview.sql)) problems.push({ at, message: 'a preview is a read-only count run when the plan is proposed, but this SQL writes: make it a step of the path' });
      });
    }
  });
  return problems;
}
