// Tests StreamRedactor (src/redact-stream.ts) and OutputCapture (src/process/run-command.ts): secrets split across chunks or
// lying on the head/tail cut of a long output are redacted whole, and the capture's memory stays bounded.
import { describe, expect, it } from 'vitest';
import { OutputCapture } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { StreamRedactor } from '../../src/redact-stream.js';

const secret = 'Sup3r-Secret-Value-42';
const redact = createRedactor([secret]);

/** Every piece of the secret 4 characters or longer: none may survive anywhere. */
function leaks(text: string, value = secret): string[] {
  const pieces: string[] = [];
  for (let length = 4; length <= value.length; length += 1) {
    for (let start = 0; start + length <= value.length; start += 1) {
      const piece = value.slice(start, start + length);
      if (text.includes(piece)) pieces.push(piece);
    }
  }
  return pieces;
}

function filler(length: number): string {
  return 'abcdefghij klmnopqrs\n'.repeat(Math.ceil(length / 21)).slice(0, length);
}

function streamed(chunks: string[], overlap = 64): string {
  const stream = new StreamRedactor(redact, overlap);
  return chunks.map((chunk) => stream.push(chunk)).join('') + stream.end();
}

describe('StreamRedactor', () => {
  it('catches a secret split across two chunks at every possible point', () => {
    const text = `${filler(300)}${secret}${filler(300)}`;
    const at = 300;
    for (let split = at + 1; split < at + secret.length; split += 1) {
      const out = streamed([text.slice(0, split), text.slice(split)]);
      expect(leaks(out), `split at ${split - at}`).toEqual([]);
      expect(out).toBe(`${filler(300)}[REDACTED]${filler(300)}`);
    }
  });

  it('catches a secret arriving one character at a time, and patterns (password=, a URL password) split across chunks', () => {
    const text = `${filler(200)}${secret} host=db password=libpq-pw-77 x redis://:redis-pw-88@cache:6379/0 ${filler(200)}`;
    const out = streamed([...text]);
    expect(leaks(out)).toEqual([]);
    expect(out).not.toMatch(/libpq-pw|redis-pw|pw-77|pw-88/);
    expect(out).toContain('password=[REDACTED]');
    expect(out).toContain('redis://:[REDACTED]@cache:6379/0');
  });

  it('passes text on as it comes, holding back no more than twice the overlap', () => {
    const stream = new StreamRedactor(redact, 1_000);
    let passed = 0;
    for (let i = 0; i < 100; i += 1) {
      passed += stream.push(filler(700)).length;
      expect(stream.held).toBeLessThanOrEqual(2_000 + 700);
    }
    expect(passed + stream.end().length).toBe(70_000);
  });
});

/** A PEM key of the given label: 20 lines of 64 characters between its markers. */
function pem(label: string, seed: string): string {
  const body = Array.from({ length: 20 }, (_, line) => `${seed}${String(line).padStart(2, '0')}`.repeat(16).slice(0, 64));
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join('\n');
}

describe('StreamRedactor: what it passes on, and when', () => {
  const knownKey = pem('PRIVATE KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
  const keyed = createRedactor([secret, knownKey, 'two words secret']);
  /** Every kind of secret the redactor finds, several over more than one line, between plain lines. */
  const lines = [
    'plain line one',
    `a known value ${secret} in a line`,
    knownKey,
    'indented, line by line:',
    ...knownKey.split('\n').map((line) => `    ${line}`),
    pem('RSA PRIVATE KEY', 'UnknownKeyMaterialOnlyThePatternFinds'),
    'api_key = """',
    'toml-multi-line-value-1234',
    '"""',
    'host=db password=libpq-pw-77 x',
    'DB_PASSWORD =',
    '   spread-over-lines-55',
    'DB_PASS =',
    '   pass-part-over-lines-44',
    'SECRET_THING =',
    '   tail-name-over-lines-33',
    '{"token":',
    '  "json-token-value-66"}',
    'password: yaml-value-99 to the end',
    'connect redis://:redis-pw-88@cache:6379/0 now',
    'curl -H "Authorization: Bearer bearer-token-value-1234567" --password "flag pw 33" done',
    'slack xoxb-1234567890-abcdefgh said',
    'the phrase two words secret spoken',
    'last plain line',
  ];
  const text = `${lines.join('\n')}\n`;
  const pieces = ['Secret-Value', 'MIIEvQ', 'UnknownKeyMaterial', 'toml-multi', 'libpq-pw', 'spread-over', 'pass-part-over', 'tail-name-over', 'json-token', 'yaml-value', 'redis-pw', 'bearer-token', 'flag pw', '1234567890-abc', 'two words'];
  const leaked = (out: string) => pieces.filter((piece) => out.includes(piece));

  it('the text holds every kind, and redacted whole none of it shows', () => {
    expect(leaked(text)).toEqual(pieces);
    expect(leaked(keyed(text))).toEqual([]);
  });

  it('redacts as a whole text would, however the text is split in two, with a pause (and its flush) at the split', () => {
    const whole = keyed(text);
    for (let split = 1; split < text.length; split += 1) {
      for (const pause of [false, true]) {
        const stream = new StreamRedactor(keyed);
        const out = stream.push(text.slice(0, split)) + (pause ? stream.flush() : '') + stream.push(text.slice(split)) + stream.end();
        if (out !== whole) expect({ split, pause, leaked: leaked(out), out }).toEqual({ split, pause, leaked: [], out: whole });
      }
    }
  });

  it('redacts as a whole text would when the text arrives a character at a time, with a pause after each', () => {
    const stream = new StreamRedactor(keyed);
    let out = '';
    for (const character of text) out += stream.push(character) + stream.flush();
    expect(out + stream.end()).toBe(keyed(text));
  });

  it('passes a complete line on at once, and an incomplete one after a pause up to its last space', () => {
    const stream = new StreamRedactor(keyed);
    expect(stream.push('step 1 of 3 done\nstep 2')).toBe('step 1 of 3 done\n');
    expect(stream.push(' of 3 runn')).toBe('');
    expect(stream.flush()).toBe('step 2 of 3 ');
    expect(stream.push('ing\n')).toBe('running\n');
    expect(stream.held).toBe(0);
  });

  it('holds back, even after a pause, what could still become a secret: and nothing more', () => {
    const cases: [string, string][] = [
      // [text so far, what a pause lets through]
      [`log: ${secret.slice(0, 9)}`, 'log: '],
      [`log: x ${knownKey.slice(0, 200)}`, 'log: x '],
      ['ok\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\n', 'ok\n'],
      ['ok\napi_key = """\nfirst line\n', 'ok\n'],
      ['ok\nDB_PASSWORD =\n', 'ok\n'],
      ['ok\n"token":\n  ', 'ok\n'],
      ['ok\nDB_PASSWORD\n= "a b', 'ok\n'],
      ['ok\nrun --password "a b', 'ok\n'],
      ['ok\nAuthorization: Bearer abc', 'ok\n'],
      ['ok\nconnect redis://:pw', 'ok\nconnect '],
      ['ok\nslack xoxb-12', 'ok\nslack '],
    ];
    for (const [sofar, passed] of cases) {
      const stream = new StreamRedactor(keyed);
      expect(stream.push(sofar) + stream.flush(), sofar).toBe(passed);
      expect(stream.held, sofar).toBe(sofar.length - passed.length);
    }
  });

  it('lets an unclosed block through once it is too long to be closed as a secret', () => {
    const stream = new StreamRedactor(keyed);
    let out = stream.push('-----BEGIN RSA PRIVATE KEY-----\n');
    // 250 lines of 64 characters: a body shorter than the 16 KiB a PEM block may have.
    for (let i = 0; i < 250; i += 1) out += stream.push(`${'A'.repeat(63)}\n`);
    expect(out).toBe('');
    for (let i = 0; i < 20; i += 1) out += stream.push(`${'A'.repeat(63)}\n`);
    expect(out.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    expect(stream.held).toBe(0);
  });
});

describe('OutputCapture', () => {
  it('redacts a secret lying on the head cut before cutting', () => {
    const capture = new OutputCapture(redact, { head: 1_000, tail: 2_000 });
    const text = `${filler(990)}${secret}${filler(100_000)}`;
    for (let at = 0; at < text.length; at += 97) capture.push(text.slice(at, at + 97));
    const kept = capture.finish();
    expect(leaks(kept)).toEqual([]);
    expect(kept).toMatch(/characters omitted/);
  });

  it('redacts a secret lying on the tail cut (the end of a dropped chunk) before cutting', () => {
    let straddled = 0;
    for (let trailing = 1_900; trailing <= 2_100; trailing += 1) {
      const text = `${filler(8_090)}${secret}${filler(trailing)}`;
      const capture = (redactor?: typeof redact) => {
        const kept = new OutputCapture(redactor, { head: 1_000, tail: 2_000, overlap: 64 });
        for (let at = 0; at < text.length; at += 100) kept.push(text.slice(at, at + 100));
        return kept.finish();
      };
      expect(leaks(capture(redact)), `${trailing} characters after the secret`).toEqual([]);
      // Without redaction in the stream, redacting what was kept misses a secret whose start was dropped.
      if (leaks(redact(capture())).length > 0) straddled += 1;
    }
    expect(straddled, 'some placements put the secret across the tail cut').toBeGreaterThan(0);
  });

  it('without a redactor, what it keeps is the raw text (a secret on the cut is what the stream must catch)', () => {
    const capture = new OutputCapture(undefined, { head: 1_000, tail: 2_000 });
    const text = `${filler(990)}${secret}${filler(100_000)}`;
    for (let at = 0; at < text.length; at += 97) capture.push(text.slice(at, at + 97));
    expect(leaks(redact(capture.finish())).length).toBeGreaterThan(0);
  });

  it('holds a bounded amount however much is pushed: head + tail + one chunk + the redactor\'s overlap', () => {
    const limits = { head: 64 * 1024, tail: 256 * 1024 };
    const capture = new OutputCapture(redact, limits);
    const chunk = filler(64 * 1024);
    let most = 0;
    for (let i = 0; i < 512; i += 1) {
      capture.push(chunk); // 32 MiB in all
      most = Math.max(most, capture.retained);
    }
    expect(capture.bytes).toBe(512 * 64 * 1024);
    expect(most).toBeLessThanOrEqual(limits.head + limits.tail + 2 * chunk.length + 2 * 16 * 1024);
    expect(capture.finish().length).toBeLessThanOrEqual(limits.head + limits.tail + chunk.length + 100);
  });
});
