// DuckDB's Node API, loaded at its first use: a command that opens no database (the CLI's help and status) does not
// pay the 0.2 s of CPU its native library and modules take to load.
export const duckdbApi = () => import('@duckdb/node-api');
