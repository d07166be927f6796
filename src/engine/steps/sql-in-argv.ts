// Finds SQL that changes data given whole as a command's argument (sqlite3 db "DELETE FROM x", psql -c "DROP TABLE x"), whatever the client.
import { executedStatement, sqlStatements } from './sql-statements.js';

/**
 * A statement's opening words when it changes data, files or schema, as no other argument is written: DELETE FROM,
 * DROP TABLE, UPDATE t SET, INSERT INTO … A word such as "update" or "delete" alone, or in prose, is no statement.
 */
const changingStatement =
  /^(DELETE FROM|DROP (TABLE|VIEW|SCHEMA|DATABASE|INDEX|SEQUENCE|MACRO|FUNCTION|TYPE|SECRET)|UPDATE \S+ (AS \S+ )?SET|INSERT (OR \w+ )?INTO|(REPLACE|UPSERT|MERGE) INTO|TRUNCATE (TABLE )?\S+$|ALTER (TABLE|VIEW|SCHEMA|DATABASE|INDEX|SEQUENCE)|CREATE (OR REPLACE )?(TEMP |TEMPORARY )?(TABLE|VIEW|SCHEMA|DATABASE|INDEX|SEQUENCE|MACRO)|COPY \S+ (FROM|TO)|COPY ?\(|(ATTACH|DETACH) |VACUUM|WITH .*\b(DELETE FROM|UPDATE \S+ SET|INSERT INTO)\b)/;

/** `word`, shortened for a message, when it (or an option's value in it, --command=…) holds a statement that changes data; undefined when not. */
export function changingSqlIn(word: string): string | undefined {
  const text = word.replace(/^--?[A-Za-z][\w-]*=/, '');
  if (!/\s/.test(text.trim())) return undefined;
  if (!sqlStatements(text).some((statement) => changingStatement.test(executedStatement(statement)))) return undefined;
  const shown = word.trim().replace(/\s+/g, ' ');
  return shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
}
