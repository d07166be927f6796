// Classifies SQL text statement by statement: which statements change or remove data already there (they must be destructive).

/** The statements of `sql`, comments removed and string literals emptied, split on the semicolons between them. */
export function sqlStatements(sql: string): string[] {
  let out = '';
  for (let i = 0; i < sql.length; i += 1) {
    const c = sql[i] as string;
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i += 1;
      out += ' ';
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
      out += ' ';
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      for (; j < sql.length; j += 1) {
        if (sql[j] === c && sql[j + 1] === c) j += 1;
        else if (sql[j] === c) break;
      }
      // A quoted identifier keeps its text (it names a table); a string literal's text never decides anything.
      out += c === '"' ? sql.slice(i, j + 1) : "''";
      i = j;
    } else out += c;
  }
  return out.split(';').map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s.length > 0);
}

const overwriting = new Set(['DELETE', 'UPDATE', 'INSERT', 'DROP', 'TRUNCATE', 'ALTER', 'MERGE', 'UPSERT', 'REPLACE']);

/** Why one statement changes data already there (its leading words), or undefined for one that only reads or makes something new. */
export function overwrites(statement: string): string | undefined {
  const s = statement.toUpperCase().replace(/^(EXPLAIN ANALY[SZ]E\s+)/, '');
  const first = /^[A-Z_]+/.exec(s)?.[0] ?? '';
  if (overwriting.has(first)) return s.startsWith('ALTER') && /\bSET SNAPSHOT\b/.test(s) ? 'ALTER … SET SNAPSHOT' : first;
  if (first === 'CREATE' && /^CREATE OR REPLACE\b/.test(s)) return 'CREATE OR REPLACE';
  if (first === 'COPY') {
    if (/^COPY FROM DATABASE\b/.test(s)) return /\bOVERWRITE\b/.test(s) ? 'COPY FROM DATABASE … (OVERWRITE)' : 'COPY FROM DATABASE';
    // COPY (query) TO … and COPY table TO … write a file; COPY table FROM … loads rows into the table.
    if (/^COPY ?\(/.test(s) || /^COPY [^ (]+( ?\([^)]*\))? TO\b/.test(s)) return undefined;
    return 'COPY … FROM';
  }
  if (first === 'WITH') return /\b(DELETE|UPDATE|INSERT|MERGE)\b/.exec(s)?.[1];
  return undefined;
}

/** The statements of `sql` that change data already there, each with why. */
export function overwritingStatements(sql: string): { statement: string; why: string }[] {
  return sqlStatements(sql).flatMap((statement) => {
    const why = overwrites(statement);
    return why ? [{ statement, why }] : [];
  });
}
