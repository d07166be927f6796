// Which runbook files changed between two starts of the bot, as their bot.started lines record them, and how it is said.
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal/record.js';
import { previousStartVersions, runbooksChangedOf, runbooksChangedSince, runbooksChangedWords } from '../../src/journal/runbooks-changed.js';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const c = 'c'.repeat(64);
const line = (type: string, data: Record<string, unknown>): JournalRecord => ({ seq: 1, at: '2026-12-01T09:00:00.000Z', type, incident: null, actor: 'databox-bot', data, prev: '', hash: '' });

describe('runbooks changed since the previous start', () => {
  it("takes the last start's versions, and none when that start recorded none (written before versions were)", () => {
    expect(previousStartVersions([line('bot.started', { runbooks: { duckdb: a } }), line('command.received', {})])).toEqual({ duckdb: a });
    expect(previousStartVersions([line('bot.started', { runbooks: { duckdb: a } }), line('bot.started', { pid: 2 })])).toBeUndefined();
    expect(previousStartVersions([line('command.received', {})])).toBeUndefined();
  });

  it('names each file changed, added or taken out, and nothing for one unchanged', () => {
    const changes = runbooksChangedSince({ duckdb: a, backfill: b, old: c }, { duckdb: b, backfill: b, extra: c }, (id) => `${id}.yml`);
    expect(changes).toEqual([{ file: 'duckdb.yml', from: a, to: b }, { file: 'extra.yml', to: c }, { file: 'old.yml', from: c }]);
    expect(runbooksChangedWords(changes)).toBe(`duckdb.yml sha256:${a.slice(0, 12)} → sha256:${b.slice(0, 12)}; extra.yml added (sha256:${c.slice(0, 12)}); old.yml taken out (was sha256:${c.slice(0, 12)})`);
    expect(runbooksChangedSince({ duckdb: a }, { duckdb: a }, (id) => `${id}.yml`)).toEqual([]);
  });

  it('reads the changes back from a line, leaving out what is not one', () => {
    expect(runbooksChangedOf({ runbooksChanged: [{ file: 'duckdb.yml', from: a, to: b }, { file: 'x.yml' }, 'junk'] })).toEqual([{ file: 'duckdb.yml', from: a, to: b }]);
    expect(runbooksChangedOf({ pid: 1 })).toEqual([]);
  });
});
