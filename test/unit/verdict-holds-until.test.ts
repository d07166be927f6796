// Tests a verdict's holdsUntil as the diagnosis fills it in (src/incidents/verdict-holds-until.ts): a time the run did not set never lifts the bound.
import { describe, expect, it } from 'vitest';
import { stepOutputs } from '../../src/engine/template-values.js';
import { unfilledMarks } from '../../src/incidents/unfilled-marks.js';
import { verdictHoldsUntil } from '../../src/incidents/verdict-holds-until.js';
import { verdict } from '../../src/runbook/schema.js';

const now = new Date('2026-04-21T05:30:00Z');

function held(at: string, dagster: { status: string; outputs: Record<string, unknown> }) {
  const results = [{ stepId: 'dagster', summary: 'read', ...dagster }];
  const paused = verdict.parse({ id: 'schedules-paused', title: 'Paused', when: { step: 'freshness', status: 'stale' }, advice: 'Resume it', paths: ['b'], severity: 'critical', holdsUntil: { at, what: '{{steps.dagster.dueTick}}' } });
  const unreadable: string[] = [];
  const found = verdictHoldsUntil(paused, { steps: stepOutputs(results) }, now, unfilledMarks(results).standIn, (text) => unreadable.push(text));
  return { found, unreadable };
}

describe("a verdict's holdsUntil, filled in from the diagnosis", () => {
  it('holds until the time the step gave', () => {
    const { found, unreadable } = held('{{steps.dagster.dueTickAt}}', { status: 'schedules-paused', outputs: { dueTickAt: '2026-04-21T06:00:00Z', dueTick: 'the next tick' } });
    expect(found).toEqual({ holdsUntil: { at: '2026-04-21T06:00:00.000Z', what: 'the next tick' } });
    expect(unreadable).toEqual([]);
  });

  it('is taken as over now, said and told, when the step gave no time at all: a missing time never lifts the bound on plans', () => {
    // The dagster step failed and set none of its outputs: before, the verdict was lost to "has no value here".
    const { found, unreadable } = held('{{steps.dagster.dueTickAt}}', { status: 'failed', outputs: {} });
    const marker = '(no value: dueTickAt is not set when the step ends failed)';
    expect(unreadable).toEqual([marker]);
    expect(found).toEqual({
      holdsUntil: { at: now.toISOString(), what: `(no value: dueTick is not set when the step ends failed) (the runbook's holdsUntil.at gave "${marker}", no time, so it is taken as over now)` },
    });
  });

  it('bounds nothing where the runbook says a missing time is none ({{…?}}), nor where the step gave an empty one', () => {
    expect(held('{{steps.dagster.dueTickAt?}}', { status: 'failed', outputs: {} }).found).toEqual({});
    expect(held('{{steps.dagster.dueTickAt}}', { status: 'healthy', outputs: { dueTickAt: '', dueTick: '' } }).found).toEqual({});
  });
});
