// Design pieces for scenarios 3 and 4: a daemon started detached and left running, and a named snapshot before a destructive MotherDuck statement.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStep } from '../../src/engine/describe.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { runCommandStep } from '../../src/engine/steps/command-step.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { commandStepKind } from '../../src/engine/steps/command-step.js';
import { step as stepSchema } from '../../src/runbook/schema.js';

const commandStep = commandStepKind.schema;
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('daemon-');

function context(dir: string): StepRunContext {
  return {
    root: dir, databasePath: path.join(dir, 'x.duckdb'), stateDir: dir, incidentId: 'dbx-20260420-3fa2', runId: 'r', diskFullPercent: 95,
    runCommand, redact: (t) => t, clock: () => new Date(), progress: () => {},
  };
}

function detached(dir: string, script: string): Extract<ResolvedStep, { kind: 'command' }> {
  const parsed = commandStep.parse({ id: 'daemon', kind: 'command', title: 'Start the daemon', argv: ['sh', '-c', script], detach: true, settle: '500ms', mutates: true });
  return { ...parsed, argv: ['sh', '-c', script], cwd: dir, timeoutMs: 1_000, guard: false };
}

describe('a detached command', () => {
  it('is started, left running past its timeout, and its output logged', async () => {
    const dir = tempDir();
    const result = await runCommandStep(detached(dir, 'echo daemon up; exec sleep 30'), context(dir));
    const pid = result.outputs.pid as number;
    try {
      expect(result.status).toBe('ok');
      expect(result.summary).toMatch(/^started PID \d+, still running after 500ms/);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(() => process.kill(pid, 0), 'still alive after the step timeout').not.toThrow();
      expect(fs.readFileSync(result.outputs.logFile as string, 'utf8')).toContain('daemon up');
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });

  it('fails when it exits instead of staying up, with its exit code and output', async () => {
    const dir = tempDir();
    const result = await runCommandStep(detached(dir, 'echo cannot bind port; exit 3'), context(dir));
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('exited with code 3 within 500ms instead of staying up');
    expect(result.output).toContain('cannot bind port');
  });
});

describe('a destructive MotherDuck statement', () => {
  const restore = {
    id: 'swap', kind: 'sql', title: 'Rename the broken database', database: 'motherduck',
    sql: 'ALTER DATABASE {{db}} RENAME TO databox_broken', mutates: true, destructive: true,
  };

  it('is refused by the schema without snapshotOf', () => {
    const parsed = stepSchema.safeParse(restore);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('needs snapshotOf');
  });

  it('is preceded in the plan by a named snapshot of that database', () => {
    const parsed = stepSchema.parse({ ...restore, snapshotOf: '{{db}}' });
    const steps = resolveSteps([parsed], { root: '/srv/databox', values: { db: 'databox', incident_id: 'dbx-20260420-3fa2', now: '20260420T120000Z' } });
    expect(steps.map((s) => s.id)).toEqual(['swap_snapshot', 'swap']);
    expect(describeStep(steps[0]!, '/srv/databox')).toBe(`CREATE SNAPSHOT 'databox_bot_dbx_20260420_3fa2_20260420T120000Z_swap' OF "databox"`);
    expect(steps[0]).toMatchObject({ mutates: true, destructive: false });
  });
});
