// A plan whose diagnosis' hold lapses while it runs (a daemon's start waiting past a schedule's tick) stops before the next changing step, not only before the first.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeSteps } from '../../src/engine/execute-steps.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import type { ResolvedStep, StepResult } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-lapsed-each-');

describe('a hold that lapses between two changing steps', { timeout: 30_000 }, () => {
  it('stops the second untouched, saying the first ran, and asks before each changing step whether it is the first', async () => {
    const root = tempDir();
    const touch = (id: string) => stepSchema.parse({ id, kind: 'command', title: `Start ${id}`, argv: ['touch', path.join(root, id)], mutates: true });
    const steps = resolveSteps([touch('daemon'), touch('schedules')], { root, values: {} }) as ResolvedStep[];
    const asked: boolean[] = [];
    const results: StepResult[] = [];
    await executeSteps(
      steps,
      { root, databasePath: `${root}/db.duckdb`, stateDir: root, incidentId: 'dbx-20261205-0a1b', runId: 'dbx-20261205-0a1b/2', diskFullPercent: 95, runCommand, redact: (t) => t, clock: () => new Date() },
      { stepStarted: async () => {}, stepProgress: () => {}, stepFinished: async (_step, result) => void results.push(result) },
      { stopOnFailure: true, lapsedBeforeChanges: (first) => (asked.push(first), first ? undefined : 'the tick at 06:00 UTC has passed') },
    );
    expect(asked).toEqual([true, false]);
    expect(results.map((result) => result.status)).toEqual(['ok', 'failed']);
    expect(results[1]).toMatchObject({ summary: 'not started: the tick at 06:00 UTC has passed', untouched: true });
    expect(fs.existsSync(path.join(root, 'daemon'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'schedules'))).toBe(false);
  });
});
