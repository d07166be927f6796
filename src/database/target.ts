// The database a step talks to, by name: the local DuckDB file or MotherDuck. Statements go through a session of it.
export type TargetName = 'local' | 'motherduck';

export const targetNames: readonly TargetName[] = ['local', 'motherduck'];

export interface QueryResult {
  columns: string[];
  /** Rows as JSON values: numbers beyond 2^53, decimals and timestamps come back as strings. */
  rows: unknown[][];
}

/** An open connection to a target: statements run one at a time, in order. */
export interface TargetSession {
  run(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /** Stops the running statement (a step's timeout); it then fails with DuckDB's interrupt error. */
  interrupt(): void;
  /** Settles once the database is closed: what follows may open the file again. */
  close(): Promise<void>;
}

export interface DatabaseTarget {
  readonly name: TargetName;
  /** The database statements name: the MotherDuck database, or the DuckDB file's catalog name. */
  readonly database: string;
  /** What an operator reads: the file's path, or md:<database>. */
  readonly label: string;
  /** One mutating plan per target at a time, and "has changed since", are keyed on this. */
  readonly lockKey: string;
  open(options: { writable: boolean }): Promise<TargetSession>;
}

/** Why a target could not be reached; `kind` lets a diagnosis turn it into a verdict. */
/** no-database: MotherDuck answered, and has no database of that name (mistyped, or dropped). */
export type TargetProblem = 'token-missing' | 'token-refused' | 'extension' | 'timeout' | 'unreachable' | 'no-database';

/** A failure to reach a target, in one line an operator can act on; it never carries a secret. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
  constructor(
    readonly problem: TargetProblem,
    message: string,
  ) {
    super(message);
  }
}

export function isTargetError(error: unknown): error is TargetError {
  return error instanceof TargetError;
}
