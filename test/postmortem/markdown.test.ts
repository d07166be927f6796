// A step's SQL put on one line in a postmortem's table still reads as the SQL that ran: its line comments become block comments;
// an excerpt shortened for a terminal keeps a per-day table's bad days.
import { describe, expect, it } from 'vitest';
import { cell, code, commentsInline, excerptKeeping } from '../../src/postmortem/markdown.js';

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

describe('an excerpt shortened around what must be seen', () => {
  it("keeps a per-day table's header, its bad days wherever they fall, and its last line, folding the rest", () => {
    const days = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}  ${i === 27 ? '5     low' : '500   normal'}`);
    const table = ['day         rows  verdict', '----------  ----  -------', ...days].join('\n');
    expect(excerptKeeping(table, ['2026-11-28'], 8)).toBe(
      ['day         rows  verdict', '----------  ----  -------', '[… 27 lines omitted …]', '2026-11-28  5     low', '[… 1 line omitted …]', '2026-11-30  500   normal'].join('\n'),
    );
    // Nothing to keep: the first and last lines, as before.
    expect(excerptKeeping(table, [], 8)).toContain('[… 25 lines omitted …]');
  });
});
