// The incident's first message says where the incident stands, as /databox status does: a rejected or expired plan changed nothing.
import { describe, expect, it } from 'vitest';
import { rootMessage } from '../../src/slack/blocks.js';
import { incidentOutcome } from '../../src/incidents/status.js';

const base = { incidentId: 'dbx-1', steps: [], hash: 'abc', lockKey: 'k', params: {}, requestedBy: 'U1', proposedAt: '2026-01-01T00:00:00Z', refs: {}, results: [] };
const diagnosis = { ...base, id: 'dbx-1/1', kind: 'diagnosis', title: 'Diagnosis', needsApproval: false, destructive: false, mutates: false, status: 'succeeded', startedAt: '2026-01-01T00:00:01Z' };
const recovery = { ...base, id: 'dbx-1/2', kind: 'recovery', pathId: 'a', title: 'Path A: Rebuild', needsApproval: true, destructive: true, mutates: true, status: 'succeeded', startedAt: '2026-01-01T00:01:00Z' };
const validation = { ...base, id: 'dbx-1/3', kind: 'validation', title: 'Validation', needsApproval: false, destructive: false, mutates: false, status: 'succeeded', startedAt: '2026-01-01T00:02:00Z' };
const incidentOf = (runs: object[]) => ({ id: 'dbx-1', scenario: 'duckdb', title: 'Blown DuckDB file', openedBy: 'U1', openedAt: '2026-01-01T00:00:00Z', origin: 'slack:C1', refs: {}, runs });
const statusOf = (incident: object) => JSON.stringify(rootMessage(incident as never).blocks).match(/Status: ([^·]*) ·/)?.[1];
const noReport = { outdated: [], olderVerdict: [], validatedElsewhere: new Map(), undoneElsewhere: new Map(), healthySince: new Map(), recoveredSince: new Map() };

describe("the incident's first message after a plan that changed nothing", () => {
  for (const fate of ['rejected', 'expired'] as const) {
    it(`still says the validation succeeded after a rollback plan ${fate}, as /databox status does`, () => {
      const rollback = { ...base, id: 'dbx-1/4', kind: 'rollback', rollbackOf: 'dbx-1/2', title: 'Roll back', needsApproval: true, destructive: true, mutates: true, status: fate };
      const incident = incidentOf([diagnosis, recovery, validation, rollback]);
      expect(statusOf(incident)).toBe('validation succeeded');
      expect(incidentOutcome(incident as never, (t) => t, { ...noReport, waiting: [] })).toContain('now: validation succeeded (dbx-1/3)');
    });
  }

  it('says a plan waits for approval while a later plan was rejected', () => {
    const waiting = { ...base, id: 'dbx-1/2', kind: 'recovery', pathId: 'b', title: 'Path B: Restore', needsApproval: true, destructive: true, mutates: true, status: 'pending' };
    const rejected = { ...base, id: 'dbx-1/3', kind: 'recovery', pathId: 'a', title: 'Path A: Rebuild', needsApproval: true, destructive: true, mutates: true, status: 'rejected' };
    const incident = incidentOf([diagnosis, waiting, rejected]);
    expect(statusOf(incident)).toBe('waiting for approval');
    expect(incidentOutcome(incident as never, (t) => t, { ...noReport, waiting: [waiting as never] })).toContain('now: a plan waiting for approval (dbx-1/2)');
  });

  it('says the diagnosis finished when its only plan was rejected', () => {
    const rejected = { ...base, id: 'dbx-1/2', kind: 'recovery', pathId: 'a', title: 'Path A: Rebuild', needsApproval: true, destructive: true, mutates: true, status: 'rejected' };
    expect(statusOf(incidentOf([diagnosis, rejected]))).toBe('diagnosis finished');
  });
});
