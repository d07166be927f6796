// Verdicts ordered as the journal gave them (src/incidents/older-verdict.ts): a diagnosis proposed later that finished
// first is the older verdict, so the one finished last keeps live buttons and is the one a click is taken on.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal/record.js';
import { IncidentState, type Incident } from '../../src/incidents/state.js';
import { refuseOlderVerdict, replacedBy, replacedVerdictOf } from '../../src/incidents/older-verdict.js';
import { fixtureJournal } from '../fixtures/scenario1.js';

const records = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as JournalRecord);
const firstVerdictAt = records.findIndex((r) => r.type === 'diagnosis.verdict');
const diagnosedOnce = records.slice(0, firstVerdictAt + 1);
const incidentId = records.find((r) => r.type === 'incident.opened')?.incident as string;
const proposed = records.find((r) => r.type === 'run.proposed') as JournalRecord<{ run: { id: string } }>;
const verdict = records[firstVerdictAt] as JournalRecord;

/** The fixture's first diagnosis, then D2 proposed, D3 proposed, D3 finished with its verdict, then D2 with its own. */
function finishedOutOfOrder(): Incident {
  const d2 = `${incidentId}/2`;
  const d3 = `${incidentId}/3`;
  let seq = diagnosedOnce.length;
  const line = (type: string, at: string, data: object): JournalRecord => ({ ...verdict, seq: ++seq, at, type, data }) as JournalRecord;
  const propose = (id: string, at: string) => line('run.proposed', at, { runId: id, run: { ...proposed.data.run, id } });
  const finish = (id: string, at: string) => [
    line('run.started', at, { runId: id, pid: 1 }),
    line('run.finished', at, { runId: id, status: 'succeeded' }),
    line('diagnosis.verdict', at, { ...(verdict.data as object), runId: id, title: `verdict of ${id}` }),
  ];
  const state = new IncidentState();
  const later = [propose(d2, '2026-04-20T07:00:00.000Z'), propose(d3, '2026-04-20T07:01:00.000Z'), ...finish(d3, '2026-04-20T07:02:00.000Z'), ...finish(d2, '2026-04-20T07:09:00.000Z')];
  for (const record of [...diagnosedOnce, ...later]) state.apply(record);
  return state.incident(incidentId) as Incident;
}

const runOf = (incident: Incident, n: number) => incident.runs.find((run) => run.id === `${incidentId}/${n}`)!;

describe('verdicts of diagnoses that finished out of order', () => {
  it('are ordered by when their verdicts came: the last one to finish is the latest, and has nothing replacing it', () => {
    const incident = finishedOutOfOrder();
    expect(incident.diagnosis?.runId).toBe(`${incidentId}/2`);
    expect(replacedBy(incident, runOf(incident, 2))).toBeUndefined();
    expect(replacedBy(incident, runOf(incident, 3))?.id).toBe(`${incidentId}/2`);
    expect(replacedBy(incident, runOf(incident, 1))?.id).toBe(`${incidentId}/3`);
    expect(replacedVerdictOf(incident, runOf(incident, 2))?.id).toBe(`${incidentId}/3`);
    expect(replacedVerdictOf(incident, runOf(incident, 3))?.id).toBe(`${incidentId}/1`);
  });

  it("take a click on the latest verdict's buttons, and refuse one on the verdict that came before it", () => {
    const incident = finishedOutOfOrder();
    expect(() => refuseOlderVerdict(incident, `${incidentId}/2`)).not.toThrow();
    expect(() => refuseOlderVerdict(incident, `${incidentId}/3`)).toThrow(`older verdict of incident ${incidentId} (diagnosis ${incidentId}/3 at `);
  });
});
