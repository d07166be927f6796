// Tests fieldErrors (src/slack/modal-values.ts): what a form's field is refused for before any check of the runbook's.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { fieldErrors, shownInForm } from '../../src/slack/modal-values.js';

const passes = async () => undefined;

describe("a form's fields", () => {
  it.each([
    ['"/backups/databox.duckdb"'],
    ["'/backups/databox.duckdb'"],
  ])('names quotes around a pasted value (%s) instead of taking them as part of a path', async (value) => {
    expect(await fieldErrors({ backup: value }, passes, ['backup'], ['backup'])).toEqual({
      backup: 'backup: remove the quotes around the value; a form takes what is typed as it is, quotes included',
    });
  });

  // macOS types curly quotes for straight ones: a path in them would read as a relative one, its refusal cut off.
  it.each([
    ['\u201c/path/good copy.duckdb\u201d', '\u201c \u201d'],
    ['\u2018/path/good copy.duckdb\u2019', '\u2018 \u2019'],
    ['\u201d/path/good copy.duckdb\u201d', '\u201d \u201d'],
  ])('names curly quotes around a value (%s)', async (value, quotes) => {
    expect(await fieldErrors({ backup: value }, passes, ['backup'], ['backup'])).toEqual({
      backup: `backup: remove the curly quotes (${quotes}) around the value; a form takes what is typed as it is, quotes included`,
    });
  });

  it('takes a quote inside a value, or one at one end only, as part of it', async () => {
    expect(await fieldErrors({ snapshot: "team's pre_rewrite" }, passes, ['snapshot'], ['snapshot'])).toBeUndefined();
    expect(await fieldErrors({ snapshot: "'a' and 'b'" }, passes, ['snapshot'], ['snapshot'])).toBeUndefined();
    expect(await fieldErrors({ snapshot: '"quoted' }, passes, ['snapshot'], ['snapshot'])).toBeUndefined();
  });

  it('names a line break or a right-to-left override pasted into a field', async () => {
    expect(await fieldErrors({ backup: '/backups/a\n/backups/b' }, passes, ['backup'], ['backup'])).toEqual({ backup: 'backup= contains a line break: a value is one line of plain text' });
    expect(await fieldErrors({ backup: '/backups/\u202edb.kcub' }, passes, ['backup'], ['backup'])).toEqual({
      backup: 'backup= contains an invisible control character (U+202E): a value is one line of plain text',
    });
  });
});

describe("a path with shell metacharacters in a form's field", () => {
  it('says what to do under the field, within what it shows, and the whole reason beside it', async () => {
    const value = '/backups/R&D $pecial/databox.duckdb';
    const errors = (await fieldErrors({ backup: value }, passes, ['backup'], ['backup'])) as Record<string, string>;
    const shown = shownInForm(errors);
    expect(shown.errors.backup).toMatch(/^backup contains & and \$, shell metacharacters no value may hold: copy or link it under a path without those characters, and give that path\./);
    // Cut, so the whole reason is told beside the form: the characters refused and the value as given.
    expect(shown.cut).toBe(true);
    expect(errors.backup).toContain(`backup=${value} contains shell metacharacters (\` $ ; | & < >)`);
  });

  it('says to type a value that is no path without them', async () => {
    const errors = (await fieldErrors({ source: 'ebird;drop' }, passes, ['source'], ['source'])) as Record<string, string>;
    expect(shownInForm(errors).errors.source).toMatch(/^source contains ;, a shell metacharacter no value may hold: type the value without it\./);
  });
});

describe("a refusal of several of a form's values", () => {
  it('puts each line under the field it names', async () => {
    const refused = async () => {
      throw new UserError('from=2026-12-10 is in the future\nto=2026-12-12 is in the future');
    };
    expect(await fieldErrors({ from: '2026-12-10', to: '2026-12-12' }, refused, ['from', 'to'], ['from', 'to'])).toEqual({
      from: 'from=2026-12-10 is in the future',
      to: 'to=2026-12-12 is in the future',
    });
  });

  it('puts each missing one under its own field, not both under the first', async () => {
    const missing = async () => {
      throw new UserError('missing from=YYYY-MM-DD: first day of the window\nmissing to=YYYY-MM-DD: last day of the window');
    };
    expect(await fieldErrors({ from: '', to: '', schedules: '' }, missing, ['from', 'to', 'schedules'], ['from', 'to', 'schedules'])).toEqual({
      from: 'missing from=YYYY-MM-DD: first day of the window',
      to: 'missing to=YYYY-MM-DD: last day of the window',
    });
  });
});

describe("a refusal naming no field of the form", () => {
  it('goes under the form\'s first field, which Slack can show it under (a form whose metadata names another path)', async () => {
    const refused = async () => {
      throw new UserError('unknown parameter "backup": path a takes none');
    };
    // The form drew one field, backup; the path its metadata names takes no parameter, so the refusal names none of its.
    expect(await fieldErrors({ backup: '/backups/x.duckdb' }, refused, [], ['backup'])).toEqual({ backup: 'unknown parameter "backup": path a takes none' });
    const twoRefused = async () => {
      throw new UserError('missing from=YYYY-MM-DD: first day\nmissing to=YYYY-MM-DD: last day');
    };
    expect(await fieldErrors({ snapshot: 'x' }, twoRefused, ['from', 'to'], ['snapshot'])).toEqual({ snapshot: 'missing from=YYYY-MM-DD: first day; missing to=YYYY-MM-DD: last day' });
  });
});
