// The dagster-daemon-start step kind: DAGSTER_DAEMON_START started detached (PID and start time journaled), then its heartbeat checked.
import path from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../../config.js';
import { defaultCliCommands } from '../../dagster/probe.js';
import { recordStartedDaemon, startedDaemonStillRunning } from '../../dagster/daemon-records.js';
import { daemonAlreadyRunning, startDaemon } from '../../dagster/start-daemon.js';
import { duration, stepCommon } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { defaultDagsterRunTools, elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('dagster-daemon-start'),
  /** How long the process must stay up before its heartbeat is looked for. */
  settle: duration.default('5s'),
  /** How long to wait for a fresh heartbeat after that. */
  heartbeatWait: duration.default('60s'),
});

type Parsed = z.output<typeof schema>;
export type DagsterDaemonStartStep = Parsed & { argv: string[]; cwd: string } & ResolvedCommon;

export async function runDagsterDaemonStartStep(step: DagsterDaemonStartStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const logFile = path.join(ctx.stateDir, 'daemons', `${ctx.incidentId}-${step.id}.log`);
  const request = {
    argv: step.argv,
    cwd: step.cwd,
    logFile,
    settleMs: parseDuration(step.settle) as number,
    heartbeatWaitMs: parseDuration(step.heartbeatWait) as number,
    client: (ctx.dagster ?? defaultDagsterRunTools).client,
    runCommand: ctx.runCommand,
    startDetached: ctx.startDetached,
    livenessArgv: defaultCliCommands.liveness,
    clock: ctx.clock,
  };
  const running = await daemonAlreadyRunning(request, (ctx.dagster ?? defaultDagsterRunTools).heartbeatMaxAgeMs / 1000);
  if (running) {
    return { status: 'already-running', summary: `not started: the daemon is already running (${running})`, durationMs: elapsedSince(started), outputs: { pid: null, startedAt: '', logFile: '' } };
  }
  // Not heartbeating, yet one this bot started may still run (a retried path A): a second beside it would be two daemons.
  const earlier = startedDaemonStillRunning(path.dirname(logFile));
  if (earlier) {
    return {
      status: 'not-heartbeating',
      summary: `not started: PID ${earlier.pid}, which this bot started at ${earlier.startedAt.slice(0, 19).replace('T', ' ')} UTC for incident ${earlier.incidentId}, still runs but does not heartbeat, and a second daemon beside it would make two; find out why from its log (${earlier.logFile}) or stop it (kill ${earlier.pid}), then propose the plan again`,
      durationMs: elapsedSince(started),
      outputs: { pid: null, startedAt: '', logFile: earlier.logFile },
      // It started nothing: the daemon left running is the earlier plan's, which its own result names.
      untouched: true,
    };
  }
  const result = await startDaemon(request);
  if (result.pid !== undefined && result.status !== 'exited') recordStartedDaemon(logFile, result.pid, result.startedAt, ctx.incidentId);
  return {
    status: result.status,
    summary: ctx.redact(result.summary),
    output: ctx.redact(result.output),
    exitCode: result.status === 'exited' ? null : undefined,
    durationMs: elapsedSince(started),
    // The PID and start time go into the journal with the step's outcome: the daemon outlives the bot.
    outputs: { pid: result.pid ?? null, startedAt: result.startedAt, logFile },
    // One that exited left nothing running: no change to list as "changed before it stopped".
    ...(result.status === 'exited' ? { untouched: true as const } : {}),
  };
}

export const dagsterDaemonStartStepKind = defineStepKind({
  kind: 'dagster-daemon-start',
  schema,
  statuses: ['ok', 'already-running', 'exited', 'not-heartbeating'],
  // No PID where none was started (one already running, or still running from an earlier plan), nor one that never spawned.
  outputs: { pid: { shape: 'text', unsetWhen: ['already-running', 'not-heartbeating', 'exited'] }, startedAt: 'text', logFile: 'text' },
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => (!step.mutates ? [{ at: ['mutates'], message: 'starting the daemon changes what runs: set mutates: true' }] : []),
  templates: () => [],
  resolve: (step, tools) => ({ ...step, argv: [...tools.dagster.daemonStart], cwd: tools.root }),
  describe: (step, { showArg }) =>
    `${step.argv.map(showArg).join(' ')}  (not started when a daemon already heartbeats, or one this bot started still runs; else started detached and left running; its output to <state dir>/daemons/; after ${step.settle} its heartbeat is checked for up to ${step.heartbeatWait})`,
  programs: (step) => [{ file: step.argv[0] as string, cwd: step.cwd }],
  changesElsewhere: 'the Dagster daemon',
  // A start whose heartbeat never came left the process it spawned running (its PID); one the engine stopped waiting for
  // (timeout, no outputs) may have spawned one too. One that exited left nothing running, and the earlier plan's daemon
  // it found (not-heartbeating, untouched) is not its own.
  partWay: { statuses: ['not-heartbeating', 'timeout'], changed: (outputs) => typeof outputs.pid === 'number' || !('pid' in outputs) },
  // What it changes is what runs, not data: the process it left, and its log, are what to look at before starting another.
  // One that exited is untouched, so never listed here.
  stoppedPartWay: (_step, result) => {
    const { pid, logFile } = result.outputs ?? {};
    const log = typeof logFile === 'string' && logFile !== '' ? logFile : '<state dir>/daemons/';
    if (typeof pid === 'number') return `it left the daemon it started running as PID ${pid}: read its log (${log}), and check on PID ${pid} or stop it (kill ${pid}) before starting the daemon again`;
    return `it may have started a daemon that still runs: read its log (${log}), and look for a dagster-daemon process before starting one again`;
  },
  run: runDagsterDaemonStartStep,
});
