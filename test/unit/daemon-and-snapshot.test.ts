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

describe('a destructive step of a plan that changes MotherDuck', () => {
  const restore = {
    id: 'restore', kind: 'sql', title: 'Restore in place', target: 'motherduck',
    sql: 'ALTER DATABASE {{db | database}} SET SNAPSHOT TO (SNAPSHOT_TIME {{at | timestamp}})', mutates: true, destructive: true,
  };
  const values = { db: 'databox', at: '2026-04-20 12:00:00', incident_id: 'dbx-20260420-3fa2', now: '20260421T090000Z' };
  const now = new Date('2026-04-21T09:00:00Z');

  it('is preceded in the plan by the engine\'s named snapshot of the database, whatever the runbook says', () => {
    const steps = resolveSteps([stepSchema.parse(restore)], { root: '/srv/databox', values, now, snapshotBefore: { database: 'databox' } });
    expect(steps.map((s) => s.id)).toEqual(['restore_snapshot', 'restore']);
    expect(describeStep(steps[0]!, '/srv/databox')).toContain(`CREATE SNAPSHOT 'databox_bot_dbx_20260420_3fa2_restore_20260421T090000Z' OF "databox"`);
    expect(describeStep(steps[1]!, '/srv/databox')).toContain(`ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_TIME '2026-04-20 12:00:00')`);
    expect(steps[0]).toMatchObject({ kind: 'named-snapshot', mutates: true, destructive: false });
    // What the snapshot keeps, not a promise of a rollback: a cleanup and a rollback have none.
    expect(describeStep(steps[0]!, '/srv/databox')).toContain('-- taken by the bot before the next step: databox as it is then, kept under this name until the name is removed');
    expect(describeStep(steps[0]!, '/srv/databox')).not.toContain('rollback');
  });

  it('gets none in a plan that does not change MotherDuck, and none before a step that is not destructive', () => {
    expect(resolveSteps([stepSchema.parse(restore)], { root: '/srv/databox', values, now }).map((s) => s.id)).toEqual(['restore']);
    const clone = { ...restore, id: 'clone', destructive: false, sql: 'CREATE DATABASE x FROM {{db | database}}' };
    expect(resolveSteps([stepSchema.parse(clone)], { root: '/srv/databox', values, now, snapshotBefore: { database: 'databox' } }).map((s) => s.id)).toEqual(['clone']);
  });
});
