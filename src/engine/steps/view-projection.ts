// The base table behind a view that only shows one table whole (SELECT * FROM it), as SQLMesh serves a model: where the view's rows are written.
import type { TargetSession } from '../../database/target.js';
import { UserError } from '../../errors.js';
import { isPlainName, placeOf, plainName } from './table-exists.js';

/** A view resolved to the base table it shows whole: each as SQL names it (`view`, `table`) and as a person reads it. */
export interface ServedThrough {
  view: string;
  viewShown: string;
  table: string;
  shown: string;
}

const part = String.raw`"(?:[^"]|"")*"|[A-Za-z_][\w$]*`;
/** DuckDB's own text of a view (duckdb_views().sql, normalized) that reads one relation whole and nothing else. */
const wholeProjection = new RegExp(String.raw`^CREATE VIEW [\s\S]+? AS SELECT \* FROM ((?:${part})(?:\.(?:${part})){0,2});$`);
const nameParts = (name: string) => [...name.matchAll(new RegExp(part, 'g'))].map((m) => (m[0].startsWith('"') ? m[0].slice(1, -1).replace(/""/g, '"') : m[0]));
const quoted = (parts: readonly string[]) => parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');

/** A view over a view over a table is followed this far, no further (SQLMesh's are one deep). */
const deepest = 4;

interface Relation {
  catalog: string;
  schema: string;
  name: string;
  type: string;
}

/** The relation of that name (catalog '' being the database opened), as information_schema spells it. */
async function relation(session: TargetSession, catalog: string, schema: string, name: string): Promise<Relation | undefined> {
  const { rows } = await session.run(
    `SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables
      WHERE table_catalog = coalesce(nullif($1, ''), current_database()) AND lower(table_schema) = lower($2) AND lower(table_name) = lower($3)`,
    [catalog, schema, name],
  );
  const row = rows[0];
  return row ? { catalog: String(row[0]), schema: String(row[1]), name: String(row[2]), type: String(row[3]) } : undefined;
}

async function columns(session: TargetSession, of: Relation): Promise<string> {
  const { rows } = await session.run(
    `SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM information_schema.columns
      WHERE table_catalog = $1 AND table_schema = $2 AND table_name = $3`,
    [of.catalog, of.schema, of.name],
  );
  return String(rows[0]?.[0] ?? '');
}

/**
 * When `table` (as SQL renders it) names a view: the base table it shows whole, or a UserError naming the view when it
 * does anything else (a filter, a join, renamed or chosen columns), since rows written to that table would not be the
 * view's. Undefined for a base table, a name that is not there, or one that is not a plain name.
 * refused: what cannot be done through such a view, said after its name.
 */
export async function servedThrough(session: TargetSession, table: string, refused: string): Promise<ServedThrough | undefined> {
  if (!isPlainName(table)) return undefined;
  const [catalog, schema, name] = placeOf(table);
  const named = await relation(session, catalog, schema, name);
  if (!named || named.type !== 'VIEW') return undefined;
  let at: Relation = named;
  const view = plainName(table);
  for (let depth = 0; at.type === 'VIEW'; depth++) {
    const { rows } = await session.run('SELECT sql FROM duckdb_views() WHERE database_name = $1 AND schema_name = $2 AND view_name = $3', [at.catalog, at.schema, at.name]);
    const definition = String(rows[0]?.[0] ?? '').trim();
    const over = wholeProjection.exec(definition)?.[1];
    const notWhole = (why: string) => new UserError(`${view} is a view (${definition}), and ${why}: ${refused}`);
    if (!over || depth === deepest) throw notWhole(`not one that shows a single table whole (SELECT * FROM one table, as SQLMesh serves a model's current version)`);
    const parts = nameParts(over);
    const [overCatalog, overSchema]: [string, string] = parts.length === 3 ? [parts[0] as string, parts[1] as string] : ['', parts.length === 2 ? (parts[0] as string) : at.schema];
    const overName = parts.at(-1) as string;
    // Unqualified, DuckDB binds it in the view's own schema first, then main.
    const next: Relation | undefined = (await relation(session, overCatalog || at.catalog, overSchema, overName)) ?? (parts.length === 1 ? await relation(session, at.catalog, 'main', overName) : undefined);
    if (!next) throw notWhole(`${over} it reads is not in the database`);
    if ((await columns(session, at)) !== (await columns(session, next))) throw notWhole(`its columns are not those of ${over}, which it reads`);
    at = next;
  }
  const parts = [...(at.catalog === (await currentDatabase(session)) ? [] : [at.catalog]), at.schema, at.name];
  return { view: table, viewShown: view, table: quoted(parts), shown: plainName(quoted(parts)) };
}

async function currentDatabase(session: TargetSession): Promise<string> {
  return String((await session.run('SELECT current_database()')).rows[0]?.[0] ?? '');
}
