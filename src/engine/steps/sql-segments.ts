// Splits SQL text into code, comments, string literals and quoted identifiers, as DuckDB reads them, for the load-time checks.

export interface SqlSegment {
  kind: 'code' | 'comment' | 'string' | 'identifier';
  /** The segment as written, quotes and comment markers included. */
  text: string;
}

const identifierChar = /[A-Za-z0-9_$]/;
/** $$ or $tag$ opening a dollar-quoted string; $1 is a parameter, not a quote. */
const dollarTag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/** Where the literal or comment starting at `i` ends (the index after it), or undefined when none starts there. */
function endOf(sql: string, i: number): { end: number; kind: SqlSegment['kind'] } | undefined {
  const c = sql[i];
  const before = sql[i - 1] ?? '';
  if (c === '-' && sql[i + 1] === '-') {
    const newline = sql.indexOf('\n', i);
    return { end: newline === -1 ? sql.length : newline, kind: 'comment' };
  }
  if (c === '/' && sql[i + 1] === '*') {
    // Block comments nest, as in PostgreSQL, whose grammar DuckDB's parser comes from.
    let depth = 0;
    for (let j = i; j < sql.length; j += 1) {
      if (sql.startsWith('/*', j)) {
        depth += 1;
        j += 1;
      } else if (sql.startsWith('*/', j)) {
        depth -= 1;
        j += 1;
        if (depth === 0) return { end: j + 1, kind: 'comment' };
      }
    }
    return { end: sql.length, kind: 'comment' };
  }
  if (c === "'" || c === '"') {
    // In E'…' a backslash escapes the next character (E'it\'s'); everywhere a doubled quote is one quote.
    const escapes = c === "'" && /[Ee]/.test(before) && !identifierChar.test(sql[i - 2] ?? '');
    for (let j = i + 1; j < sql.length; j += 1) {
      if (escapes && sql[j] === '\\') j += 1;
      else if (sql[j] === c && sql[j + 1] === c) j += 1;
      else if (sql[j] === c) return { end: j + 1, kind: c === '"' ? 'identifier' : 'string' };
    }
    return { end: sql.length, kind: c === '"' ? 'identifier' : 'string' };
  }
  if (c === '$' && !identifierChar.test(before)) {
    const tag = dollarTag.exec(sql.slice(i))?.[0];
    if (tag === undefined) return undefined;
    const close = sql.indexOf(tag, i + tag.length);
    return { end: close === -1 ? sql.length : close + tag.length, kind: 'string' };
  }
  return undefined;
}

export function sqlSegments(sql: string): SqlSegment[] {
  const segments: SqlSegment[] = [];
  let code = '';
  for (let i = 0; i < sql.length; ) {
    const found = endOf(sql, i);
    if (!found) {
      code += sql[i];
      i += 1;
      continue;
    }
    if (code) segments.push({ kind: 'code', text: code });
    code = '';
    segments.push({ kind: found.kind, text: sql.slice(i, found.end) });
    i = found.end;
  }
  if (code) segments.push({ kind: 'code', text: code });
  return segments;
}
