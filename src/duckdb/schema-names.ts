// Schema names as DuckDB resolves them: without regard to case, so "Raw_Ebird" is the raw_ebird every query reads.

/** Whether `wanted` is among the `present` schemas, as DuckDB would find it by that name. */
export function hasSchema(present: readonly string[], wanted: string): boolean {
  const name = wanted.toLowerCase();
  return present.some((schema) => schema.toLowerCase() === name);
}
