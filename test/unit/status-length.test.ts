// "/databox status" in Slack stays short with hundreds of unfinished incidents: it lists the newest few and says how
// many more there are and where all of them are listed, so Slack never cuts the sections that follow it.
import { describe, expect, it } from 'vitest';
import { IncidentState } from '../../src/incidents/state.js';
import { statusReport } from '../../src/incidents/status.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { statusText } from '../../src/slack/status-message.js';

/** `count` incidents of a blown DuckDB file opened a minute apart, each with a verdict offering paths nobody planned: all unfinished. */
function manyUnfinished(count: number): IncidentState {
  const state = new IncidentState();
  let seq = 0;
  const record = (at: string, incident: string, type: string, data: Record<string, unknown>): JournalRecord => ({ seq: ++seq, at, type, incident, actor: 'U0OPERATOR', data, prev: '', hash: '' });
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.parse('2026-12-01T00:00:00.000Z') + i * 60_000).toISOString();
    const incident = `dbx-20261201-${i.toString(16).padStart(4, '0')}`;
    state.apply(record(at, incident, 'incident.opened', { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack:C0INCIDENT' }));
    state.apply(record(at, incident, 'diagnosis.verdict', { verdict: 'corrupt', title: 'File corrupt', severity: 'critical', advice: 'Rebuild it.', paths: ['a', 'b'] }));
  }
  return state;
}

describe("the Slack status's incident list", () => {
  it('lists the newest 20 of 300 unfinished incidents, says how many more and where they all are, and stays short', () => {
    const text = statusText(statusReport(manyUnfinished(300), new Date('2026-12-01T06:00:00.000Z')));
    const listed = [...text.matchAll(/^• `(dbx-\d{8}-[0-9a-f]{4})`/gm)].map((m) => m[1]);
    expect(listed).toHaveLength(20);
    expect(listed[0]).toBe(`dbx-20261201-${(299).toString(16).padStart(4, '0')}`);
    expect(text).toContain("_…and 280 more unfinished incidents, not listed here: `npm run --silent cli -- status` at the bot's host lists them all._");
    expect(text.length).toBeLessThan(6_000);
  });

  it('lists all of 20 unfinished incidents, saying none is left out', () => {
    const text = statusText(statusReport(manyUnfinished(20), new Date('2026-12-01T06:00:00.000Z')));
    expect([...text.matchAll(/^• `dbx-/gm)]).toHaveLength(20);
    expect(text).not.toContain('more unfinished');
  });
});
