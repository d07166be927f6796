// A recovery recorded in the journal as running in some process (another container, say), as the tests of unlock need.
import { planHash } from '../../src/engine/resolve.js';
import { Journal } from '../../src/journal/journal.js';
import { bootId } from '../../src/process/identity.js';
import type { Checkout } from './databox-checkout.js';

/** A runner in another container: its PID means nothing on this host. */
export const otherContainer = { pid: 7, start: '123', boot: bootId(), host: 'databox-bot-7f9c4' };

/** Writes an incident whose path A was approved and started in `runner`; returns the run's id. */
export function stuckRun(checkout: Checkout, runner: Record<string, unknown>): string {
  const journal = new Journal(checkout.stateDir);
  journal.load();
  const incident = 'dbx-20260420-0b0b';
  const runId = `${incident}/1`;
  const run = { id: runId, kind: 'recovery', pathId: 'a', title: 'Path A: Rebuild from raw dlt state', steps: [], hash: planHash([], []), lockKey: checkout.databasePath, params: {}, needsApproval: true, destructive: true, mutates: true };
  journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
  journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
  journal.append({ type: 'run.approved', incident, actor: 'U0TEAMMATE', data: { runId, hash: run.hash } });
  journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId, ...runner } });
  return runId;
}
