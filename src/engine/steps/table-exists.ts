// Where a table name resolves, and whether a table (or view) of that name is there: a mart not built yet is said, not failed on.
import type { TargetSession } from '../../database/target.js';

const quotedName = /^"?[A-Za-z_][A-Za-z0-9_]*"?(\."?[A-Za-z_][A-Za-z0-9_]*"?){0,2}$/;
const parts = (identifier: string) => identifier.split('.').map((part) => part.replace(/^"|"$/g, ''));

/** Whether a rendered identifier is a plain (schema-qualified) name, which information_schema can be asked about. */
export const isPlainName = (identifier: string) => quotedName.test(identifier);

/** A rendered identifier ("raw_ebird"."observations") as an operator writes it. */
export const plainName = (identifier: string) => (quotedName.test(identifier) ? parts(identifier).join('.') : identifier.trim());

/** Where a name resolves: schema.table in the database opened, catalog.schema.table as named ('' is the one opened). */
export function placeOf(table: string): [catalog: string, schema: string, name: string] {
  const p = parts(table);
  return [p.length > 2 ? (p[0] as string) : '', p.length > 1 ? (p.at(-2) as string) : 'main', p.at(-1) as string];
}

/** information_schema's rows of the catalog $1 names ('' is the database opened). */
export const inCatalog = `table_catalog = coalesce(nullif($1, ''), current_database())`;

/**
 * Whether the table or view `table` names (as SQL renders it) is in the database; a name that is not a plain one (an
 * expression, a table function) is taken to be there, so what reads it fails as it would have.
 */
export async function tableExists(session: TargetSession, table: string): Promise<boolean> {
  if (!isPlainName(table)) return true;
  const [catalog, schema, name] = placeOf(table);
  const { rows } = await session.run(
    `SELECT count(*) FROM information_schema.tables WHERE ${inCatalog} AND lower(table_schema) = lower($2) AND lower(table_name) = lower($3)`,
    [catalog, schema, name],
  );
  return Number(rows[0]?.[0] ?? 0) > 0;
}

/** The columns of the table `table` names (as SQL renders it), in their order; none for a name that is not a plain one. */
export async function columnsOf(session: TargetSession, table: string): Promise<string[]> {
  if (!isPlainName(table)) return [];
  const [catalog, schema, name] = placeOf(table);
  const { rows } = await session.run(
    `SELECT column_name FROM information_schema.columns
      WHERE ${inCatalog} AND lower(table_schema) = lower($2) AND lower(table_name) = lower($3) ORDER BY ordinal_position`,
    [catalog, schema, name],
  );
  return rows.map((row) => String(row[0]));
}
