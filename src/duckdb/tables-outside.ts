// The tables, views, macros, sequences and types of a DuckDB file outside the schemas a rebuild makes again: what only the file moved aside keeps.
import type { DatabaseTarget } from '../database/target.js';
import { firstLine } from '../excerpt.js';
import { UnansweredCalls } from '../unanswered-calls.js';
import { probeAnswerWithinMs } from './probe-answer-time.js';
import { keywordSet, keywordsSql, shownName } from './quoted-name.js';

/**
 * How many names are kept: a plan (journaled, hashed) names every one in its move's step, for the approver to see;
 * past this many (a file of thousands made by hand) the rest are counted, and the step says how to list them.
 */
export const namesKept = 1_000;

/**
 * Its tables, views and other objects made by hand outside those schemas (up to namesKept, as shown names, a macro, a
 * sequence or a type followed by its kind, and how many in all; `others`: how many are neither table nor view); or why
 * the file's catalog could not be read.
 */
export type TablesOutside = { names: string[]; count: number; others?: number } | { unlisted: string };

/** How a kind of object other than a table or a view is said after its name. */
const kindSaid: Record<string, string> = { macro: 'macro', table_macro: 'table macro', sequence: 'sequence', type: 'type' };

/** A schema pattern as a test of a name: `*` stands for any characters; DuckDB finds schemas without regard to case. */
function matcher(patterns: readonly string[]): (schema: string) => boolean {
  const tests = patterns.map((pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'));
  return (schema) => tests.some((test) => test.test(schema));
}

/**
 * Catalog reads not answered yet, by file: given the probe's time to answer, as they open the file on the shared
 * session thread, where a hung one must not stall the plan's proposal; one of a file whose earlier read is still out
 * past that time is answered at once.
 */
const reads = new UnansweredCalls(probeAnswerWithinMs);

/**
 * Read from the catalog only: a file whose data blocks are damaged still lists its tables. Said unlisted when the read
 * does not answer in time (`answerWithinMs`: the probe's time, less in tests).
 */
export async function tablesOutside(target: DatabaseTarget, schemas: readonly string[], answerWithinMs = probeAnswerWithinMs): Promise<TablesOutside> {
  const calls = answerWithinMs === probeAnswerWithinMs ? reads : new UnansweredCalls(answerWithinMs);
  return calls.run(target.lockKey, () => listOutside(target, schemas), (since) => ({
    unlisted: `a read of its catalog started at ${new Date(since).toISOString().slice(11, 19)} UTC has not returned: the storage under it does not answer (a hung network mount, say)`,
  }));
}

async function listOutside(target: DatabaseTarget, schemas: readonly string[]): Promise<TablesOutside> {
  const rebuilt = matcher(schemas);
  try {
    const session = await target.open({ writable: false });
    try {
      // Macros, sequences and enum types made by hand are kept only in the file too: a rebuild makes none of them. A
      // macro with overloads is one row per overload, so they are listed once.
      const result = await session.run(
        `SELECT schema_name, table_name, 'table' FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary
         UNION ALL
         SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE database_name = current_database() AND NOT temporary AND NOT internal
         UNION ALL
         SELECT DISTINCT schema_name, function_name, function_type FROM duckdb_functions() WHERE database_name = current_database() AND NOT internal AND function_type IN ('macro', 'table_macro')
         UNION ALL
         SELECT schema_name, sequence_name, 'sequence' FROM duckdb_sequences() WHERE database_name = current_database() AND NOT temporary
         UNION ALL
         SELECT schema_name, type_name, 'type' FROM duckdb_types() WHERE database_name = current_database() AND NOT internal
         ORDER BY 1, 2, 3`,
      );
      // Names that are keywords shown quoted, as the scan shows them: "select"."table", pasted into SQL as it reads.
      const keywords = keywordSet((await session.run(keywordsSql)).rows);
      const outside = result.rows.filter(([schema]) => !rebuilt(String(schema)));
      const names = outside.map(([schema, name, kind]) => {
        const said = kindSaid[String(kind)];
        return `${shownName(String(schema), String(name), keywords)}${said ? ` (${said})` : ''}`;
      });
      const others = outside.filter(([, , kind]) => kindSaid[String(kind)] !== undefined).length;
      return { names: names.slice(0, namesKept), count: names.length, ...(others > 0 ? { others } : {}) };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { unlisted: firstLine((error as Error).message) };
  }
}
