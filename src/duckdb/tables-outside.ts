// The tables and views of a DuckDB file outside the schemas a rebuild makes again: what only the file moved aside keeps.
import type { DatabaseTarget } from '../database/target.js';
import { firstLine } from '../excerpt.js';
import { UnansweredCalls } from '../unanswered-calls.js';
import { probeAnswerWithinMs } from './probe-answer-time.js';
import { keywordSet, keywordsSql, shownName } from './quoted-name.js';

/** How many names are kept: a plan (journaled, hashed) names the first few and counts the rest. */
const namesKept = 10;

/** Its tables and views outside those schemas (the first few, as shown names, and how many in all); or why the file's catalog could not be read. */
export type TablesOutside = { names: string[]; count: number } | { unlisted: string };

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
      const result = await session.run(
        `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary
         UNION ALL
         SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT temporary AND NOT internal
         ORDER BY 1, 2`,
      );
      // Names that are keywords shown quoted, as the scan shows them: "select"."table", pasted into SQL as it reads.
      const keywords = keywordSet((await session.run(keywordsSql)).rows);
      const names = result.rows.filter(([schema]) => !rebuilt(String(schema))).map(([schema, name]) => shownName(String(schema), String(name), keywords));
      return { names: names.slice(0, namesKept), count: names.length };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { unlisted: firstLine((error as Error).message) };
  }
}
