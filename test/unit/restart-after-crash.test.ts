// What a restart makes of runs a dead process left "running" (src/incidents/restart-pickup.ts): liveness by PID and
// start time (and boot, host), leftovers stopped only when provably the same process, and the step a crash cut short
// settled on disk from its journaled intent. Real processes throughout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/engine/types.js';
import { stepDuration } from '../../src/format-duration.js';
import { planHash } from '../../src/engine/resolve.js';
import type { IncidentService } from '../../src/incidents/service.js';
import type { Run } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { processAlive } from '../../src/process/alive.js';
import { bootId, processStartTime } from '../../src/process/identity.js';
import { Checkout, standinBin, writeGarbage } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { quietReporter } from '../helpers/quiet-reporter.js';
import { projectRoot, scriptsDir } from '../support/fixtures.js';
import { changedBeforeStopping } from '../../src/engine/step-passed.js';
import { statusReport } from '../../src/incidents/status.js';

const checkouts: Checkout[] = [];
const children: ResultPromise[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const checkout of checkouts.splice(0)) checkout.remove();
});

function engine(checkout: Checkout, offered: string[] = []): { service: IncidentService; journal: Journal } {
  return openEngine(checkout.root, checkout.stateDir, quietReporter({ rollbackOffered: async (_incident, run) => void offered.push(run.id) }));
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

  it('is said stopped by the restart, alike by the step it was in and by its run, never "found stopped"', async () => {
    const checkout = newCheckout();
    const leftover = await bystander();
    const journal = new Journal(checkout.stateDir);
    journal.load();
    const incident = 'dbx-20260420-0d0d';
    const runId = `${incident}/1`;
    const step = { id: 'full_refresh', kind: 'command', title: 'Rehydrate raw catalogs and rebuild every mart', argv: ['task', 'full-refresh'], cwd: checkout.root, env: {}, classify: [], mutates: true, destructive: false, timeoutMs: 60_000, guard: false, acceptStatuses: [] };
    const run = { id: runId, kind: 'recovery', pathId: 'a', title: 'Path A', steps: [step], hash: planHash([step] as never, []), lockKey: checkout.databasePath, params: {}, needsApproval: true, destructive: true, mutates: true };
    journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
    journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
    journal.append({ type: 'run.approved', incident, actor: 'U0TEAMMATE', data: { runId, hash: run.hash } });
    journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId, pid: await goneProcess(), start: '1', ...here() } });
    journal.append({ type: 'step.started', incident, actor: 'databox-bot', data: { runId, stepId: 'full_refresh', index: 0 } });
    // The command outlives its killed bot (its host process goes on): alive when the restart looks.
    journal.append({ type: 'step.process', incident, actor: 'databox-bot', data: { runId, pid: leftover, start: processStartTime(leftover), ...here(), argv: ['task', 'full-refresh'] } });
    const [interrupted] = engine(checkout).service.recoverAfterRestart();
    const stoppedAt = /what it had started was still running, and the restart stopped it at (\d\d:\d\d:\d\d) UTC: task full-refresh \(PID (\d+)\)/;
    const result = interrupted?.results.find((r) => r.stepId === 'full_refresh');
    expect(result?.summary).toMatch(stoppedAt);
    expect(result?.summary).not.toContain('found stopped');
    // It ran until the restart stopped it: a time, not an upper bound.
    expect(result?.durationAtMost).toBeUndefined();
    expect(result?.summary).toMatch(/ \(it started at \d\d:\d\d:\d\d UTC: it ran [\d.]+ m?s\)$/);
    const reason = fs.readFileSync(journal.file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line)).find((r) => r.type === 'run.finished')?.data.reason as string;
    expect(reason).toMatch(stoppedAt);
    expect(reason.match(stoppedAt)?.slice(1)).toEqual(result?.summary.match(stoppedAt)?.slice(1));
    expect(result?.summary.match(stoppedAt)?.[2]).toBe(String(leftover));
  });

  it('is, for a validation, marked for the bot to run again only when it was the bot\'s; a terminal\'s says the command', async () => {
    const checkout = newCheckout();
    const journal = new Journal(checkout.stateDir);
    journal.load();
    const validations = [
      { incident: 'dbx-20260420-0e0e', by: 'databox-bot' },
      { incident: 'dbx-20260420-0f0f', by: 'databox-cli' },
    ];
    for (const { incident, by } of validations) {
      const runId = `${incident}/1`;
      const run = { id: runId, kind: 'validation', title: 'Validate', steps: [], hash: planHash([], []), params: { date: '2026-04-19' }, needsApproval: false, destructive: false, mutates: false };
      journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
      journal.append({ type: 'run.proposed', incident, actor: by, data: { runId, run } });
      journal.append({ type: 'run.started', incident, actor: by, data: { runId, pid: await goneProcess(), start: '1', ...here() } });
    }
    engine(checkout).service.recoverAfterRestart();
    const finished = fs.readFileSync(journal.file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line)).filter((r) => r.type === 'run.finished');
    const [bots, terminals] = validations.map(({ incident }) => finished.find((r) => r.incident === incident)?.data);
    expect(bots).toMatchObject({ status: 'interrupted', interruptedBy: 'restart' });
    expect(terminals).toMatchObject({ status: 'interrupted' });
    expect(terminals.interruptedBy).toBeUndefined();
    expect(terminals.reason).toContain('the terminal running it stopped before it finished');
    expect(terminals.reason).toContain('`/databox validate duckdb date=2026-04-19 incident=dbx-20260420-0f0f`');
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

/** A path A plan with one real move step, on the record as running in a process that is gone, that step started. */
function runningMove(checkout: Checkout, intent?: { from: string; to: string }, action: 'move' | 'copy' = 'move'): string {
  const journal = new Journal(checkout.stateDir);
  journal.load();
  const incident = 'dbx-20260420-0c0c';
  const runId = `${incident}/1`;
  const step = { id: 'move_db', kind: action === 'move' ? 'move' : 'copy-file', title: 'Back up the broken file', from: checkout.databasePath, to: `${checkout.databasePath}.broken`, ifMissing: 'skip', ifTaken: 'suffix', mutates: true, destructive: true, timeoutMs: 60_000, guard: false, acceptStatuses: [] };
  const run = { id: runId, kind: 'recovery', pathId: 'a', title: 'Path A', steps: [step], hash: planHash([step] as never, []), lockKey: checkout.databasePath, params: {}, needsApproval: true, destructive: true, mutates: true };
  journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
  journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
  journal.append({ type: 'run.approved', incident, actor: 'U0TEAMMATE', data: { runId, hash: run.hash } });
  journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId, pid: 999_999_999, start: '1', ...here() } });
  journal.append({ type: 'step.started', incident, actor: 'databox-bot', data: { runId, stepId: 'move_db', index: 0 } });
  if (intent) journal.append({ type: 'step.intent', incident, actor: 'databox-bot', data: { runId, action, ...intent } });
  return runId;
}

const settledMove = (service: IncidentService) => {
  const [run] = service.recoverAfterRestart();
  return { run, result: run?.results.find((r) => r.stepId === 'move_db') };
};

// A real process runs the recovery up to the crash: seconds to start, more on a loaded machine.
describe('a crash between a move and its result', { timeout: 180_000 }, () => {
  it('is settled on disk after the restart: the move is found done, and the rollback that puts the file back is offered', async () => {
    const checkout = newCheckout();
    writeGarbage(checkout.databasePath);
    const crashed = await execa(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [path.join(scriptsDir, 'crash-after-move.ts'), checkout.root, checkout.stateDir], {
      reject: false,
      timeout: 150_000,
      env: { PATH: `${standinBin}:${process.env.PATH ?? ''}` },
    });
    // tsx runs the script in a child of its own and passes the kill on as exit code 137.
    expect(crashed.signal === 'SIGKILL' || crashed.exitCode === 137, `${crashed.stdout}${crashed.stderr}`).toBe(true);
    expect(checkout.listData(), 'the move took effect before the crash').toEqual(['databox.duckdb.broken']);
    const offered: string[] = [];
    const { service, journal } = engine(checkout, offered);
    const [run] = service.recoverAfterRestart();
    expect(run?.status).toBe('interrupted');
    expect(run?.results.map((r) => `${r.stepId}:${r.status}`)).toEqual(['not_held:corrupt', expect.stringMatching(/^room_for_rebuild:(ok|full)$/), 'move_db:ok']);
    expect(run?.results.find((r) => r.stepId === 'move_db')?.summary).toMatch(/found done after a restart: .*databox\.duckdb is now .*databox\.duckdb\.broken/);
    await service.offerRollbackIfChanged(run as Run);
    expect(offered).toEqual([run?.id]);
    const rollback = await service.proposeRollback(run?.id as string, 'U0OPERATOR');
    expect(rollback.steps.find((s) => s.id === 'restore_db')).toMatchObject({ from: `${checkout.databasePath}.broken`, to: checkout.databasePath });
    const intents = fs.readFileSync(journal.file, 'utf8').split('\n').filter((l) => l.includes('"type":"step.intent"'));
    expect(intents).toHaveLength(1);
  });

  it('is settled as not done when the file is still where it was, and nothing is offered to roll back', async () => {
    const checkout = newCheckout();
    writeGarbage(checkout.databasePath);
    runningMove(checkout, { from: checkout.databasePath, to: `${checkout.databasePath}.broken` });
    const offered: string[] = [];
    const { service } = engine(checkout, offered);
    const { run, result } = settledMove(service);
    expect(result).toMatchObject({ status: 'failed', summary: expect.stringMatching(/not done: after a restart .* is still there/) });
    await service.offerRollbackIfChanged(run as Run);
    expect(offered).toEqual([]);
    // Known to have changed nothing: the failure message and the status do not list it as changed before the stop.
    expect(result?.untouched).toBe(true);
    expect(changedBeforeStopping(run?.steps ?? [], run?.results ?? [])).toEqual([]);
    expect(statusReport(service.state, new Date()).unsettled).toEqual([]);
  });

  it('is settled as not done when the bot stopped before the move\'s intent was on disk', () => {
    const checkout = newCheckout();
    writeGarbage(checkout.databasePath);
    runningMove(checkout);
    const { result } = settledMove(engine(checkout).service);
    expect(result).toMatchObject({ status: 'failed', summary: expect.stringMatching(/before it touched any file/), untouched: true });
    // Nobody saw it end: its time is an upper bound, from its start to the restart, and says so.
    expect(result).toMatchObject({ durationAtMost: true, summary: expect.stringMatching(/ \(it started at \d\d:\d\d:\d\d UTC and was found stopped at \d\d:\d\d:\d\d UTC: it ran at most [\d.]+ m?s\)$/) });
    expect(stepDuration(result as StepRecord)).toMatch(/^at most [\d.]+ m?s$/);
  });

  it('is "unknown", never not done, when the journal lost its last lines (the move\'s intent among them): the files are to be checked', () => {
    const checkout = newCheckout();
    writeGarbage(checkout.databasePath);
    runningMove(checkout, { from: checkout.databasePath, to: `${checkout.databasePath}.broken` });
    // The move happened; then the journal's last line, its intent, was cut off (the head still names it).
    fs.renameSync(checkout.databasePath, `${checkout.databasePath}.broken`);
    const file = path.join(checkout.stateDir, 'journal.jsonl');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
    const { service, journal } = engine(checkout);
    expect(journal.problem?.line).toBe(lines.length);
    const { run, result } = settledMove(service);
    expect(result).toMatchObject({
      status: 'unknown',
      summary: expect.stringMatching(new RegExp(`^could not tell: the journal failed verification at line ${lines.length}, so this step's intent or result may be among its lost lines \\(from the disk alone: not done: the bot stopped before it touched any file .*\\); check the files by hand$`)),
    });
    expect(run?.status).toBe('interrupted');
    // Not said to have changed nothing either: it is among what the run may have changed.
    expect(result?.untouched).toBeUndefined();
    expect(changedBeforeStopping(run?.steps ?? [], run?.results ?? []).map((c) => c.title)).toContain(run?.steps.find((s) => s.id === 'move_db')?.title);
    const finished = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line)).find((r) => r.type === 'run.finished');
    expect(finished?.data.reason).toBe(`the bot running it stopped; the journal failed verification at line ${lines.length}, so what it did after that is not known: check by hand`);
  });

  it('finds a copy done when its target is there (it appears by one link, after the copy was checked), not done otherwise', () => {
    const [done, notDone] = [newCheckout(), newCheckout()];
    for (const checkout of [done, notDone]) {
      writeGarbage(checkout.databasePath);
      runningMove(checkout, { from: checkout.databasePath, to: `${checkout.databasePath}.broken` }, 'copy');
    }
    fs.copyFileSync(done.databasePath, `${done.databasePath}.broken`);
    expect(settledMove(engine(done).service).result).toMatchObject({ status: 'ok', outputs: { to: `${done.databasePath}.broken` } });
    expect(settledMove(engine(notDone).service).result).toMatchObject({ status: 'failed', summary: expect.stringMatching(/not done: .* is not there/) });
  });

  it('is "unknown" when the move was cut between its link and its unlink: both names, one file, nothing lost', () => {
    const checkout = newCheckout();
    writeGarbage(checkout.databasePath);
    fs.linkSync(checkout.databasePath, `${checkout.databasePath}.broken`);
    runningMove(checkout, { from: checkout.databasePath, to: `${checkout.databasePath}.broken` });
    const { result } = settledMove(engine(checkout).service);
    expect(result).toMatchObject({ status: 'unknown', summary: expect.stringMatching(/two names of one file/) });
  });
});
