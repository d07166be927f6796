// Tests runCommandStep (src/engine/steps/command-step.ts) with real processes: classify rules, timeouts, and redaction of output and progress.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommandStep } from '../../src/engine/steps/command-step.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { commandStepKind } from '../../src/engine/steps/command-step.js';

const commandStep = commandStepKind.schema;
import { scriptsDir } from '../support/fixtures.js';

type CommandStep = Extract<ResolvedStep, { kind: 'command' }>;
const secret = 'md-SECRET-0123456789abcdef';

function step(argv: string[], extra: Record<string, unknown> = {}, timeoutMs = 10_000): CommandStep {
  const parsed = commandStep.parse({ id: 'audit', kind: 'command', title: 'Audit', argv, ...extra });
  return { ...parsed, argv, cwd: scriptsDir, timeoutMs, guard: false };
}

function context(progress: string[] = []): StepRunContext {
  return {
    root: scriptsDir,
    databasePath: path.join(scriptsDir, 'databox.duckdb'),
    stateDir: path.join(scriptsDir, 'var'),
    incidentId: 'dbx-20260420-3fa2',
    runId: 'run-1',
    diskFullPercent: 95,
    runCommand,
    redact: createRedactor([secret]),
    clock: () => new Date(),
    progress: (text) => progress.push(text),
  };
}

const auditClassify = {
  classify: [
    { exit: 'zero', status: 'ok' },
    { exit: 'nonzero', match: 'does not exist|catalog error', status: 'desynced' },
  ],
};

describe('runCommandStep', () => {
  it('is ok on exit 0 and failed otherwise, without rules', async () => {
    expect((await runCommandStep(step(['sh', '-c', 'exit 0']), context())).status).toBe('ok');
    const failed = await runCommandStep(step(['sh', '-c', 'exit 7']), context());
    expect(failed).toMatchObject({ status: 'failed', exitCode: 7, summary: 'exit 7', outputs: { exitCode: 7 } });
  });

  it('applies the first matching classify rule, matching output case-insensitively', async () => {
    const desynced = await runCommandStep(step(['sh', '-c', 'echo "Catalog Error: Table raw_ebird does not exist"; exit 1'], auditClassify), context());
    expect(desynced.status).toBe('desynced');
    const other = await runCommandStep(step(['sh', '-c', 'echo "network unreachable"; exit 1'], auditClassify), context());
    expect(other.status).toBe('failed');
    const exact = await runCommandStep(step(['sh', '-c', 'exit 3'], { classify: [{ exit: 3, status: 'partial' }] }), context());
    expect(exact.status).toBe('partial');
  });

  it('reports a command that cannot start as failed with the reason', async () => {
    const result = await runCommandStep(step(['databox-no-such-command-xyz']), context());
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(/^could not start "databox-no-such-command-xyz": it is not on PATH$/);
    expect(result.exitCode).toBeNull();
    // It never started, so it changed nothing: nothing of it is rolled back, and no run is said to have changed by it.
    expect(result.untouched).toBe(true);
    // One that started and failed may have done part of its work.
    expect((await runCommandStep(step(['sh', '-c', 'exit 7']), context())).untouched).toBeUndefined();
  });

  it('reports a timeout as its own status', async () => {
    const result = await runCommandStep(step(['sleep', '10'], {}, 300), context());
    expect(result.status).toBe('timeout');
    expect(result.summary).toBe('killed after 300 ms (timeout), with every process it started');
    expect(result.durationMs).toBeLessThan(4_000);
  });

  it('redacts secrets in the output', async () => {
    const result = await runCommandStep(step(['sh', '-c', `echo "token is ${secret}"`]), context());
    expect(result.output).toBe('token is [REDACTED]\n');
  });

  it('redacts a secret in a progress line even where the 200-character cut falls inside it', async () => {
    const progress: string[] = [];
    const line = `${'a'.repeat(190)}${secret}`;
    await runCommandStep(step(['sh', '-c', `echo "${line}"`]), context(progress));
    expect(progress).toHaveLength(1);
    expect(progress[0]).toBe(`${'a'.repeat(190)}[REDACTED]`);
    expect(progress[0]).not.toContain(secret.slice(0, 6));
  });

  it('never shows a prefix of a secret that arrives split across two chunks of output', async () => {
    const progress: string[] = [];
    const [head, tail] = [secret.slice(0, 10), secret.slice(10)];
    const script = `printf 'token=${head}'; sleep 0.3; printf '${tail} done\\n'`;
    const result = await runCommandStep(step(['sh', '-c', script]), context(progress));
    expect(result.status).toBe('ok');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.join('\n')).not.toContain(head);
    expect(result.output).toContain('token=[REDACTED] done');
  });
});
