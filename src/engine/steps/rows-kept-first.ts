// The load-time rule that no row is deleted or changed that was not kept first: a sql step that removes or changes rows
// of a table on the local database is one DELETE … WHERE or UPDATE … WHERE, bound to a preview's count, after an
// export-rows step that keeps exactly those rows. On MotherDuck alone the engine's named snapshot keeps them.
import type { StepIssue, StepReferences } from './define-step-kind.js';
import { sqlSegments } from './sql-segments.js';
import { boundPlaceholders } from './bound-values.js';
import { executedStatement, sqlStatements } from './sql-statements.js';

/** What rowsKeptFirst reads of a sql step. */
export interface RowChangingStep {
  sql: string;
  params: readonly string[];
  target: string;
  expectRows?: string;
  onlyIf?: unknown;
  onlyIfGiven?: string;
  onlyIfRan?: string;
}

/**
 * SQL with comments dropped, whitespace collapsed and {{template}} spacing normalised; code in lower case when
 * `lowerCode` (but for templates), string literals and quoted names always as written.
 */
function normalizedSql(sql: string, lowerCode: boolean): string {
  const code = (text: string) => text.replace(/\{\{\s*([^}]*?)\s*\}\}|[^{]+|\{/g, (part, name?: string) => (name !== undefined ? `{{${name}}}` : lowerCode ? part.toLowerCase() : part));
  return sqlSegments(sql)
    .map((segment) => (segment.kind === 'comment' ? ' ' : segment.kind === 'code' ? code(segment.text) : segment.text))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*;$/, '');
}

/** SQL as compared: two WHEREs differ as their values do, not as their spacing, case or comments do. */
export const comparableSql = (sql: string): string => normalizedSql(sql, true);

/** SQL as shown in a refusal: as the author wrote it, but for comments and spacing. */
const displaySql = (sql: string): string => normalizedSql(sql, false);

/** What a statement (as sqlStatements writes it, literals emptied) does to rows already there, when it removes or changes them. */
function rowChange(statement: string): string | undefined {
  // WITH … runs the statement after its common table expressions: judged by what it holds.
  const main = executedStatement(statement);
  if (/^(WITH .*\b)?DELETE\b/.test(main)) return 'DELETE';
  if (/^(WITH .*\b)?UPDATE\b/.test(main)) return 'UPDATE';
  if (/^(WITH .*\b)?MERGE\b/.test(main)) return 'MERGE';
  if (/^TRUNCATE\b/.test(main)) return 'TRUNCATE';
  if (/^(WITH .*\b)?(INSERT OR REPLACE|REPLACE|UPSERT)\b/.test(main) || (/^(WITH .*\b)?INSERT\b/.test(main) && /\bON CONFLICT\b.*\bDO UPDATE\b/.test(main))) return 'INSERT OR REPLACE';
  if (/^CREATE OR REPLACE (TEMP |TEMPORARY )?TABLE\b/.test(main)) return 'CREATE OR REPLACE TABLE';
  if (/^DROP (TABLE|SCHEMA|DATABASE)\b/.test(main)) return /^DROP (\w+)/.exec(main)?.[0] as string;
  if (/^COPY FROM DATABASE\b.*\bOVERWRITE\b/.test(main)) return 'COPY FROM DATABASE … (OVERWRITE)';
  // Dropping a column or changing its type loses what was in it; adding one, a rename or a default changes no value.
  if (/^ALTER TABLE\b/.test(main) && /\b(DROP|TYPE)\b/.test(main)) return 'ALTER TABLE';
  return undefined;
}

/**
 * `text` in lower case with what is inside quotes (string literals, quoted names) and IS [NOT] DISTINCT FROM masked, the
 * same length: a WHERE, FROM or RETURNING in them is no clause of the statement.
 */
function masked(text: string): string {
  const quoted = sqlSegments(text)
    .map((segment) => (segment.kind === 'string' || segment.kind === 'identifier' ? '_'.repeat(segment.text.length) : segment.text.toLowerCase()))
    .join('');
  return quoted.replace(/ is (not )?distinct from /g, (phrase) => '_'.repeat(phrase.length));
}

/** Where `word` (lower case) first occurs outside parentheses and quotes in `text`, from `from` on; -1 when it does not. */
function topLevel(text: string, word: string, from = 0): number {
  const lower = masked(text);
  let depth = 0;
  for (let i = from; i < lower.length; i += 1) {
    const c = lower[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (depth === 0 && lower.startsWith(word, i)) return i;
  }
  return -1;
}

/** The table and WHERE of a plain DELETE FROM t WHERE … or UPDATE t SET … WHERE …, as written, and the values its WHERE binds. */
function plainForm(sql: string, params: readonly string[]): { verb: 'DELETE' | 'UPDATE'; table: string; where: string; whereParams: readonly string[] } | undefined {
  const text = displaySql(sql);
  const deleted = /^delete\s+from\s+(\S+)\s+where\s+(.+)$/i.exec(text);
  if (deleted && topLevel(deleted[2] as string, ' returning ') === -1) return { verb: 'DELETE', table: deleted[1] as string, where: deleted[2] as string, whereParams: params };
  const updated = /^update\s+(\S+)\s+set\s+(.+)$/i.exec(text);
  if (!updated) return undefined;
  const rest = updated[2] as string;
  const at = topLevel(rest, ' where ');
  if (at === -1 || topLevel(rest, ' returning ', at) !== -1 || topLevel(rest, ' from ') !== -1) return undefined;
  // Values bound in SET come first: the WHERE's are the rest.
  return { verb: 'UPDATE', table: updated[1] as string, where: rest.slice(at + ' where '.length), whereParams: params.slice(boundPlaceholders(rest.slice(0, at)).questions) };
}

/** "an UPDATE", "an ALTER TABLE", "a DELETE". */
const article = (word: string) => (/^[AEIOU]/.test(word) ? 'an' : 'a');

const plainForms = 'DELETE FROM <table> WHERE … (or UPDATE <table> SET … WHERE …)';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The export-rows step among `earlier` that keeps exactly the rows a plain DELETE or UPDATE changes: the same table,
 * where, params, expectRows and target. Read when the runbooks load (the rule below) and after a run stopped (where the
 * rows it deleted are now).
 */
export function keptBy<E extends { kind: string } & Record<string, unknown>>(step: RowChangingStep, earlier: readonly E[]): E | undefined {
  const plain = plainForm(step.sql, step.params);
  if (!plain) return undefined;
  return earlier.find(
    (e) =>
      e.kind === 'export-rows' &&
      comparableSql(String(e.table)) === comparableSql(plain.table) &&
      comparableSql(String(e.where)) === comparableSql(plain.where) &&
      same(((e.params as string[] | undefined) ?? []).map(comparableSql), plain.whereParams.map(comparableSql)) &&
      comparableSql(String(e.expectRows ?? '')) === comparableSql(step.expectRows ?? '') &&
      (e.target ?? 'backend') === step.target,
  );
}

/** Where an export-rows step before a plain DELETE or UPDATE keeps its rows, and how it picks them: compared first when it runs. */
export interface KeptIn {
  /** The export-rows step's id. */
  step: string;
  verb: 'DELETE' | 'UPDATE';
  /** Its resolved `to`: the Parquet file the rows are kept in. */
  file: string;
  table: string;
  where: string;
  params: string[];
}

/** keptBy on a plan's resolved steps: what the statement's run compares the rows it changes with, in its transaction. */
export function keptIn(step: RowChangingStep, earlier: readonly ({ kind: string } & Record<string, unknown>)[]): KeptIn | undefined {
  const keep = keptBy(step, earlier);
  const plain = plainForm(step.sql, step.params);
  if (!keep || !plain) return undefined;
  const params = ((keep.params as unknown[] | undefined) ?? []).map(String);
  return { step: String(keep.id), verb: plain.verb, file: String(keep.to), table: String(keep.table), where: String(keep.where), params };
}

export function rowsKeptFirst(step: RowChangingStep, earlier: StepReferences['earlier']): StepIssue[] {
  // On MotherDuck alone the engine takes a named snapshot before every destructive step: it keeps every row.
  if (step.target === 'motherduck') return [];
  const changes = sqlStatements(step.sql).map(rowChange).filter((c): c is string => c !== undefined);
  if (changes.length === 0) return [];
  const verb = changes[0] as string;
  if (changes.length > 1 || sqlStatements(step.sql).length > 1) {
    return [{ at: ['sql'], message: `one ${verb} per step, and nothing else in it: the rows it changes are then the rows an export-rows step before it kept, and its count is checked alone` }];
  }
  const plain = plainForm(step.sql, step.params);
  if (!plain) {
    const noWhere = (verb === 'DELETE' || verb === 'UPDATE') && topLevel(comparableSql(step.sql), ' where ') === -1;
    return [
      {
        at: ['sql'],
        message: noWhere
          ? `${article(verb)} ${verb} needs a WHERE naming the rows it changes (${verb === 'DELETE' ? 'DELETE FROM <table> WHERE …' : 'UPDATE <table> SET … WHERE …'}), the rows an export-rows step before it keeps: without one it reaches every row of the table`
          : `${article(verb)} ${verb} written this way cannot be checked against the rows kept before it: write it as ${plainForms}, after an export-rows step keeping the same rows (with target: motherduck, the engine's named snapshot keeps them instead)`,
      },
    ];
  }
  // Asked only of a statement that can be kept first: a DROP is told to become a DELETE, not to set a count it cannot use.
  if (step.expectRows === undefined) {
    return [{ at: ['expectRows'], message: `${article(verb)} ${verb} must change exactly the rows a preview counted: set expectRows: "{{previews.<id>}}" (without it, one that reaches other rows than the plan showed is committed all the same)` }];
  }
  const keeps = earlier.filter((e) => e.kind === 'export-rows');
  const kept = keptBy(step, keeps);
  const unconditional = (e: Record<string, unknown>) =>
    (e.onlyIf === undefined || same(e.onlyIf, step.onlyIf)) &&
    (e.onlyIfGiven === undefined || e.onlyIfGiven === step.onlyIfGiven) &&
    (e.onlyIfRan === undefined || e.onlyIfRan === step.onlyIfRan) &&
    ((e.acceptStatuses as unknown[] | undefined) ?? []).length === 0;
  if (kept && unconditional(kept)) return [];
  if (kept) {
    return [{ at: ['sql'], message: `the export-rows step "${kept.id}" keeps these rows only on a condition (onlyIf, onlyIfGiven, onlyIfRan or acceptStatuses) this ${verb} does not share: it could run with nothing kept` }];
  }
  // The near misses to name: those of the same table, when there are any (the marts kept beside it are not).
  const sameTable = keeps.filter((e) => comparableSql(String(e.table)) === comparableSql(plain.table));
  const near = sameTable.length > 0 ? sameTable : keeps;
  return [
    {
      at: ['sql'],
      message:
        `the rows this ${verb} ${verb === 'DELETE' ? 'removes' : 'changes'} are not kept first: put an export-rows step before it with the same table (${plain.table}), where (${plain.where}), params and expectRows` +
        `${near.length > 0 ? ` (the export-rows step${near.length === 1 ? '' : 's'} before it, ${near.map((e) => `"${e.id}"`).join(', ')}, keep${near.length === 1 ? 's' : ''} other rows)` : ''}, so the rows kept are the rows ${verb === 'DELETE' ? 'deleted' : 'changed'} and a rollback can put them back`,
    },
  ];
}
