// A step's SQL put on one line in a postmortem's table still reads as the SQL that ran: its line comments become block comments.
import { describe, expect, it } from 'vitest';
import { cell, code, commentsInline } from '../../src/postmortem/markdown.js';

describe('a step put in a table cell', () => {
  it('keeps the statements after a "-- bound:" line as SQL, not as part of the comment', () => {
    const sql = "SELECT count(*) FROM t WHERE d = $1\n-- bound: $1=\"2026-04-20\"\nSELECT 1 -- trailing, left as it is\n  -- an indented one */ closed early";
    expect(cell(code(commentsInline(sql)))).toBe('`SELECT count(*) FROM t WHERE d = $1 /* bound: $1="2026-04-20" */ SELECT 1 -- trailing, left as it is /* an indented one * / closed early */`');
    // A command's flags are not comments.
    expect(cell(code(commentsInline('uv run dagster job backfill --from 2026-04-17\n--to 2026-04-20')))).toBe('`uv run dagster job backfill --from 2026-04-17 --to 2026-04-20`');
  });

  it("finds a comment after a statement in a runbook's own SQL, and none inside a string", () => {
    const sql = "DELETE FROM t WHERE note = '-- not a comment' -- keep the window\nAND d = $1";
    expect(cell(code(commentsInline(sql, true)))).toBe("`DELETE FROM t WHERE note = '-- not a comment' /* keep the window */ AND d = $1`");
    // Block comments nest: a "/*" in a bound value must not leave the new one open.
    expect(cell(code(commentsInline('SELECT 1\n-- bound: $1="/backups/*"', true)))).toBe('`SELECT 1 /* bound: $1="/backups/ *" */`');
    expect(cell(code(commentsInline('DROP DATABASE "a" -- each one that exists\nDROP DATABASE "b"', true)))).toBe('`DROP DATABASE "a" /* each one that exists */ DROP DATABASE "b"`');
  });
});
