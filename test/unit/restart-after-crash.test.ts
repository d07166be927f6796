// What a restart makes of runs a dead process left "running" (src/incidents/restart-pickup.ts): liveness by PID and
// start time (and boot, host), and leftovers stopped only when provably the same process. Real processes throughout.
import fs from 'node:fs';
import os from 'node:os';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { planHash } from '../../src/engine/resolve.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { createLogger } from '../../src/logger.js';
import { processAlive } from '../../src/process/alive.js';
import { bootId, processStartTime } from '../../src/process/identity.js';
import { runCommand } from '../../src/process/run-command.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const checkouts: Checkout[] = [];
const children: ResultPromise[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const checkout of checkouts.splice(0)) checkout.remove();
});

function engine(checkout: Checkout): { service: IncidentService; journal: Journal } {
  const config = loadConfig({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir });
  const journal = new Journal(config.stateDir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const service = new IncidentService(
    { config, runbooks: loadRunbooks(config.runbooksDir), journal, state, runCommand, redact: (t) => t, logger: createLogger('silent', (t) => t) },
    quietReporter(),
  );
  return { service, journal };
}

/** A recovery on the record as running in `runner`, which started the commands `processes`. */
function runningRecovery(checkout: Checkout, runner: Record<string, unknown>, processes: Record<string, unknown>[] = []): string {
  const journal = new Journal(checkout.stateDir);
  journal.load();
  const incident = 'dbx-20260420-0a0a';
  const runId = `${incident}/1`;
  journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
  const run = { id: runId, kind: 'recovery', pathId: 'a', title: 'Path A', steps: [], hash: planHash([], []), lockKey: checkout.databasePath, params: {}, needsApproval: true, destructive: true, mutates: true };
  journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
  journal.append({ type: 'run.approved', incident, actor: 'U0TEAMMATE', data: { runId, hash: run.hash } });
  journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId, ...runner } });
  for (const started of processes) journal.append({ type: 'step.process', incident, actor: 'databox-bot', data: { runId, ...started } });
  return runId;
}

function newCheckout(): Checkout {
  const checkout = new Checkout();
  checkouts.push(checkout);
  return checkout;
}

/** The PID of a process that has exited: free, or soon someone else's. */
async function goneProcess(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid as number;
}

/** A live process that has nothing to do with the bot, with "task" in its command line; the leader of its own group. */
async function bystander(): Promise<number> {
  const child = execa(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'task', 'full-refresh'], { reject: false, detached: true });
  children.push(child);
  const pid = child.pid as number;
  for (let i = 0; i < 250 && !fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('task'); i += 1) await new Promise((r) => setTimeout(r, 20));
  return pid;
}

const here = () => ({ boot: bootId(), host: os.hostname() });

describe('a run left "running" by a process that is gone', () => {
  it('is interrupted when its PID now belongs to another process (started at another time), which is left alone', async () => {
    const checkout = newCheckout();
    const other = await bystander();
    const runId = runningRecovery(checkout, { pid: other, start: '1', ...here() });
    const { service } = engine(checkout);
    expect(service.recoverAfterRestart().map((r) => `${r.id} ${r.status}`)).toEqual([`${runId} interrupted`]);
    expect(service.state.lockHolder(checkout.databasePath), 'the database is free again').toBeUndefined();
    expect(processAlive(other)).toBe(true);
  });

  it('is interrupted when it ran in an earlier boot, though its PID and start time match a live process now', async () => {
    const checkout = newCheckout();
    const live = await bystander();
    const runId = runningRecovery(checkout, { pid: live, start: processStartTime(live), boot: '00000000-0000-0000-0000-000000000000', host: os.hostname() });
    const { service } = engine(checkout);
    expect(service.recoverAfterRestart().map((r) => `${r.id} ${r.status}`)).toEqual([`${runId} interrupted`]);
  });

  it('stays running while its process is the same one (same PID and start time)', async () => {
    const checkout = newCheckout();
    const live = await bystander();
    const runId = runningRecovery(checkout, { pid: live, start: processStartTime(live), ...here() });
    const { service } = engine(checkout);
    expect(service.recoverAfterRestart()).toEqual([]);
    expect(service.state.lockHolder(checkout.databasePath)?.id).toBe(runId);
  });

  it('stays running when it runs on another host (another container): only `unlock` clears it', () => {
    const checkout = newCheckout();
    runningRecovery(checkout, { pid: 7, start: '123', boot: bootId(), host: 'databox-bot-7f9c4' });
    const { service } = engine(checkout);
    expect(service.recoverAfterRestart()).toEqual([]);
  });
});

describe('what an interrupted run left running', () => {
  it('is stopped when it is provably the same process (PID and start time)', async () => {
    const checkout = newCheckout();
    const leftover = await bystander();
    runningRecovery(checkout, { pid: await goneProcess(), start: '1', ...here() }, [{ pid: leftover, start: processStartTime(leftover), ...here(), argv: ['task', 'full-refresh'] }]);
    const { service } = engine(checkout);
    const [interrupted] = service.recoverAfterRestart();
    expect(interrupted?.status).toBe('interrupted');
    for (let i = 0; i < 250 && processAlive(leftover); i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(processAlive(leftover), 'the leftover was stopped').toBe(false);
  });

  it('is never killed because its command line merely contains the command\'s name', async () => {
    const checkout = newCheckout();
    const reused = await bystander();
    const legacy = await bystander();
    runningRecovery(checkout, { pid: await goneProcess() }, [
      { pid: reused, start: '1', ...here(), argv: ['task', 'full-refresh'] },
      { pid: legacy, argv: ['task', 'full-refresh'] },
    ]);
    const { service } = engine(checkout);
    const [interrupted] = service.recoverAfterRestart();
    expect(interrupted?.status).toBe('interrupted');
    await new Promise((r) => setTimeout(r, 300));
    expect(processAlive(reused), 'a PID reused by another process').toBe(true);
    expect(processAlive(legacy), 'a PID recorded without its start time').toBe(true);
  });
});
