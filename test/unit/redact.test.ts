// Tests createRedactor (src/redact.ts): configured secrets and Slack-token-shaped strings are replaced, everything else is kept.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/redact.js';

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
