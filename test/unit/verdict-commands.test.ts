// A verdict's "Or type" commands are never cut in the middle: each path's fits its own block, however many paths and
// however long what the diagnosis found (a list of schedules too long to type is left out, and said so).
import { describe, expect, it } from 'vitest';
import { verdictMessage } from '../../src/slack/blocks.js';
import type { Incident, Run } from '../../src/incidents/state.js';
import type { Parameter, RecoveryPath } from '../../src/runbook/schema.js';

const schedules = Array.from({ length: 80 }, (_, i) => `paused_export_with_a_long_name_number_${String(i).padStart(3, '0')}`).join(',');
const declared = { schedules: { type: 'names', required: false, description: 'schedules to start' }, note: { type: 'token', required: false, description: 'a note' } } as unknown as Record<string, Parameter>;
const path = (id: string) => ({ id, title: `Path ${id}`, description: `Does ${id}: ${'what it does, said at length. '.repeat(20)}`, parameters: ['schedules', 'note'] }) as unknown as RecoveryPath;
const incident = {
  id: 'dbx-20261201-0a1b',
  scenario: 'schedule',
  diagnosis: { runId: 'dbx-20261201-0a1b/1', verdict: 'paused', title: 'Schedules paused', advice: 'Start them.', severity: 'critical', paths: ['a', 'b', 'c'], suggested: { schedules, note: 'n'.repeat(900) }, params: {}, at: '2026-12-01T09:00:00.000Z' },
} as unknown as Incident;
const run = { id: 'dbx-20261201-0a1b/1', results: [], steps: [] } as unknown as Run;

describe("a verdict's typed commands", () => {
  it('shows each of three paths with its whole command, within what the bot takes, however long their descriptions', () => {
    const blocks = JSON.parse(JSON.stringify(verdictMessage(incident, run, [path('a'), path('b'), path('c')], declared).blocks)) as any[];
    const texts = blocks.filter((b) => b.type === 'context').flatMap((b) => b.elements.map((e: any) => e.text as string));
    for (const id of ['a', 'b', 'c']) {
      const said = texts.join('\n').split('\n').find((line) => line.startsWith(`*Path ${id.toUpperCase()}*`)) ?? '';
      const command = /`\/databox (recover [^`]*)`/.exec(said)?.[1] ?? '';
      expect(command).toMatch(new RegExp(`^recover schedule path=${id} note=n+ incident=dbx-20261201-0a1b$`));
      expect(command.length).toBeLessThanOrEqual(1_000);
      expect(said).toContain('(leaving out schedules= takes the 80 the diagnosis found)');
    }
  });

  it('shows a command whose value holds a backtick (a snapshot name a runbook suggests) in a code block, which the backtick cannot end', () => {
    const snapshot = { snapshot: { type: 'snapshot-name', required: true, description: 'a named snapshot' } } as unknown as Record<string, Parameter>;
    const restore = { id: 'a', title: 'Restore', description: 'Restores it.', parameters: ['snapshot'] } as unknown as RecoveryPath;
    const named = { ...incident, diagnosis: { ...incident.diagnosis, paths: ['a'], suggested: { snapshot: 'pre`load' } } } as unknown as Incident;
    const blocks = JSON.parse(JSON.stringify(verdictMessage(named, run, [restore], snapshot).blocks)) as any[];
    const said = blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e: any) => e.text as string) : [])).join('\n');
    expect(said).toContain('```/databox recover schedule path=a snapshot=pre`load incident=dbx-20261201-0a1b```');
  });
});
