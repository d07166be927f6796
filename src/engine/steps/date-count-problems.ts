// Why a table's counts per day cannot be taken or trusted, said as an operator acts on it rather than as DuckDB words it.
import { isDamage } from '../../duckdb/probe.js';
import { firstLine } from '../../excerpt.js';
import type { TargetSession } from '../../database/target.js';
import type { Explained } from './step-database.js';
import { columnsOf, inCatalog, isPlainName, placeOf, plainName as plain } from './table-exists.js';
import { undatedColumnIn, undatedColumnSaid } from './undated-column.js';

export interface DateProblems {
  /** Values that are there but do not cast to DATE ('2026-13-45', 'n/a'). */
  unreadable: number;
  /** NULLs. */
  empty: number;
  /** A few of the unreadable values, as text. */
  examples: string[];
}

const listed = (names: readonly string[], limit = 10) =>
  names.length > limit ? `${names.slice(0, limit).join(', ')} … and ${names.length - limit} more` : names.join(', ');

async function missingTable(session: TargetSession, table: string, database: string): Promise<string | undefined> {
  const [catalog, schema, name] = placeOf(table);
  // The table's own schema first: dlt's _dlt_loads beside a missing raw table says the source was loaded once.
  const { rows } = await session.run(
    `SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE ${inCatalog}
      ORDER BY lower(table_schema) = lower($2) DESC, 1`,
    [catalog, schema],
  );
  const tables = rows.map((row) => String(row[0]));
  if (tables.some((t) => t.toLowerCase() === `${schema}.${name}`.toLowerCase())) return undefined;
  return `${plain(table)} does not exist in ${database} (${tables.length > 0 ? `tables there: ${listed(tables)}` : 'it has no tables at all'})`;
}

async function missingColumn(session: TargetSession, table: string, column: string): Promise<string | undefined> {
  const columns = await columnsOf(session, table);
  if (columns.length === 0 || columns.some((c) => c.toLowerCase() === plain(column).toLowerCase())) return undefined;
  return `${plain(table)} has no column ${plain(column)} (its columns: ${listed(columns)})`;
}

/** The key's columns the table lacks, said as the runbook's setting that names them: the repeats are counted by it. */
async function missingKey(session: TargetSession, table: string, key: string): Promise<string | undefined> {
  const keys = key.split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0) return undefined;
  const columns = await columnsOf(session, table);
  const lacking = keys.filter((k) => !columns.some((c) => c.toLowerCase() === plain(k).toLowerCase()));
  if (columns.length === 0 || lacking.length === 0) return undefined;
  return `${plain(table)} has no column ${lacking.map(plain).join(', ')}, which the source's primary_key (${keys.map(plain).join(', ')}) names (its columns: ${listed(columns)})`;
}

/** The NULL dates: cheap, as DuckDB skips the row groups whose statistics hold none. */
export async function emptyDates(session: TargetSession, table: string, column: string): Promise<number> {
  return Number((await session.run(`SELECT count(*) FROM ${table} WHERE ${column} IS NULL`)).rows[0]?.[0] ?? 0);
}

/** Every value of the column that does not read as a date: a full read, so only once a count has failed. */
async function datesThatDoNotRead(session: TargetSession, table: string, column: string): Promise<DateProblems> {
  const unreadable = `${column} IS NOT NULL AND TRY_CAST(${column} AS DATE) IS NULL`;
  const counts = await session.run(`SELECT count(*) FILTER (WHERE ${column} IS NULL), count(*) FILTER (WHERE ${unreadable}) FROM ${table}`);
  const [empty, bad] = (counts.rows[0] ?? [0, 0]).map(Number) as [number, number];
  const examples = bad > 0 ? (await session.run(`SELECT DISTINCT CAST(${column} AS VARCHAR) FROM ${table} WHERE ${unreadable} ORDER BY 1 LIMIT 3`)).rows : [];
  return { unreadable: bad, empty, examples: examples.map((row) => String(row[0])) };
}

/** One line: which column, how many values do not read as dates, a few of them, and why the counts cannot be trusted. */
export function datesSummary(table: string, column: string, problems: DateProblems): string {
  const found: string[] = [];
  if (problems.unreadable > 0) {
    const shown = problems.examples.map((v) => JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v)).join(', ');
    found.push(`${problems.unreadable} ${problems.unreadable === 1 ? 'value is not a date' : 'values are not dates'} (e.g. ${shown})`);
  }
  if (problems.empty > 0) found.push(`${problems.empty} ${problems.empty === 1 ? 'value is' : 'values are'} empty (NULL)`);
  return `${plain(column)} in ${plain(table)}: ${found.join(' and ')}; a row without a readable date belongs to no day, so the counts per day cannot be trusted`;
}

/** What a failed count of `table` per `dateColumn` comes to; DuckDB's first line when it is none of these. */
export async function explainCountFailure(
  session: TargetSession,
  step: { table: string; dateColumn: string; key?: string; dateColumnSetting?: string },
  database: string,
  error: Error,
  localFile: boolean,
): Promise<Explained> {
  // A block that fails its checksum is the file's damage, not a table or column name to correct: said as such.
  if (localFile && isDamage(error.message)) return { status: 'damaged', summary: `${database} is damaged: reading ${step.table} failed with ${firstLine(error.message)}` };
  // A column of a type no day is read from (epoch seconds in a BIGINT): every value would be "not a date", and no row
  // is to fix or remove: the setting naming the column is.
  const undated = undatedColumnIn(error.message);
  if (undated) return { status: 'failed', summary: undatedColumnSaid(plain(step.dateColumn), undated.type, { table: plain(step.table), setting: step.dateColumnSetting ?? '' }) };
  try {
    if (isPlainName(step.table)) {
      const missing = await missingTable(session, step.table, database);
      if (missing) return { status: 'no-table', summary: missing };
      const noColumn = isPlainName(step.dateColumn) ? await missingColumn(session, step.table, step.dateColumn) : undefined;
      if (noColumn) return { status: 'failed', summary: noColumn };
      const noKey = await missingKey(session, step.table, step.key ?? '');
      if (noKey) return { status: 'failed', summary: noKey };
    }
    const dates = await datesThatDoNotRead(session, step.table, step.dateColumn);
    if (dates.unreadable > 0) return { status: 'bad-dates', summary: datesSummary(step.table, step.dateColumn, dates) };
  } catch {
    // These read the same table as the count: when they fail too, DuckDB's own first line is the clearest there is.
  }
  return { status: 'failed', summary: firstLine(error.message) };
}
