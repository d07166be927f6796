// A recovery recorded in the journal as running in some process (another container, say), as the tests of unlock need.
import { planHash } from '../../src/engine/resolve.js';
import { Journal } from '../../src/journal/journal.js';
import { bootId } from '../../src/process/identity.js';
import type { Checkout } from './databox-checkout.js';

/** A runner in another container: its PID means nothing on this host. */
export const otherContainer = { pid: 7, start: '123', boot: bootId(), host: 'databox-bot-7f9c4' };

export interface StuckRunOptions {
  /** The incident's Slack thread, as the bot that ran the plan recorded it. */
  thread?: { channel: string; ts: string };
  /** The plan's first step, a move of the database aside, ran before its process was lost. */
  moved?: boolean;
  /** That move had started, its intent on the record, when its process was lost (its result is found on disk). */
  moving?: boolean;
  /** Left approved and never started, instead of running in `runner`. */
  neverStarted?: boolean;
  /** Commands the plan had started (each with its PID, start time, boot, host and argv), as step.process records. */
  processes?: Record<string, unknown>[];
  /** Diagnosed first (run …/0, paths A and B), its verdict posted here in Slack (run.offer-ref). */
  verdictAt?: { channel: string; ts: string };
  /** Who the journal names as running it: the bot (the default), a terminal's CLI ('databox-cli'), or nobody (null). */
  runBy?: string | null;
}

/** Writes an incident whose path A was approved and started in `runner`; returns the run's id. */
export function stuckRun(checkout: Checkout, runner: Record<string, unknown>, options: StuckRunOptions = {}): string {
  const journal = new Journal(checkout.stateDir);
  journal.load();
  const incident = 'dbx-20260420-0b0b';
  const runId = `${incident}/1`;
  const moveDb = { id: 'move_db', kind: 'move', title: 'Move the broken file aside', from: checkout.databasePath, to: `${checkout.databasePath}.broken`, ifTaken: 'suffix', ifMissing: 'skip', mutates: true, destructive: true };
  const steps = options.moved || options.moving ? [moveDb] : [];
  const run = { id: runId, kind: 'recovery', pathId: 'a', title: 'Path A: Rebuild from raw dlt state', steps, hash: planHash(steps as never, []), lockKey: checkout.databasePath, params: {}, needsApproval: true, destructive: true, mutates: true };
  journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
  if (options.thread) journal.append({ type: 'incident.ref', incident, actor: 'databox-bot', data: { frontEnd: 'slack', ref: options.thread } });
  if (options.verdictAt) diagnosed(journal, incident, checkout.databasePath, options.verdictAt);
  journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
  journal.append({ type: 'run.approved', incident, actor: 'U0TEAMMATE', data: { runId, hash: run.hash } });
  if (options.neverStarted) return runId;
  journal.append({ type: 'run.started', incident, actor: options.runBy === undefined ? 'databox-bot' : options.runBy, data: { runId, ...runner } });
  for (const started of options.processes ?? []) journal.append({ type: 'step.process', incident, actor: 'databox-bot', data: { runId, ...started } });
  if (options.moving) {
    journal.append({ type: 'step.started', incident, actor: 'databox-bot', data: { runId, stepId: moveDb.id, index: 0 } });
    journal.append({ type: 'step.intent', incident, actor: 'databox-bot', data: { runId, action: 'move', from: moveDb.from, to: moveDb.to } });
  }
  if (options.moved) {
    const result = { stepId: moveDb.id, status: 'ok', summary: 'moved aside', durationMs: 3, outputs: { movedTo: moveDb.to } };
    journal.append({ type: 'step.finished', incident, actor: 'databox-bot', data: { runId, result } });
  }
  return runId;
}

/** Records, as another container would, that the plan left approved has started there. */
export function startedElsewhere(checkout: Checkout, runId: string, runner: Record<string, unknown>): void {
  const journal = new Journal(checkout.stateDir);
  journal.load();
  journal.append({ type: 'run.started', incident: runId.split('/')[0] as string, actor: 'databox-bot', data: { runId, ...runner } });
}

/** A diagnosis that found the file corrupt, run by the bot before the plan, its verdict's message where `verdictAt` says. */
function diagnosed(journal: Journal, incident: string, lockKey: string, verdictAt: { channel: string; ts: string }): void {
  const runId = `${incident}/0`;
  const run = { id: runId, kind: 'diagnosis', title: 'Diagnose a blown DuckDB file', steps: [], hash: planHash([], []), lockKey, params: {}, needsApproval: false, destructive: false, mutates: false };
  journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
  journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId } });
  journal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId, status: 'succeeded' } });
  journal.append({ type: 'diagnosis.verdict', incident, actor: 'databox-bot', data: { runId, verdict: 'corrupt', title: 'Corrupt file', advice: 'Rebuild it.', severity: 'critical', paths: ['a', 'b'], suggested: {}, params: {} } });
  journal.append({ type: 'run.offer-ref', incident, actor: 'databox-bot', data: { runId, frontEnd: 'slack', ref: verdictAt } });
}
