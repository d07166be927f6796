// A schema-qualified name as DuckDB SQL writes it: each part in double quotes, a double quote in it doubled.
export function quotedName(schema: string, name: string): string {
  return `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
}
