// Text holding the operator's names, escaped for Slack: each name Slack would read as formatting is code, while the
// text's own stress, code spans, emoji and mentions stay as the bot wrote them.
import { describe, expect, it } from 'vitest';
import { escapeMrkdwnNames } from '../../src/slack/mrkdwn.js';

describe('escapeMrkdwnNames', () => {
  it('shows each word holding *, ~, a backtick or an _ at a word\'s edge as code, its comma or bracket outside', () => {
    expect(escapeMrkdwnNames('views main._dlt_loads, main."a*b*c" and (main."x~y")')).toBe('views `main._dlt_loads`, `main."a*b*c"` and (`main."x~y"`)');
    expect(escapeMrkdwnNames('tables a_, main."_x" and main."y_"')).toBe('tables `a_`, `main."_x"` and `main."y_"`');
    expect(escapeMrkdwnNames('table main."Orders * 2024" fails')).toBe('table `main."Orders * 2024"` fails');
  });

  it("shows a cron's fields as one code span, and never joins two names so", () => {
    expect(escapeMrkdwnNames('schedule hourly (0 * * * *) ticks')).toBe('schedule hourly (0 `* * * *`) ticks');
    expect(escapeMrkdwnNames('views a*b c*d')).toBe('views `a*b` `c*d`');
  });

  it('leaves an _ inside a word, which Slack does not read as italic, as plain text', () => {
    expect(escapeMrkdwnNames('views main.raw_events_2024 and sqlmesh__analytics.t__1')).toBe('views main.raw_events_2024 and sqlmesh__analytics.t__1');
  });

  it('puts a name holding a backtick in a code block, and parts three backticks in a row, which would end it', () => {
    expect(escapeMrkdwnNames('view main."tick`name" fails')).toBe('view ```main."tick`name"``` fails');
    expect(escapeMrkdwnNames('view a```b')).toBe('view ```a`\u200b``b```');
  });

  it("does not pair a name's lone backtick with a code span later in the text", () => {
    expect(escapeMrkdwnNames('views main."tick`name", main._dlt_loads do not bind; run `uv run sqlmesh plan prod` now')).toBe(
      'views ```main."tick`name"```, `main._dlt_loads` do not bind; run `uv run sqlmesh plan prod` now',
    );
    expect(escapeMrkdwnNames('view main."a `b", main._x fails; run `uv run sqlmesh plan prod`.')).toBe('view ```main."a `b"```, `main._x` fails; run `uv run sqlmesh plan prod`.');
    expect(escapeMrkdwnNames('view main."x `y` z" fails')).toBe('view ```main."x `y` z"``` fails');
    expect(escapeMrkdwnNames('view tick`name fails; run `sqlmesh plan` (or `uv run sqlmesh plan`)')).toBe('view ```tick`name``` fails; run `sqlmesh plan` (or `uv run sqlmesh plan`)');
  });

  it("leaves the text's own stress, code spans, emoji and mentions as they are, and escapes &, < and >", () => {
    expect(escapeMrkdwnNames('Re-run it with *Execute all* once fixed; _then_ ~not~ `uv run sqlmesh plan prod_x`.')).toBe('Re-run it with *Execute all* once fixed; _then_ ~not~ `uv run sqlmesh plan prod_x`.');
    expect(escapeMrkdwnNames(':white_check_mark: asked by <@U0OPERATOR>: *a & <c>')).toBe(':white_check_mark: asked by <@U0OPERATOR>: `*a` &amp; &lt;c&gt;');
  });
});
