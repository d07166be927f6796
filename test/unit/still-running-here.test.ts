// The refusal of an unlock of a run provably still running here: a read-only run is never called a recovery left half-done.
import { describe, expect, it } from 'vitest';
import { stillRunningHere } from '../../src/incidents/still-running-here.js';
import { cliActor, type Run } from '../../src/incidents/state.js';
import { renderSaid } from '../../src/said.js';

const step = { id: 'fresh', kind: 'mart-freshness', title: 'Every mart back within its SLA', mutates: false };
const validation = {
  id: 'dbx-20261205-6aff/1',
  kind: 'validation',
  title: 'Validation: Dagster daemon stopped or schedules paused',
  steps: [step],
  results: [],
  inFlight: { stepId: 'fresh' },
  mutates: false,
} as unknown as Run;
const recovery = { ...validation, kind: 'recovery', title: 'Path A: Start the daemon', mutates: true } as unknown as Run;

describe('an unlock refused while the run still runs here', () => {
  it('run by the bot: a read-only validation is named as such, and stopped with /databox unlock in Slack, changing nothing', () => {
    const text = renderSaid(stillRunningHere({ ...validation, runBy: 'databox-bot' } as Run, { pid: process.pid }, undefined));
    expect(text).toContain(`validation dbx-20261205-6aff/1 (Validation: Dagster daemon stopped or schedules paused) is running right now in the bot itself`);
    expect(text).toContain('It only reads: `/databox unlock dbx-20261205-6aff/1` in Slack, where the bot runs it, stops it at once, changing nothing');
    expect(text).not.toMatch(/recovery|plan dbx/);
  });

  it("run by a terminal's CLI or an unnamed process: stopping it changes nothing, said so", () => {
    const cli = renderSaid(stillRunningHere({ ...validation, runBy: cliActor } as Run, { pid: 4242 }, undefined));
    expect(cli).toContain('knowing the validation ends there, nothing changed');
    const unnamed = renderSaid(stillRunningHere({ ...validation, runBy: undefined } as Run, { pid: 4242 }, undefined));
    expect(unnamed).toContain('stopping that process changes nothing, but ends this validation before its answer');
    for (const text of [cli, unnamed]) expect(text).not.toMatch(/recovery/);
  });

  it('a recovery is still said to be left half-done by stopping the bot', () => {
    const text = renderSaid(stillRunningHere({ ...recovery, runBy: 'databox-bot' } as Run, { pid: process.pid }, undefined));
    expect(text).toContain('do not stop the bot, which would leave this recovery half-done');
  });
});
