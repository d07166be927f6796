// Steps a stop came before (Ctrl-C, the bot stopping) read as not started in Slack's message of the run, never as failed,
// also from a journal written before they were recorded so.
import { describe, expect, it } from 'vitest';
import { runFinishedMessage } from '../../src/slack/blocks.js';
import { IncidentState, type Run } from '../../src/incidents/state.js';
import type { JournalRecord } from '../../src/journal/record.js';

const step = (id: string, title: string) => ({ id, title, kind: 'command', argv: ['true'], acceptStatuses: [], mutates: false, destructive: false }) as unknown as Run['steps'][number];
const validation = {
  id: 'dbx-20261205-0a1b/2', incidentId: 'dbx-20261205-0a1b', kind: 'validation', title: 'Validation', hash: 'a'.repeat(64), lockKey: '/srv/databox.duckdb', params: {},
  needsApproval: false, destructive: false, needsTeammate: false, mutates: false, requestedBy: 'terminal:alice', proposedAt: '2026-12-05T19:40:00.000Z', status: 'failed', refs: {},
  steps: [step('audit', 'SQLMesh audit'), step('freshness', "Each mart's newest date against its SLA")],
  results: [
    { stepId: 'audit', status: 'interrupted', summary: 'killed by SIGTERM: interrupted at the terminal (SIGINT)', durationMs: 600, outputs: {} },
    { stepId: 'freshness', status: 'not-started', summary: 'not started: interrupted at the terminal (SIGINT)', durationMs: 0, outputs: {} },
  ],
} as unknown as Run;

describe("Slack's message of a run cut short", () => {
  it('lists the steps that never began as not started, not among the failures', () => {
    const text = JSON.stringify(runFinishedMessage(validation).blocks);
    expect(text).not.toContain('Also failed');
    expect(text).toContain("*Not started:*\\n• Each mart's newest date against its SLA");
  });
});

describe('a journal written before steps a stop came before were recorded as not started', () => {
  it('reads their "failed … not started: …" results as not started, and a refusal to start (untouched) still as failed', () => {
    const state = new IncidentState();
    const incident = 'dbx-20261205-0a1b';
    const runId = `${incident}/1`;
    const at = '2026-12-05T19:50:00.000Z';
    const result = (stepId: string, fields: Record<string, unknown>) => ({ type: 'step.finished', incident, actor: 'cli', at, data: { runId, result: { stepId, outputs: {}, ...fields } } });
    const records = [
      { type: 'incident.opened', incident, actor: 'terminal:alice', at, data: { scenario: 'duckdb', title: 'Blown DuckDB file' } },
      { type: 'run.proposed', incident, actor: 'terminal:alice', at, data: { runId, run: { ...validation, id: runId, status: undefined, results: undefined } } },
      result('audit', { status: 'interrupted', summary: 'killed by SIGTERM: interrupted at the terminal (SIGINT)', durationMs: 600 }),
      result('freshness', { status: 'failed', summary: 'not started: interrupted at the terminal (SIGINT)', durationMs: 0 }),
      result('clash', { status: 'failed', summary: 'not started: the step "Move" would clash: …', durationMs: 0, untouched: true }),
    ];
    for (const record of records) state.apply(record as unknown as JournalRecord);
    expect(state.runs.get(runId)?.results.map((r) => r.status)).toEqual(['interrupted', 'not-started', 'failed']);
  });
});
