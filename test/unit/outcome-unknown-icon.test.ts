// A run whose outcome nobody can tell (a swap's connection lost as it ran) is drawn with an icon of its own, not the
// red cross of a run that failed: whoever reads the thread looks before assuming nothing happened.
import { describe, expect, it } from 'vitest';
import { runFinishedMessage, runOutcome, statusIcon } from '../../src/slack/blocks.js';
import type { Run } from '../../src/incidents/state.js';

const step = { id: 'swap', title: 'Make the stack’s database equal to the restored clone', kind: 'sql', sql: 'COPY FROM DATABASE "databox_restored_x" (OVERWRITE) TO "databox"', acceptStatuses: [], mutates: true, destructive: true } as unknown as Run['steps'][number];
const recovery = (stepStatus: string) =>
  ({
    id: 'dbx-20261205-0a1b/3', incidentId: 'dbx-20261205-0a1b', kind: 'recovery', title: 'Path S: Swap', hash: 'a'.repeat(64), lockKey: 'md:databox', params: {},
    needsApproval: true, destructive: true, needsTeammate: true, mutates: true, requestedBy: 'terminal:alice', proposedAt: '2026-12-05T19:40:00.000Z',
    startedAt: '2026-12-05T19:41:00.000Z', finishedAt: '2026-12-05T19:42:00.000Z', status: 'failed', refs: {},
    steps: [step],
    results: [{ stepId: 'swap', status: stepStatus, summary: 'IO Error: connection to MotherDuck was reset', durationMs: 600, outputs: {} }],
  }) as unknown as Run;

describe('how a run that ended is drawn in Slack', () => {
  it('draws one whose outcome is unknown with :grey_question:, never :x:', () => {
    expect(runOutcome(recovery('unknown'))).toMatch(/^:grey_question: \*Recovery ended, its outcome unknown\*/);
    const message = JSON.stringify(runFinishedMessage(recovery('unknown')).blocks);
    expect(message).toContain(':grey_question: *Recovery ended, its outcome unknown*');
    expect(message).not.toContain(':x:');
    // Its step, too, is drawn as not known rather than as a diamond of any status.
    expect(statusIcon('unknown')).toBe(':grey_question:');
  });

  it('still draws one that failed with :x:', () => {
    expect(runOutcome(recovery('failed'))).toMatch(/^:x: \*Recovery failed\*/);
    expect(statusIcon('failed')).toBe(':x:');
  });
});
