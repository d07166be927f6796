// Load-time check that a rollback's restore-rows step puts the kept rows back where they were kept, and can take out what the recovery it undoes may have added.
import { executedStatement, sqlStatements } from '../engine/steps/sql-statements.js';
import type { RunbookProblem } from './check.js';
import type { Runbook, Step } from './schema.js';
import { placeholderUses, spacedAlike } from './template.js';

type ExportStep = Extract<Step, { kind: 'export-rows' }>;
type RestoreStep = Extract<Step, { kind: 'restore-rows' }>;

/** A table as written, for comparing: placeholders spaced alike, identifiers' quotes and case left out (DuckDB ignores both). */
const tableAlike = (table: string): string => spacedAlike(table.trim()).replace(/"/g, '').toLowerCase();

/** The export-rows step of the recovery whose file `from` reads ({{recovery.<step>.file}}), if it reads one. */
function keptBy(from: string, recoverySteps: readonly Step[]): ExportStep | undefined {
  const read = placeholderUses(from).map((use) => use.expression.split('.')).find(([head, , output]) => head === 'recovery' && output === 'file');
  const step = read && recoverySteps.find((s) => s.id === read[1]);
  return step?.kind === 'export-rows' ? step : undefined;
}

/** Step kinds that change data but write no table's rows: they keep rows in a file, take a snapshot, or start or stop Dagster's schedules or daemon. */
const writesNoRows = new Set(['export-rows', 'named-snapshot', 'dagster-schedule-start', 'dagster-schedule-stop', 'dagster-daemon-start']);

/** A move or copy-file writes no table's rows, unless it puts a file in the database's place (a backup copied in): its tables are that file's. */
const putsDatabaseInPlace = (to: string): boolean => spacedAlike(to.trim()) === '{{database_path}}';

/** Statements that only frame or flush the others (a transaction, a checkpoint): they add no row. */
const framing = /^(BEGIN|START TRANSACTION|COMMIT|END|CHECKPOINT|FORCE CHECKPOINT)\b/;

/** Anything a statement can write rows with besides DELETE: a CTE holding one (WITH x AS (INSERT …) DELETE …) adds rows. */
const addsRows = /\b(INSERT|UPDATE|MERGE|UPSERT|REPLACE|COPY|CREATE|ALTER|IMPORT|ATTACH)\b/;

/** A DELETE, bare or after a CTE naming the rows (WITH x AS (SELECT …) DELETE …), and nothing else that writes. */
function onlyDeletes(statement: string): boolean {
  const executed = executedStatement(statement);
  if (/^DELETE\b/.test(executed)) return true;
  return /^WITH\b/.test(executed) && /\bDELETE\s+FROM\b/.test(executed) && !addsRows.test(executed);
}

/**
 * Whether a recovery step may add rows to a table: any step that changes data, but those of a kind that writes no
 * table's rows, or SQL that only deletes (which putting back the missing rows undoes), in a transaction or not.
 */
function mayAddRows(step: Step): boolean {
  if (!step.mutates || writesNoRows.has(step.kind)) return false;
  if (step.kind === 'move' || step.kind === 'copy-file') return putsDatabaseInPlace(step.to);
  if (step.kind === 'sql') return !sqlStatements(step.sql).every((statement) => framing.test(executedStatement(statement)) || onlyDeletes(statement));
  return true;
}

/** Every rollback restore-rows step that reads a file a recovery step kept, put into another table or unable to undo what came after. */
export function rollbackRestoreProblems(rb: Runbook): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  rb.recovery.forEach((p, i) => {
    p.rollback?.steps.forEach((step, j) => {
      if (step.kind !== 'restore-rows') return;
      const restore: RestoreStep = step;
      const keep = keptBy(restore.from, p.steps);
      if (!keep) return;
      const at = ['recovery', i, 'rollback', 'steps', j];
      if (tableAlike(restore.table) !== tableAlike(keep.table)) {
        const templated = /\{\{/.test(restore.table) || /\{\{/.test(keep.table) ? ' (the same text: a table written otherwise may be another one for some value of its parameters)' : '';
        problems.push({
          at: [...at, 'table'],
          message: `the rows it puts back are those recovery step "${keep.id}" kept of ${keep.table} (its from reads ${restore.from}), but its table is ${restore.table}: a rollback puts rows back into the table they were kept from, so write table: "${keep.table}"${templated}`,
        });
      } else if (restore.target !== keep.target) {
        problems.push({ at: [...at, 'target'], message: `the rows it puts back were kept by recovery step "${keep.id}" from the ${keep.target} database, but it puts them into the ${restore.target} one: write target: ${keep.target}` });
      }
      if (restore.replace) return;
      const after = p.steps.slice(p.steps.indexOf(keep) + 1).filter(mayAddRows);
      if (after.length === 0) return;
      const adders = after.map((s) => `"${s.id}"`).join(', ');
      const params = keep.params.length > 0 ? `, params: [${keep.params.map((v) => JSON.stringify(v)).join(', ')}]` : '';
      problems.push({
        at,
        message: `without replace, it puts back only the kept rows that are not there, and leaves beside them every row recovery step${after.length > 1 ? 's' : ''} ${adders} may have added after "${keep.id}" kept them, though the rollback would say it passed: give it replace: { where: ${JSON.stringify(keep.where)}${params}, keepTo: <a file for the rows there now> } (and destructive: true), so the window is put back exactly as kept`,
      });
    });
  });
  return problems;
}
