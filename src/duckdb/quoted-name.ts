// A schema-qualified name as DuckDB SQL writes it (each part in double quotes), and as it is shown to a person.
import { escapedInvisible } from '../commands/unusual-characters.js';

export function quotedName(schema: string, name: string): string {
  return `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
}

/**
 * schema.table for a person to read: a part that is a plain identifier stays bare (main.orders), any other is quoted as
 * SQL quotes it, so `main."Orders 2024"` and `main."a.b"` read as one table of schema main, and can be pasted into SQL.
 * `keywords`: DuckDB's keywords a name cannot be bare as (lower case; scan.ts asks DuckDB), quoted too (`main."select"`).
 * A part holding an invisible character (a line break) is quoted with it escaped (`main."a\nb"`, a backslash doubled): the list it is in stays
 * one line, and the name does not pass for another.
 */
export function shownName(schema: string, name: string, keywords: ReadonlySet<string> = new Set()): string {
  const part = (text: string) =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && !keywords.has(text.toLowerCase()) ? text : `"${escapedInvisible(text).replace(/"/g, '""')}"`;
  return `${part(schema)}.${part(name)}`;
}

/** DuckDB's words a name cannot be bare as (select, from …), lower case, one a row: what shownName's `keywords` is read with. */
export const keywordsSql = `SELECT lower(keyword_name) FROM duckdb_keywords() WHERE keyword_category <> 'unreserved'`;

/** The rows keywordsSql answered, as shownName's `keywords`. */
export const keywordSet = (rows: readonly (readonly unknown[])[]): ReadonlySet<string> => new Set(rows.map(([word]) => String(word)));
