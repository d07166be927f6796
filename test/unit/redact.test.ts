// Tests createRedactor (src/redact.ts): configured secrets and Slack-token-shaped strings are replaced, everything else is kept;
// and a message redacted for Slack kept within its limits (withinSlackLimits in src/slack/blocks.ts).
import { describe, expect, it } from 'vitest';
import { createRedactor, redactDeep } from '../../src/redact.js';
import { context, section, withCopyNote, withinSlackLimits, type Rendered } from '../../src/slack/blocks.js';
import { codeBlock, cutWithin } from '../../src/slack/mrkdwn.js';

describe('createRedactor', () => {
  it('replaces every occurrence of every secret', () => {
    const redact = createRedactor(['s3cr3t-one', 'pa55word']);
    expect(redact('a s3cr3t-one b pa55word c s3cr3t-one')).toBe('a [REDACTED] b [REDACTED] c [REDACTED]');
  });

  it('leaves text without secrets exactly as it was', () => {
    const redact = createRedactor(['s3cr3t-one']);
    const text = 'nothing to hide here\n  not even s3cr3t or one\n';
    expect(redact(text)).toBe(text);
  });

  it('redacts the longer of two overlapping secrets whole', () => {
    const redact = createRedactor(['abcd', 'abcdefgh']);
    expect(redact('x abcdefgh y abcd z')).toBe('x [REDACTED] y [REDACTED] z');
  });

  it('ignores secrets shorter than 4 characters, which would redact ordinary text', () => {
    const redact = createRedactor(['a', 'ab', 'abc', '']);
    expect(redact('a cab abc')).toBe('a cab abc');
  });

  it('matches secrets literally, regular-expression characters and all', () => {
    const redact = createRedactor(['p@ss.w*rd(1)$']);
    expect(redact('pw=p@ss.w*rd(1)$;')).toBe('pw=[REDACTED];');
    expect(redact('pw=pXssXwwrd1')).toBe('pw=pXssXwwrd1');
  });

  it('tolerates the same secret given twice', () => {
    const redact = createRedactor(['twice-secret', 'twice-secret']);
    expect(redact('twice-secret')).toBe('[REDACTED]');
  });

  it.each([
    'xoxb-1234567890-0987654321-AbCdEfGhIjKl',
    'xoxp-1234567890-abcdefgh',
    'xoxa-2-abcdefghij',
    'xoxs-abcdefgh',
    'xoxr-abcdefgh',
    'xoxo-abcdefgh',
    'xapp-1-A0123456789-abcdef',
  ])('redacts the Slack token %s even when not configured', (token) => {
    const redact = createRedactor([]);
    expect(redact(`token=${token} end`)).toBe('token=[REDACTED] end');
  });

  it.each(['xoxz-abcdefghij', 'xoxb-short', 'myxoxb-1234567890'])('keeps %s, which is not a Slack token', (text) => {
    expect(createRedactor([])(text)).toBe(text);
  });

  it('redacts a token inside a JSON string and a URL', () => {
    const redact = createRedactor([]);
    expect(redact('{"token":"xoxb-1234567890-abcdefgh"}')).toBe('{"token":"[REDACTED]"}');
    expect(redact('https://hooks.example/?t=xapp-1-ABCDEFGHIJ&x=1')).toBe('https://hooks.example/?t=[REDACTED]&x=1');
  });
});

describe('secrets in connection strings, assignments and dlt files', () => {
  const redact = createRedactor(['p@ss/w rd!x-env']);

  it.each([
    ['a URL password with no user', 'redis://:hunter2pass@cache:6379/0', 'redis://:[REDACTED]@cache:6379/0'],
    ['a URL password followed by a comma', 'lost redis://:hunter2pass@cache:6379, retrying', 'lost redis://:[REDACTED]@cache:6379, retrying'],
    ['an @ inside the password (user:p@ss@host)', 'postgres://alice:p@ss@db.example:5432/app', 'postgres://alice:[REDACTED]@db.example:5432/app'],
    ['a percent-encoded password in a URL', 'https://u:p%40ss%2Fword@host/x', 'https://u:[REDACTED]@host/x'],
    ['a whole URL percent-encoded', 'dsn=postgres%3A%2F%2Falice%3Apa%24%24w0rd%40db.example%2Fapp', 'dsn=postgres%3A%2F%2Falice%3A[REDACTED]%40db.example%2Fapp'],
    ['libpq password=', 'host=db port=5432 password=s3cr3tlibpq dbname=app', 'host=db port=5432 password=[REDACTED] dbname=app'],
    ["libpq password='…' with a space", "host=db password='with space' dbname=app", "host=db password='[REDACTED]' dbname=app"],
    ['a *_KEY variable printed by env', 'HOME=/root\nSTRIPE_KEY=sk_live_abcdef123456\nPWD=/home/op', 'HOME=/root\nSTRIPE_KEY=[REDACTED]\nPWD=/home/op'],
    ['a JSON password', '{"password": "jsonpw", "user": "bob"}', '{"password": "[REDACTED]", "user": "bob"}'],
    ['a YAML token', 'token: abc123def\nnormal: text', 'token: [REDACTED]\nnormal: text'],
    ['a configured secret, percent-encoded', 'GET /?pw=p%40ss%2Fw%20rd!x-env', 'GET /?pw=[REDACTED]'],
    ['a configured secret, form-encoded', 'body pw=p%40ss%2Fw+rd!x-env&x=1', 'body pw=[REDACTED]&x=1'],
    ['a configured secret, lower-case percent-encoded', 'x p%40ss%2fw%20rd!x-env y', 'x [REDACTED] y'],
  ])('%s', (_name, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it("redacts dlt's .dlt/secrets.toml as a step prints it, keeping the names and the harmless values", () => {
    const toml = [
      '[sources.ebird]',
      'api_key = "ebird-abc-123"',
      '',
      '[destination.postgres.credentials]',
      'database = "databox"',
      'password = "pgpw-999"',
      'host = "localhost"',
      '',
      '[destination.bigquery.credentials]',
      'project_id = "databox-prod"',
      'private_key = """-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      '-----END PRIVATE KEY-----',
      '"""',
      'client_email = "loader@databox-prod.iam.gserviceaccount.com"',
      '',
      '[destination.motherduck.credentials]',
      "token = 'md-token-xyz-1'",
      '[sources.usgs.resources]',
      'primary_key = "event_id"',
    ].join('\n');
    const out = createRedactor([])(toml);
    expect(out).not.toMatch(/ebird-abc-123|pgpw-999|MIIEvQ|md-token-xyz/);
    expect(out).toContain('api_key = "[REDACTED]"');
    expect(out).toContain('password = "[REDACTED]"');
    expect(out).toContain("token = '[REDACTED]'");
    expect(out).toContain('host = "localhost"');
    expect(out).toContain('database = "databox"');
    expect(out).toContain('project_id = "databox-prod"');
    expect(out).toContain('primary_key = "event_id"');
  });

  it('keeps ordinary URLs and e-mail addresses', () => {
    const text = 'see https://example.com/path?x=1 and mail bob@example.com';
    expect(createRedactor([])(text)).toBe(text);
  });
});

describe('a secret name with more after its word, or a PASS of its own', () => {
  it('redacts API_TOKEN_RO=, SECRET_THING=, DB_PASS=, "api_token_ro": and PASSWORD_PROD: as the environment finds those names', () => {
    const redact = createRedactor([]);
    expect(redact('API_TOKEN_RO=leakTOKENro77 MOTHERDUCK_TOKEN_RW=leakmdrw99 SECRET_ACCESS=leaksa12 DB_PASS=leakdbpass55 pass=leakpass1')).toBe(
      'API_TOKEN_RO=[REDACTED] MOTHERDUCK_TOKEN_RW=[REDACTED] SECRET_ACCESS=[REDACTED] DB_PASS=[REDACTED] pass=[REDACTED]',
    );
    expect(redact('{"api_token_ro": "leakjson42"}')).toBe('{"api_token_ro": "[REDACTED]"}');
    expect(redact('PASSWORD_PROD: leakyaml77')).toBe('PASSWORD_PROD: [REDACTED]');
  });

  it('keeps names whose word is part of another word, and a browser session token is redacted like the others', () => {
    const redact = createRedactor([]);
    const plain = 'bypass=1 tokens=5 tokenizer_path=/models compass=north';
    expect(redact(plain)).toBe(plain);
    expect(redact('cookie xoxc-123-456-leakcookie and xoxd-abcdefgh1234')).toBe('cookie [REDACTED] and [REDACTED]');
  });
});

describe('credentials in the shapes commands and HTTP logs print them', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'Authorization: Bearer [REDACTED]'],
    ['curl -H "Authorization: Basic dXNlcjpwYXNzd29yZA==" https://x', 'curl -H "Authorization: Basic [REDACTED]" https://x'],
    ['dlt pipeline --password hunter2xyz --verbose', 'dlt pipeline --password [REDACTED] --verbose'],
    ['--token "two words" then', '--token [REDACTED] then'],
    ['sqlmesh --api-key sk_live_123456 plan', 'sqlmesh --api-key [REDACTED] plan'],
    ['run --api-key=abc123 --access-key=AKIA123456', 'run --api-key=[REDACTED] --access-key=[REDACTED]'],
    ['x-api-key: abcdef0123456789', 'x-api-key: [REDACTED]'],
    // Text escaped for Slack before it is redacted: the escapes are part of the value, not where it ends.
    ['DB_PASSWORD=&lt;pa55&gt;w0rd and more', 'DB_PASSWORD=[REDACTED] and more'],
    ['password=a&amp;b', 'password=[REDACTED]'],
  ])('redacts %j', (text, expected) => {
    expect(createRedactor([])(text)).toBe(expected);
  });

  it.each([
    'Bearer tokens are used here',
    'INFO using bearer authentication',
    'Basic information follows',
    'uv run sqlmesh --password-file secrets.txt',
    'set -x --secret -v',
    '  --token\n      Personal access token',
  ])('keeps %j as it is', (text) => {
    expect(createRedactor([])(text)).toBe(text);
  });
});

describe('a message redacted for Slack', () => {
  it('is cut again to Slack\'s block limit, which "[REDACTED]" in place of shorter secrets can pass', () => {
    const redact = createRedactor(['abcd']);
    const rendered = { text: 'run', blocks: [section('abcd '.repeat(599)), context('abcd '.repeat(599))] };
    expect(JSON.stringify(rendered.blocks)).toMatch(/abcd/);
    const redacted = redactDeep(rendered, redact);
    const texts = (r: Rendered) => r.blocks.map((b: any) => (b.type === 'section' ? b.text.text : b.elements[0].text) as string);
    expect(texts(redacted).every((t) => t.length > 3_000), 'redaction lengthened both').toBe(true);
    const fitted = withinSlackLimits(redacted);
    expect(texts(fitted).map((t) => t.length)).toEqual([3_000, 3_000]);
    expect(texts(fitted).join('')).not.toContain('abcd');
  });
});

describe('a text cut to a Slack limit', () => {
  it('never ends in half an emoji or half an escape, and is never over the limit', () => {
    const emoji = '\u{1F6A8}';
    expect(cutWithin(`ab${emoji}cd`, 3)).toBe('ab');
    expect(cutWithin(`ab${emoji}cd`, 4)).toBe(`ab${emoji}`);
    expect(cutWithin('a &amp; b', 4)).toBe('a ');
    expect(cutWithin('a &lt;x&gt;', 6)).toBe('a &lt;');
    expect(cutWithin('a & b', 3)).toBe('a &');
    expect(cutWithin('short', 10)).toBe('short');
    const long = `${'x'.repeat(2_999)}${emoji}`;
    expect(section(long)).toMatchObject({ text: { text: 'x'.repeat(2_999) } });
    expect(codeBlock(`${'y'.repeat(2_778)}<${'z'.repeat(30)}`, 2_800)).toBe(`\`\`\`${'y'.repeat(2_778)}\n… (cut)\`\`\``);
  });
});

describe('the note on a message posted again after Slack lost its answer', () => {
  it('is a block of its own, or under the first block of a message already at 50 blocks', () => {
    const note = /Slack lost its answer when this message was first sent/;
    const small = withCopyNote({ text: 't', blocks: [section('a')] });
    expect(small.blocks).toHaveLength(2);
    expect(JSON.stringify(small.blocks[1])).toMatch(note);
    const full = withCopyNote({ text: 't', blocks: Array.from({ length: 50 }, (_, i) => section(i === 0 ? 'x'.repeat(2_990) : `s${i}`)) });
    expect(full.blocks).toHaveLength(50);
    const first = (full.blocks[0] as { text: { text: string } }).text.text;
    expect(first).toMatch(/Slack lost its answer when this message was first sent, so an earlier copy of it may be just above: this one is kept up to date, and a button on either does the same\.$/);
    expect(first.length).toBeLessThanOrEqual(3_000);
  });
});
