// Which interrupted validations a start takes up: the bot's own, latest in their incident, nothing changed since; a run
// again the bot died in too is said, not run a third time.
import { describe, expect, it } from 'vitest';
import { interruptedValidationSaid, recoveryOwning, recoveryValidatedBy, validationsToTakeUp } from '../../src/incidents/interrupted-validation.js';
import { botActor, cliActor, type Incident, type Run } from '../../src/incidents/state.js';

const run = (id: string, fields: Partial<Run>): Run => ({ id, incidentId: 'dbx-1', kind: 'validation', status: 'succeeded', runBy: botActor, startedAt: '2026-12-05T10:00:00Z', ...fields }) as Run;
const incident = (runs: Run[]): Incident => ({ id: 'dbx-1', scenario: 'duckdb', runs }) as unknown as Incident;
const recovery = run('dbx-1/2', { kind: 'recovery' });
const cut = (fields: Partial<Run> = {}) => run('dbx-1/3', { status: 'interrupted', interruptedBy: 'stop', ...fields });

describe('validationsToTakeUp', () => {
  it('runs again a validation the bot stopping or dying interrupted', () => {
    expect(validationsToTakeUp([incident([recovery, cut()])]).map((t) => [t.run.id, t.how])).toEqual([['dbx-1/3', 'run-again']]);
    expect(validationsToTakeUp([incident([recovery, cut({ interruptedBy: 'restart' })])]).map((t) => t.how)).toEqual(['run-again']);
  });

  it('says the command instead for a run again the bot died in too, but runs again one its stop cut short', () => {
    expect(validationsToTakeUp([incident([recovery, cut({ rerunOf: 'dbx-1/1', interruptedBy: 'restart' })])]).map((t) => t.how)).toEqual(['advise']);
    expect(validationsToTakeUp([incident([recovery, cut({ rerunOf: 'dbx-1/1' })])]).map((t) => t.how)).toEqual(['run-again']);
  });

  it('leaves one taken up already, a terminal\'s, one a person stopped, and one a later validation or change stands after', () => {
    expect(validationsToTakeUp([incident([recovery, cut({ takenUp: 'advised' })])])).toEqual([]);
    expect(validationsToTakeUp([incident([recovery, cut({ runBy: cliActor })])])).toEqual([]);
    expect(validationsToTakeUp([incident([recovery, cut({ interruptedBy: undefined })])])).toEqual([]);
    expect(validationsToTakeUp([incident([recovery, cut(), run('dbx-1/4', {})])])).toEqual([]);
    expect(validationsToTakeUp([incident([recovery, cut(), run('dbx-1/4', { kind: 'rollback' })])])).toEqual([]);
  });

  it('takes up again one said run again whose run again was never proposed (the bot died in between), not one whose run again exists', () => {
    expect(validationsToTakeUp([incident([recovery, cut({ takenUp: 'ran-again' })])]).map((t) => [t.run.id, t.how])).toEqual([['dbx-1/3', 'run-again']]);
    const again = run('dbx-1/4', { rerunOf: 'dbx-1/3', status: 'interrupted', interruptedBy: 'stop' });
    expect(validationsToTakeUp([incident([recovery, cut({ takenUp: 'ran-again' }), again])]).map((t) => t.run.id)).toEqual(['dbx-1/4']);
    // Said so in status and postmortem too: the next start runs it, not "nothing follows".
    expect(interruptedValidationSaid(cut({ takenUp: 'ran-again' }))).toBe('validation interrupted by a stop; the bot runs it again at its next start');
  });
});

describe('recoveryOwning', () => {
  it('is the recovery whose own validation was cut short, through its runs again', () => {
    expect(recoveryOwning([recovery, cut()], cut())?.id).toBe('dbx-1/2');
    const first = cut({ takenUp: 'ran-again' });
    const again = run('dbx-1/4', { rerunOf: 'dbx-1/3', status: 'interrupted', interruptedBy: 'stop' });
    expect(recoveryOwning([recovery, first, again], again)?.id).toBe('dbx-1/2');
  });

  it('is none for a validation run after the recovery\'s own one completed (a later /databox validate)', () => {
    const own = run('dbx-1/3', { status: 'succeeded' });
    const later = run('dbx-1/4', { status: 'interrupted', interruptedBy: 'stop' });
    expect(recoveryOwning([recovery, own, later], later)).toBeUndefined();
  });
});

describe('recoveryValidatedBy', () => {
  it("reaches the recovery from a terminal's second validation cut short, which no rerunOf ties to the first", () => {
    const first = cut({ runBy: cliActor, interruptedBy: undefined });
    const second = run('dbx-1/4', { runBy: cliActor, status: 'interrupted' });
    expect(recoveryValidatedBy([recovery, first, second], second)?.id).toBe('dbx-1/2');
    // Not the recovery's own validation: what follows that one (the path's advice) is not said again for it.
    expect(recoveryOwning([recovery, first, second], second)).toBeUndefined();
  });

  it('is none before any recovery succeeded', () => {
    const validation = run('dbx-1/3', {});
    expect(recoveryValidatedBy([run('dbx-1/2', { kind: 'recovery', status: 'failed' }), validation], validation)).toBeUndefined();
  });
});
