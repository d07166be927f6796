// Whether a table name names a view, and what it reads: a DELETE from a view fails (DuckDB deletes from base tables only).
import type { TargetSession } from '../../database/target.js';
import { isPlainName, placeOf } from './table-exists.js';

const part = String.raw`(?:"[^"]*"|[A-Za-z_][\w$]*)`;
/** The relations a view's SQL reads after FROM and JOIN (a table function, name followed by "(", is none). */
const readFrom = new RegExp(String.raw`\b(?:FROM|JOIN)\s+(${part}(?:\.${part}){0,2})(?![\w$."]|\s*\()`, 'gi');

/**
 * When `table` (as SQL renders it) is a view: the tables its definition reads, as written there (none found: an empty
 * list), and the definition. Undefined for a base table, a name that is not there, or one that is not a plain name.
 */
export async function viewOver(session: TargetSession, table: string): Promise<{ over: string[]; definition: string } | undefined> {
  if (!isPlainName(table)) return undefined;
  const [catalog, schema, name] = placeOf(table);
  const { rows } = await session.run(
    `SELECT t.table_type, v.view_definition FROM information_schema.tables AS t
     LEFT JOIN information_schema.views AS v USING (table_catalog, table_schema, table_name)
     WHERE t.table_catalog = coalesce(nullif($1, ''), current_database()) AND lower(t.table_schema) = lower($2) AND lower(t.table_name) = lower($3)`,
    [catalog, schema, name],
  );
  const row = rows[0];
  if (!row || row[0] !== 'VIEW') return undefined;
  const definition = String(row[1] ?? '').trim();
  const over = [...new Set([...definition.matchAll(readFrom)].map((m) => (m[1] as string).replace(/"/g, '')))];
  return { over, definition };
}
