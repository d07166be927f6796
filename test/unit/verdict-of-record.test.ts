// The verdict an incident is about (src/incidents/verdict-of-record.ts), as its first Slack message and the status head it:
// a diagnosis after the recovery was proposed checks it, and replaces it nowhere but in its own message.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal/record.js';
import { IncidentState } from '../../src/incidents/state.js';
import { followUpVerdicts, verdictOfRecord } from '../../src/incidents/verdict-of-record.js';
import { rootMessage } from '../../src/slack/blocks.js';
import { incidentOutcome } from '../../src/incidents/status.js';
import { fixtureJournal } from '../fixtures/scenario1.js';

const records = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as JournalRecord);
const incidentId = records.find((r) => r.type === 'incident.opened')?.incident as string;
const verdict = records.find((r) => r.type === 'diagnosis.verdict') as JournalRecord;

function stateOf(extra: JournalRecord[]): IncidentState {
  const state = new IncidentState();
  for (const record of [...records, ...extra]) state.apply(record);
  return state;
}

const healthyCheck = { ...verdict, seq: (records.at(-1)?.seq ?? 0) + 1, at: '2026-04-20T09:15:00.000Z', data: { ...(verdict.data as object), verdict: 'healthy', title: 'Healthy', severity: 'ok', paths: [] } };

describe('the verdict an incident is about', () => {
  it('is the one its first recovery was proposed on, with a later diagnosis a follow-up check', () => {
    const incident = stateOf([healthyCheck]).incidents.get(incidentId);
    expect(incident?.diagnosis?.title).toBe('Healthy');
    expect(verdictOfRecord(incident as never)?.title).toBe('File corrupt');
    expect(followUpVerdicts(incident as never).map((v) => v.title)).toEqual(['Healthy']);
    const header = JSON.stringify(rootMessage(incident as never).blocks);
    expect(header).toContain('verdict: *File corrupt* · checked again: *Healthy*');
    const noReport = { waiting: [], outdated: [], olderVerdict: [], validatedElsewhere: new Map(), undoneElsewhere: new Map(), healthySince: new Map(), recoveredSince: new Map() };
    expect(incidentOutcome(incident as never, (t) => t, noReport)).toMatch(/^, verdict: File corrupt; checked again: Healthy/);
  });

  it('is the latest when no recovery was proposed: nothing was done, so the latest is what the incident found', () => {
    const beforeRecovery = records.slice(0, records.findIndex((r) => r.type === 'run.proposed' && (r.data as { run: { kind: string } }).run.kind === 'recovery'));
    const state = new IncidentState();
    for (const record of [...beforeRecovery, healthyCheck]) state.apply(record);
    const incident = state.incidents.get(incidentId);
    expect(verdictOfRecord(incident as never)?.title).toBe('Healthy');
    expect(followUpVerdicts(incident as never)).toEqual([]);
    expect(JSON.stringify(rootMessage(incident as never).blocks)).not.toContain('checked again');
  });
});
