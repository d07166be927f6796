// Runs an external command step and classifies its exit code and output into a status.
import path from 'node:path';
import { parseDuration } from '../../config.js';
import { startDetached } from '../../process/start-detached.js';
import type { ResolvedStep, StepResult } from '../types.js';
import type { StepRunContext } from './context.js';

type CommandStep = Extract<ResolvedStep, { kind: 'command' }>;

function classify(step: CommandStep, exitCode: number | null, output: string): string {
  for (const rule of step.classify) {
    const exitMatches =
      rule.exit === undefined || (rule.exit === 'zero' ? exitCode === 0 : rule.exit === 'nonzero' ? exitCode !== 0 : exitCode === rule.exit);
    const outputMatches = rule.match === undefined || new RegExp(rule.match, 'i').test(output);
    if (exitMatches && outputMatches) return rule.status;
  }
  return exitCode === 0 ? 'ok' : 'failed';
}

const recentChars = 8_192;

async function runDetached(step: CommandStep, ctx: StepRunContext): Promise<StepResult> {
  const logFile = path.join(ctx.stateDir, 'outputs', ctx.incidentId, `${step.id}.daemon.log`);
  const started = await startDetached({ argv: step.argv, cwd: step.cwd, env: step.env, logFile, settleMs: parseDuration(step.settle) as number });
  const output = ctx.redact(started.output);
  if (started.alive) {
    return {
      status: 'ok',
      summary: `started PID ${started.pid}, still running after ${step.settle}; it is left running, its output goes to ${logFile}`,
      output,
      exitCode: null,
      durationMs: parseDuration(step.settle) as number,
      outputs: { pid: started.pid, logFile },
    };
  }
  return {
    status: 'failed',
    summary: started.spawnError ?? `exited with code ${started.exitCode} within ${step.settle} instead of staying up`,
    output,
    exitCode: started.exitCode,
    durationMs: 0,
    outputs: { logFile },
  };
}

export async function runCommandStep(step: CommandStep, ctx: StepRunContext): Promise<StepResult> {
  if (step.detach) return runDetached(step, ctx);
  let lastProgress = 0;
  let recent = '';
  const result = await ctx.runCommand({
    argv: step.argv,
    cwd: step.cwd,
    env: step.env,
    timeoutMs: step.timeoutMs,
    signal: ctx.signal,
    redact: ctx.redact,
    onStart: (pid) => ctx.processStarted?.(pid, step.argv),
    onOutput: (text) => {
      // Only complete lines are shown, redacted as a whole: a secret may arrive split across two chunks.
      recent = (recent + text).slice(-recentChars);
      const complete = recent.slice(0, recent.lastIndexOf('\n') + 1);
      // A progress line at most every few seconds: the latest complete line of output.
      const now = Date.now();
      if (!complete.trim() || now - lastProgress < 3_000) return;
      lastProgress = now;
      const line = ctx.redact(complete).trim().split('\n').at(-1);
      // Redacted before cutting: a cut through a secret would leave a prefix the redactor no longer recognises.
      if (line) ctx.progress(line.slice(0, 200));
    },
  });
  // Redacted in the stream, before the middle of a long output was cut; a runner that did not is redacted here.
  const output = result.redacted ? result.output : ctx.redact(result.output);
  if (result.spawnError) {
    return { status: 'failed', summary: result.spawnError, output, exitCode: null, durationMs: result.durationMs, outputs: {} };
  }
  if (result.timedOut) {
    return {
      status: 'timeout',
      summary: `killed after ${Math.round(step.timeoutMs / 1000)}s (timeout), with every process it started`,
      output,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      outputs: {},
    };
  }
  const status = classify(step, result.exitCode, output);
  const how = result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
  return { status, summary: `${how}`, output, exitCode: result.exitCode, durationMs: result.durationMs, outputs: { exitCode: result.exitCode } };
}
