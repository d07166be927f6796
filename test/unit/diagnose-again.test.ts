// The command the thread advises to diagnose an incident again is one the grammar takes, also for an incident never diagnosed.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse.js';
import { diagnoseAgainCommand } from '../../src/incidents/diagnose-again.js';
import type { Incident, Run } from '../../src/incidents/state.js';

const catalog = { backfill: ['a', 'b'] };

function incident(runs: Partial<Run>[], diagnosis?: Incident['diagnosis']): Incident {
  return { id: 'dbx-20261202-daea', scenario: 'backfill', title: 'Partial backfill', openedBy: 'U0OPERATOR', openedAt: '2026-12-02T07:40:00Z', origin: 'slack', refs: {}, diagnosis, runs: runs as Run[] };
}

describe('the command that diagnoses again', () => {
  it('names the window and source of a recovery typed without a diagnosis, and nothing the diagnosis does not take', () => {
    const typed = incident([{ kind: 'recovery', params: { source: 'usgs', from: '2026-11-20', to: '2026-11-21', plan_id: 'plan_1' } }, { kind: 'rollback', params: {} }]);
    const command = diagnoseAgainCommand(typed, ['source', 'from', 'to']);
    expect(command).toBe('diagnose backfill source=usgs from=2026-11-20 to=2026-11-21 incident=dbx-20261202-daea');
    expect(parseCommand(command, catalog)).toMatchObject({ ok: true });
  });

  it('uses what the diagnosis ran with when there was one', () => {
    const diagnosed = incident([{ kind: 'recovery', params: { source: 'usgs', from: '2026-11-20', to: '2026-11-21' } }], {
      params: { source: 'ebird' },
    } as unknown as Incident['diagnosis']);
    expect(diagnoseAgainCommand(diagnosed, ['source', 'from', 'to'])).toBe('diagnose backfill source=ebird incident=dbx-20261202-daea');
  });
});
