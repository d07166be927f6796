// Classifies SQL text statement by statement: which write (they mutate), and which change or remove data already there (destructive).
import { sqlSegments } from './sql-segments.js';

/**
 * The statements of `sql`, split on the semicolons between them, each three times: `scanned`, comments removed and string
 * literals emptied, for the keyword checks (a literal's text never decides anything; a quoted identifier keeps its text,
 * as it names a table); `written`, as the author wrote it but for comments and spacing, for a message to quote; `text`,
 * exactly as written (comments and literals untouched), to run on its own.
 */
export function sqlStatementParts(sql: string): { scanned: string; written: string; text: string }[] {
  const statements: { scanned: string; written: string; text: string }[] = [];
  let scanned = '';
  let written = '';
  let text = '';
  const end = () => {
    const part = { scanned: scanned.replace(/\s+/g, ' ').trim(), written: written.replace(/\s+/g, ' ').trim(), text: text.trim() };
    if (part.scanned.length > 0) statements.push(part);
    scanned = '';
    written = '';
    text = '';
  };
  for (const segment of sqlSegments(sql)) {
    if (segment.kind === 'comment') {
      scanned += ' ';
      written += ' ';
      text += segment.text;
    } else if (segment.kind === 'string') {
      scanned += "''";
      written += segment.text;
      text += segment.text;
    } else if (segment.kind === 'identifier') {
      scanned += segment.text;
      written += segment.text;
      text += segment.text;
    } else {
      const [first = '', ...rest] = segment.text.split(';');
      scanned += first;
      written += first;
      text += first;
      for (const after of rest) {
        end();
        scanned = after;
        written = after;
        text = after;
      }
    }
  }
  end();
  return statements;
}

/** Each statement's text exactly as written, to run as it is (a multi-statement step runs them one by one); a part holding only spaces and comments is no statement. */
export function sqlStatementTexts(sql: string): string[] {
  return sqlStatementParts(sql).map((statement) => statement.text);
}

/** The statements of `sql`, comments removed and string literals emptied, split on the semicolons between them. */
export function sqlStatements(sql: string): string[] {
  return sqlStatementParts(sql).map((statement) => statement.scanned);
}

// EXECUTE runs a prepared statement this text may not show: counted as a write, never as a read.
const changing = /\b(insert|update|delete|merge|drop|alter|create|copy|export|import|truncate|attach|detach|set|checkpoint|vacuum|execute)\b/i;

/** Whether `sql` writes anything at all (a keyword that changes data, files or settings, outside comments and literals): it mutates. */
export function changesData(sql: string): boolean {
  return sqlStatements(sql).some((statement) => changing.test(statement));
}

const overwriting = new Set(['DELETE', 'UPDATE', 'DROP', 'TRUNCATE', 'ALTER', 'MERGE', 'UPSERT', 'REPLACE']);

/**
 * A statement (as sqlStatements writes it) past the words that only wrap what it runs, in upper case: EXPLAIN ANALYZE
 * runs what follows, and a prepared statement is judged by what it prepares (PREPARE del AS DELETE … deletes as
 * DELETE … does). A quoted name ("update", a column) is no keyword: emptied.
 */
export function executedStatement(statement: string): string {
  let s = statement.replace(/"(?:[^"]|"")*"/g, '""').toUpperCase();
  for (;;) {
    const next = s.replace(/^EXPLAIN\s+ANALY[SZ]E\s+/, '').replace(/^PREPARE\s+\S+\s+AS\s+/, '');
    if (next === s) return s;
    s = next;
  }
}

/** Why one statement changes data already there (its leading words), or undefined for one that only reads or makes something new. */
export function overwrites(statement: string): string | undefined {
  const s = executedStatement(statement);
  const first = /^[A-Z_]+/.exec(s)?.[0] ?? '';
  if (overwriting.has(first)) return s.startsWith('ALTER') && /\bSET SNAPSHOT\b/.test(s) ? 'ALTER … SET SNAPSHOT' : first;
  // A plain INSERT only adds rows (it mutates); one that replaces or updates the rows it collides with changes them.
  if (first === 'INSERT') {
    if (/^INSERT OR REPLACE\b/.test(s)) return 'INSERT OR REPLACE';
    if (/\bON CONFLICT\b.*\bDO UPDATE\b/.test(s)) return 'INSERT … ON CONFLICT DO UPDATE';
    return undefined;
  }
  if (first === 'CREATE' && /^CREATE OR REPLACE\b/.test(s)) return 'CREATE OR REPLACE';
  if (first === 'COPY') {
    if (/^COPY FROM DATABASE\b/.test(s)) return /\bOVERWRITE\b/.test(s) ? 'COPY FROM DATABASE … (OVERWRITE)' : 'COPY FROM DATABASE';
    // COPY (query) TO … and COPY table TO … write a file, replacing one already there; COPY table FROM … loads rows into the table.
    if (/^COPY ?\(/.test(s) || /^COPY [^ (]+( ?\([^)]*\))? TO\b/.test(s)) return 'COPY … TO, which replaces the file if it exists; an export-rows step never does';
    return 'COPY … FROM';
  }
  if (/^EXPORT DATABASE\b/.test(s)) return 'EXPORT DATABASE, which replaces the files already in its directory';
  if (first === 'WITH') return /\b(DELETE|UPDATE|MERGE|INSERT OR REPLACE)\b/.exec(s)?.[1];
  return undefined;
}

/**
 * Whether every statement of `sql` makes a new database (CREATE DATABASE, a clone FROM another or IF NOT EXISTS): no
 * database already there changes, the one it is made from included. CREATE OR REPLACE DATABASE replaces one: it does not.
 */
export function makesOnlyNewDatabases(sql: string): boolean {
  const statements = sqlStatements(sql);
  return statements.length > 0 && statements.every((statement) => /^CREATE DATABASE\b/.test(executedStatement(statement)));
}

/** The statements of `sql` that change data already there, each as written (for a message to quote) with why. */
export function overwritingStatements(sql: string): { statement: string; why: string }[] {
  return sqlStatementParts(sql).flatMap(({ scanned, written }) => {
    const why = overwrites(scanned);
    return why ? [{ statement: written, why }] : [];
  });
}
