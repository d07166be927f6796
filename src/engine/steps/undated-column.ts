// A date column of a type DuckDB cannot read a day from (epoch seconds in a BIGINT): said as the runbook setting to correct, not as DuckDB's cast error.

/** The types a day is read from (source_day in src/duckdb/open.ts): what the setting naming the column must name. */
const datedTypes = 'a DATE, TIMESTAMP or TIMESTAMPTZ column, or a text column of dates';

/** DuckDB's error casting a column of such a type to DATE: the type and the column, or undefined for any other error. */
export function undatedColumnIn(message: string): { type: string; column: string } | undefined {
  const found = /Unimplemented type for cast \((.+?) -> DATE\) when casting from source column "?([^"\s]+)"?/.exec(message);
  return found ? { type: found[1] as string, column: found[2] as string } : undefined;
}

/**
 * The setting a template names the column by: `raw_date_column` of "{{source.raw_date_column}}", the template itself
 * when it is more than one placeholder, '' for a name written in the step.
 */
export function settingOf(template: string): string {
  const placeholder = /^\s*\{\{\s*([\w.]+)\??\s*\}\}\s*$/.exec(template);
  if (placeholder) return (placeholder[1] as string).split('.').at(-1) as string;
  return template.includes('{{') ? template.trim() : '';
}

/** "observation_date in raw_ebird.observations is a BIGINT column, not …: no day can be read from it; raw_date_column must name one". */
export function undatedColumnSaid(column: string, type: string, where: { table?: string; setting: string; file?: string }): string {
  const named = where.setting ? `${where.setting}${where.file ? ` in ${where.file}` : ''} must name one` : `the date column must be one${where.file ? ` (${where.file})` : ''}`;
  const number = /INT|DECIMAL|DOUBLE|FLOAT|REAL|NUMERIC/i.test(type) ? ' (a number, epoch seconds say, is no date DuckDB reads)' : '';
  return `${column}${where.table ? ` in ${where.table}` : ''} is a ${type} column, not ${datedTypes}${number}, so no row of it falls on a day: ${named}`;
}
