// The typed literal renderer (src/database/sql-literal.ts): what reaches DDL is validated first and quoted right.
import { describe, expect, it } from 'vitest';
import {
  botObjectName,
  databaseIdentifier,
  databaseNameLiteral,
  parseUtcTimestamp,
  renderLiteral,
  snapshotIdLiteral,
  snapshotNameLiteral,
  timestampLiteral,
  withinRetention,
} from '../../src/database/sql-literal.js';
import { UserError } from '../../src/errors.js';

const now = new Date('2026-04-21T09:00:00Z');

function refusal(render: () => string): string {
  try {
    render();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('rendered');
}

describe('timestamps', () => {
  it('renders a past UTC moment as SNAPSHOT_TIME takes it', () => {
    expect(timestampLiteral('2026-04-20 12:00:00', now)).toBe("'2026-04-20 12:00:00'");
    expect(timestampLiteral('2026-04-21 09:00:00', now)).toBe("'2026-04-21 09:00:00'");
    expect(parseUtcTimestamp('2026-04-20 12:00:00')?.toISOString()).toBe('2026-04-20T12:00:00.000Z');
    expect(timestampLiteral('2026-04-20 12:00:00.250000', now)).toBe("'2026-04-20 12:00:00.250000'");
    expect(parseUtcTimestamp('2026-04-20 12:00:00.250999')?.toISOString()).toBe('2026-04-20T12:00:00.250Z');
  });

  it.each([
    ['2026-04-20', 'is not a UTC timestamp'],
    ['2026-04-20T12:00:00', 'is not a UTC timestamp'],
    ['2026-04-20 12:00:00Z', 'is not a UTC timestamp'],
    ['2026-04-20 12:00', 'is not a UTC timestamp'],
    ['2026-02-30 12:00:00', 'is not a UTC timestamp'],
    ['2026-04-20 24:00:00', 'is not a UTC timestamp'],
    ['2026-04-20 12:00:00.25', 'is not a UTC timestamp'],
    ['2026-04-20 12:00:00.000000', 'is not a UTC timestamp'],
    ["2026-04-20 12:00:00'; DROP DATABASE databox; --", 'is not a UTC timestamp'],
    ['2026-04-21 09:00:01', 'is in the future (it is 2026-04-21 09:00:00 UTC now)'],
    ['2026-04-21 09:00:00.001000', 'is in the future (it is 2026-04-21 09:00:00 UTC now)'],
    ['2027-01-01 00:00:00', 'is in the future'],
  ])('refuses %j: %s', (text, message) => {
    expect(refusal(() => timestampLiteral(text, now))).toContain(message);
  });

  it('knows when a moment has aged out of the retention', () => {
    const at = parseUtcTimestamp('2026-04-14 09:00:00') as Date;
    expect(withinRetention(at, 7, now)).toBe(true);
    expect(withinRetention(at, 6, now)).toBe(false);
    expect(withinRetention(at, 0, now)).toBe(false);
  });
});

describe('snapshot names and ids', () => {
  it('doubles quotes in a name, and keeps backslashes as they are', () => {
    expect(snapshotNameLiteral("pre_mart_rewrite_20260421")).toBe("'pre_mart_rewrite_20260421'");
    expect(snapshotNameLiteral("o'brien's \"fix\"")).toBe(`'o''brien''s "fix"'`);
    expect(snapshotNameLiteral('a\\b')).toBe("'a\\b'");
    expect(snapshotNameLiteral('before_\u{1F469}\u200d\u{1F4BB}')).toBe("'before_\u{1F469}\u200d\u{1F4BB}'");
    // Format characters real names spell with: a Persian zero-width non-joiner, a subdivision flag's tags.
    expect(snapshotNameLiteral('\u0645\u06cc\u200c\u062e\u0648\u0627\u0645')).toBe("'\u0645\u06cc\u200c\u062e\u0648\u0627\u0645'");
    const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    expect(snapshotNameLiteral(scotland)).toBe(`'${scotland}'`);
  });

  it.each([
    ['', 'has 1 to 255 characters'],
    ['x'.repeat(256), 'has 1 to 255 characters'],
    ['line\nbreak', 'contains a control character'],
    ['bidi\u202eevil', 'contains a control character'],
    ['before\u200b', 'contains an invisible character (U+200B) after "before": pasted by accident? Type the name again'],
    ['soft\u00adhyphen', 'contains an invisible character (U+00AD) after "soft"'],
    ['\ufeffbom', 'contains an invisible character (U+FEFF) after ""'],
    ['word\u2060joiner', 'contains an invisible character (U+2060) after "word"'],
  ])('refuses %j', (text, message) => {
    expect(refusal(() => snapshotNameLiteral(text))).toContain(message);
  });

  it('takes a UUID as a snapshot id, and nothing else', () => {
    expect(snapshotIdLiteral('0B3F1C2D-1111-4222-8333-944455556666')).toBe("'0b3f1c2d-1111-4222-8333-944455556666'");
    expect(refusal(() => snapshotIdLiteral("x' OR '1'='1"))).toContain('is not a snapshot id');
  });
});

describe('database identifiers', () => {
  it('renders a name as a string value for md_information_schema, validated the same way', () => {
    expect(databaseNameLiteral("o'hare")).toBe("'o''hare'");
    // Folded as DuckDB compares database names: ASCII letters only, so the Kelvin sign K stays itself.
    expect(databaseNameLiteral('Databox_Restored_\u212A')).toBe("'databox_restored_\u212A'");
    expect(refusal(() => databaseNameLiteral(''))).toContain('has 1 to 255 characters');
  });

  it('quotes every name, doubling quotes inside it', () => {
    expect(databaseIdentifier('databox')).toBe('"databox"');
    expect(databaseIdentifier('123db')).toBe('"123db"');
    expect(databaseIdentifier('we"ird')).toBe('"we""ird"');
  });

  it.each([
    ['', 'has 1 to 255 characters'],
    [' databox', 'starts or ends with a space'],
    ['data\u0000box', 'contains a control character'],
  ])('refuses %j', (text, message) => {
    expect(refusal(() => databaseIdentifier(text))).toContain(message);
  });
});

describe('one entry point', () => {
  it('dispatches on the kind', () => {
    expect(renderLiteral('timestamp', '2026-04-20 12:00:00', now)).toBe("'2026-04-20 12:00:00'");
    expect(renderLiteral('snapshot-name', "it's", now)).toBe("'it''s'");
    expect(renderLiteral('database', 'databox', now)).toBe('"databox"');
    expect(renderLiteral('snapshot-id', '0b3f1c2d-1111-4222-8333-944455556666', now)).toBe("'0b3f1c2d-1111-4222-8333-944455556666'");
  });

  it('makes names of the bot\'s own objects from an incident and a purpose', () => {
    expect(botObjectName('databox', 'restored', 'dbx-20260420-3fa2')).toBe('databox_restored_dbx_20260420_3fa2');
    expect(botObjectName('databox_bot', 'dbx-20260420-3fa2', 'swap', '20260421T090000Z')).toBe('databox_bot_dbx_20260420_3fa2_swap_20260421T090000Z');
  });
});
