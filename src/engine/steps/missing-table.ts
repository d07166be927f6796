// Whether DuckDB (MotherDuck included) refused a statement because a table, or the schema it is in, is not there.

/** DuckDB's "Catalog Error: Table with name x does not exist" (also "… because schema y does not exist"). */
export const isMissingTable = (message: string) => /Catalog Error: Table with name .+ does not exist/i.test(message);
