// A schema-qualified name as DuckDB SQL writes it (each part in double quotes), and as it is shown to a person.
export function quotedName(schema: string, name: string): string {
  return `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
}

/**
 * schema.table for a person to read: a part that is a plain identifier stays bare (main.orders), any other is quoted as
 * SQL quotes it, so `main."Orders 2024"` and `main."a.b"` read as one table of schema main, and can be pasted into SQL.
 */
export function shownName(schema: string, name: string): string {
  const part = (text: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? text : `"${text.replace(/"/g, '""')}"`);
  return `${part(schema)}.${part(name)}`;
}
