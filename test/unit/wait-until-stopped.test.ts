// A step that waits for a status (waitUntil), stopped while it waits (Ctrl-C, the bot stopping), ends "interrupted", not with its last check's status.
import { describe, expect, it } from 'vitest';
import { executeSteps } from '../../src/engine/execute-steps.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import type { ResolvedStep, StepResult } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-wait-stopped-');

describe('a step waiting for a status, stopped while it waits', { timeout: 30_000 }, () => {
  it('ends interrupted, saying it was stopped while waiting', async () => {
    const root = tempDir();
    const waiting = stepSchema.parse({ id: 'wait', kind: 'command', title: 'Wait for the flag', argv: ['false'], waitUntil: { status: ['ok'], every: '1h', deadline: '2h' } });
    const [step] = resolveSteps([waiting], { root, values: {} }) as ResolvedStep[];
    const stop = new AbortController();
    const results: StepResult[] = [];
    await executeSteps(
      [step as ResolvedStep],
      { root, databasePath: `${root}/db.duckdb`, stateDir: root, incidentId: 'dbx-20261205-0a1b', runId: 'dbx-20261205-0a1b/1', diskFullPercent: 95, runCommand, redact: (t) => t, clock: () => new Date(), signal: stop.signal },
      {
        stepStarted: async () => {},
        // Its first check has failed and it sleeps an hour before the next: the stop comes then, once it sleeps.
        stepProgress: () => void setTimeout(() => stop.abort('interrupted at the terminal (SIGINT)'), 0),
        stepFinished: async (_step, result) => void results.push(result),
      },
      { stopOnFailure: true },
    );
    expect(results[0]).toMatchObject({ status: 'interrupted', summary: expect.stringMatching(/^stopped while waiting: /) });
  });
});
